"""The whole-graph export: time and memory of `GET /export/graph` on the loaded graph."""

from __future__ import annotations

import time

import httpx

from bench.api_runs import Env
from bench.common import console
from bench.processes import PeakRss
from bench.stats import OneOff


async def run_export(env: Env) -> None:
    url = env.api_url + "/export/graph"
    async with httpx.AsyncClient(
        timeout=600, headers={"Authorization": f"Bearer {env.admin_key}"}
    ) as client:
        probe = await client.get(url, params={"format": "csv"})
        if probe.status_code == 404:
            env.report.oneoffs.append(
                OneOff(
                    "export of the whole graph",
                    "ours",
                    None,
                    "s",
                    "n/a — not implemented yet (GET /export/graph is 404)",
                )
            )
            return
        results = []
        for fmt in ("graphml", "csv", "cytoscape"):
            with PeakRss(env.api_pid) as peak:
                t0 = time.perf_counter()
                size = 0
                async with client.stream("GET", url, params={"format": fmt}) as response:
                    if response.status_code != 200:
                        body = (await response.aread())[:300]
                        env.report.findings.append(
                            f"export {fmt}: HTTP {response.status_code} {body!r}"
                        )
                        continue
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                elapsed = time.perf_counter() - t0
            results.append((elapsed, fmt, size, peak.peak))
            console.print(
                f"  export {fmt}: {elapsed:.2f} s, {size / 1e6:.1f} MB, "
                f"API peak RSS {peak.peak:.0f} MB"
            )
        if not results:
            env.report.oneoffs.append(
                OneOff("export of the whole graph", "ours", None, "s", "every format failed")
            )
            return
        worst = max(results)
        detail = "; ".join(f"{f}: {t:.2f} s, {s / 1e6:.1f} MB" for t, f, s, _ in results)
        env.report.oneoffs.append(
            OneOff("export of the whole graph", "ours", worst[0], "s", f"slowest format; {detail}")
        )
        env.report.oneoffs.append(
            OneOff(
                "API peak RSS during export",
                "ours",
                max(r[3] for r in results),
                "MB",
                "sampled every 10 ms from /proc/<pid>/status",
            )
        )
