// Builds the explorer and the API console (GraphiQL) into dist/: bundled, minified
// scripts plus the pages and their stylesheets. Everything comes from npm packages:
// no CDN, it works offline.
//   dist/index.html, dist/assets/            the explorer (served at / and /assets)
//   dist/graphiql/index.html, …/assets/      the API console (at /graphiql)
import { context, build } from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";

const watch = process.argv.includes("--watch");
const common = {
  bundle: true,
  minify: !watch,
  sourcemap: true,
  format: "esm",
  target: ["chrome110", "firefox110", "safari16"],
  legalComments: "linked",
  logLevel: "info",
};
const explorer = {
  ...common,
  entryPoints: ["src/main.js"],
  outfile: "dist/assets/app.js",
};
const graphiql = {
  ...common,
  entryPoints: {
    graphiql: "src/graphiql/main.js",
    // Monaco's language services, started by src/graphiql/workers.js.
    "editor.worker": "monaco-editor/esm/vs/editor/editor.worker.js",
    "json.worker": "monaco-editor/esm/vs/language/json/json.worker.js",
    "graphql.worker": "monaco-graphql/esm/graphql.worker.js",
  },
  outdir: "dist/graphiql/assets",
  loader: { ".ttf": "file" },
  define: { "process.env.NODE_ENV": watch ? '"development"' : '"production"' },
};

await rm("dist", { recursive: true, force: true });
// Each page at its folder, everything it loads under its assets/ folder.
await mkdir("dist/assets", { recursive: true });
await mkdir("dist/graphiql/assets", { recursive: true });
await copyFile("src/index.html", "dist/index.html");
for (const file of ["styles.css", "favicon.svg"]) {
  await copyFile(`src/${file}`, `dist/assets/${file}`);
}
await copyFile("src/graphiql/index.html", "dist/graphiql/index.html");
await copyFile("src/graphiql/console.css", "dist/graphiql/assets/console.css");
if (watch) {
  for (const options of [explorer, graphiql]) await (await context(options)).watch();
} else {
  await Promise.all([build(explorer), build(graphiql)]);
}
