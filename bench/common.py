"""What every part of the harness shares: where the checkout is, the console it reports
on, and the concurrencies each operation runs at."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
PEER_DIR = ROOT / "bench" / "peer"
console = Console(stderr=True)
CONCURRENCIES = (1, 16)
