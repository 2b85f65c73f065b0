"""Install size of each morphology candidate: `python -m bench.morph.install_size BASE_PYTHON`.

BASE_PYTHON is the interpreter of a fresh venv holding only the app (`pip install -e .`),
as production has it. For each candidate, pip's resolver says which distributions it
would add to that venv (`--dry-run --report`); those alone are installed (`--no-deps`)
into an empty directory, whose size is the MB added. Writes bench/morph/sizes.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).with_name("sizes.json")

#: candidate name (as in candidates.py) → what pip installs; `--no-deps` marks the
#: wheel-only install graph/morph.py needs (its Vabamorf extension and lexicon, without
#: pandas, NLTK, matplotlib and the rest of EstNLTK's dependencies).
SPECS: dict[str, list[str]] = {
    "Vabamorf (estnltk 1.7.5)": ["estnltk==1.7.5"],
    "Vabamorf (estnltk 1.7.5, wheel only: --no-deps)": ["--no-deps", "estnltk==1.7.5"],
    "estnltk-core 1.7.5 (no Vabamorf)": ["estnltk-core==1.7.5"],
    "estnltk-light 1.6.7.7b0 (no Vabamorf)": ["estnltk-light==1.6.7.7b0"],
    "Snowball Estonian (PyStemmer)": ["PyStemmer"],
    "snowballstemmer (pure Python)": ["snowballstemmer"],
    "simplemma (et)": ["simplemma"],
    "LemmaGen (lemmagen3, et)": ["lemmagen3"],
}


def _du_kib(path: Path) -> int:
    out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[0])


def added(base_python: str, spec: list[str]) -> dict[str, object]:
    no_deps = "--no-deps" in spec
    report = subprocess.run(
        [base_python, "-m", "pip", "install", "--dry-run", "--quiet", "--report", "-", *spec],
        capture_output=True,
        text=True,
        check=True,
    )
    dists = [
        f"{i['metadata']['name']}=={i['metadata']['version']}"
        for i in json.loads(report.stdout)["install"]
    ]
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "site"
        subprocess.run(
            [
                base_python,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--target",
                str(target),
                *dists,
            ],
            check=True,
        )
        kib = _du_kib(target)
    return {"mb": round(kib / 1024, 1), "distributions": dists, "no_deps": no_deps}


def main() -> None:
    base = sys.argv[1]
    sizes = {name: added(base, spec) for name, spec in SPECS.items()}
    OUT.write_text(json.dumps(sizes, indent=1) + "\n", encoding="utf-8")
    for name, s in sizes.items():
        print(f"{name}: {s['mb']} MB ({len(s['distributions'])} distributions)")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
