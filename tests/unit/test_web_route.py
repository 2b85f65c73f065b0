"""The explorer's static route: the page, its assets, and their security headers."""

from __future__ import annotations

from pathlib import Path

import httpx
from starlette.applications import Starlette

from api import web


def _client(dist: Path) -> httpx.AsyncClient:
    app = Starlette(routes=web.routes(dist))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_serves_the_page_whatever_the_query_with_a_strict_policy(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>Koostöö</title>")
    (tmp_path / "assets" / "app.js").write_text("export {};")
    async with _client(tmp_path) as c:
        page = await c.get("/", params={"key": "kst_secret"})
        asset = await c.get("/assets/app.js")
        missing = await c.get("/assets/nope.js")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Koostöö" in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert asset.status_code == 200
    assert asset.headers["content-security-policy"] == csp
    assert asset.headers["referrer-policy"] == "no-referrer"
    assert missing.status_code == 404


async def test_says_how_to_build_the_page_when_it_is_missing(tmp_path: Path) -> None:
    async with _client(tmp_path / "nothing-here") as c:
        page = await c.get("/")
    assert page.status_code == 503
    assert "make install" in page.text
    assert page.headers["content-security-policy"]
