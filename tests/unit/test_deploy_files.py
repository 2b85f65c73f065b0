"""The production files: the compose file and the image are checked for what they promise."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def test_compose_runs_neo4j_community_with_auth_health_and_a_volume() -> None:
    neo4j = _compose()["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert neo4j["environment"]["NEO4J_AUTH"].startswith("neo4j/${NEO4J_PASSWORD:?")
    assert "healthcheck" in neo4j
    assert any(v.endswith(":/data") for v in neo4j["volumes"])


def test_compose_api_waits_for_a_healthy_neo4j_and_runs_in_production() -> None:
    api = _compose()["services"]["api"]
    assert api["build"] == "."
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    env = api["environment"]
    assert env["KOOSTOO_PROFILE"] == "production"
    assert env["NEO4J_PASSWORD"].startswith("${NEO4J_PASSWORD:?")  # no default secret
    assert (ROOT / "Dockerfile").exists()


# ---- the image: the runtime stage serves only what a stage of the image builds ----


@dataclass
class Stage:
    image: str
    name: str | None
    #: (instruction, arguments) in order, continuation lines joined
    steps: list[tuple[str, str]] = field(default_factory=list)

    def all(self, instruction: str) -> list[str]:
        return [args for ins, args in self.steps if ins == instruction]

    def workdir_at(self, index: int) -> PurePosixPath:
        here = PurePosixPath("/")
        for ins, args in self.steps[:index]:
            if ins == "WORKDIR":
                here = here / args
        return here

    def env(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for args in self.all("ENV"):
            for pair in shlex.split(args):
                name, _, value = pair.partition("=")
                found[name] = value
        return found


def _stages(text: str) -> list[Stage]:
    """The Dockerfile's stages: comments dropped, `\\`-continued lines joined."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: list[Stage] = []
    for line in logical:
        instruction, _, args = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            words = args.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(image=words[0], name=name))
        else:
            stages[-1].steps.append((instruction, args.strip()))
    return stages


@dataclass(frozen=True)
class Copy:
    source_stage: str | None
    sources: list[str]
    dest: PurePosixPath


def _copies(stage: Stage) -> list[Copy]:
    found = []
    for i, (ins, args) in enumerate(stage.steps):
        if ins != "COPY":
            continue
        words = shlex.split(args)
        source_stage = None
        for flag in [w for w in words if w.startswith("--")]:
            if flag.startswith("--from="):
                source_stage = flag.removeprefix("--from=")
            words.remove(flag)
        *sources, dest = words
        found.append(Copy(source_stage, sources, stage.workdir_at(i) / dest))
    return found


def _excluded(path: str, patterns: list[str]) -> bool:
    """Whether .dockerignore's patterns leave `path` (or a folder above it) out; the
    last matching pattern wins, `!` brings a path back."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    result = False
    for pattern in patterns:
        keep = pattern.startswith("!")
        body = pattern.removeprefix("!").strip("/")
        regex = re.escape(body).replace(r"\*\*/", "(?:.*/)?").replace(r"\*", "[^/]*")
        regex = regex.replace(r"\?", "[^/]")
        if any(re.fullmatch(regex, c) for c in candidates):
            result = not keep
    return result


def _dockerfile() -> list[Stage]:
    return _stages((ROOT / "Dockerfile").read_text())


def test_a_node_stage_builds_the_pages_from_the_locked_packages() -> None:
    web = next(s for s in _dockerfile() if s.image.startswith("node:20"))
    runs = " && ".join(web.all("RUN"))
    assert "npm ci" in runs and "npm run build" in runs
    copied = {src for c in _copies(web) for src in c.sources}
    # Everything `npm run build` reads: the lock, the build script, the sources.
    assert {"web/package.json", "web/package-lock.json", "web/build.mjs", "web/src"} <= copied
    build = (ROOT / "web" / "build.mjs").read_text()
    assert '"src/index.html", "dist/index.html"' in build
    assert '"src/graphiql/index.html", "dist/graphiql/index.html"' in build


def test_the_runtime_stage_serves_only_the_built_pages_where_the_app_looks() -> None:
    stages = _dockerfile()
    web = next(s for s in stages if s.image.startswith("node:20"))
    runtime = stages[-1]
    assert runtime is not web and runtime.all("CMD") == ['["koostoo", "serve"]']
    copies = _copies(runtime)
    # No web sources: nothing in the runtime stage builds them.
    assert not any(
        src.startswith("web") for c in copies if c.source_stage is None for src in c.sources
    )
    built = [c for c in copies if c.source_stage == web.name]
    web_dir = web.workdir_at(len(web.steps))
    assert [c.sources for c in built] == [[str(web_dir / "dist")]]
    # The installed app finds the pages through KOOSTOO_WEB_DIST: it must be that copy.
    served = PurePosixPath(runtime.env()["KOOSTOO_WEB_DIST"])
    assert served == built[0].dest
    assert Settings(KOOSTOO_WEB_DIST=str(served)).web_dist == Path(str(served))


def test_dockerignore_keeps_local_and_built_files_out_of_the_context() -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for path in (
        "web/node_modules/esbuild/package.json",
        "tests/contract/node_modules/x/index.js",
        "node_modules/x",
        ".venv/bin/python",
        "var/neo4j/data/databases",
        "neo4j-local/target/neo4j-local.jar",
        "web/dist/index.html",
        ".git/HEAD",
    ):
        assert _excluded(path, patterns), path
    for path in ("web/src/main.js", "web/package-lock.json", "api/app.py", "pyproject.toml"):
        assert not _excluded(path, patterns), path
