// Builds the explorer into dist/: one bundled, minified script plus the page and
// its stylesheet. Everything comes from npm packages: no CDN, it works offline.
import { context, build } from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";

const watch = process.argv.includes("--watch");
const options = {
  entryPoints: ["src/main.js"],
  bundle: true,
  minify: !watch,
  sourcemap: true,
  format: "esm",
  target: ["chrome110", "firefox110", "safari16"],
  outfile: "dist/assets/app.js",
  legalComments: "linked",
  logLevel: "info",
};

await rm("dist", { recursive: true, force: true });
// The page at dist/, everything it loads under dist/assets/ (served at /assets).
await mkdir("dist/assets", { recursive: true });
await copyFile("src/index.html", "dist/index.html");
for (const file of ["styles.css", "favicon.svg"]) {
  await copyFile(`src/${file}`, `dist/assets/${file}`);
}
if (watch) {
  const ctx = await context(options);
  await ctx.watch();
} else {
  await build(options);
}
