"""What machine and checkout a run was measured on (for RESULTS.md)."""

from __future__ import annotations

import contextlib
import os
import platform
import shlex
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench.common import ROOT

# --- machine and run details -----------------------------------------------------------


def machine(commit: str | None = None) -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        models = [
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ]
        if models:
            cpu = f"{models[0]} × {len(models)} logical CPUs"
    mem = subprocess.run(["free", "-m"], capture_output=True, text=True, check=False).stdout
    total = next((line.split()[1] for line in mem.splitlines() if line.startswith("Mem:")), "?")
    avail = next((line.split()[-1] for line in mem.splitlines() if line.startswith("Mem:")), "?")
    commit = (
        commit
        or subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        or "unknown (not a git checkout)"
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "Date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Command": f"`{shlex.join(['python', '-m', 'bench.run', *sys.argv[1:]])}`",
        "Git commit": commit + (" (with uncommitted changes in the tree)" if dirty else ""),
        "CPU": cpu,
        "Memory": f"{total} MB total, {avail} MB available at start (free -m)",
        "Load average at start": "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
        "Software": f"Python {platform.python_version()}, Node {node}, Neo4j 5.26 Community "
        "(neo4j-local, embedded)",
    }
