"""The explorer's static route: the page, its assets, and their security headers."""

from __future__ import annotations

from pathlib import Path

import httpx
from starlette.applications import Starlette

from api import web
from api.app import create_app
from api.settings import Settings


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


def _console(dist: Path) -> Path:
    (dist / "graphiql" / "assets").mkdir(parents=True)
    (dist / "graphiql" / "index.html").write_text("<!doctype html><title>GraphiQL</title>")
    (dist / "graphiql" / "assets" / "graphiql.js").write_text("export {};")
    return dist


async def test_the_api_console_is_ours_with_its_own_policy(tmp_path: Path) -> None:
    """GraphiQL's page and assets come from web/dist/graphiql (no CDN); scripts stay
    this origin's only, inline styles are allowed for its editor, nothing else."""
    dist = _console(tmp_path)
    page = web.graphiql_page(dist)
    app = Starlette(routes=web.routes(dist, graphiql=True))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        asset = await c.get("/graphiql/assets/graphiql.js")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    directives = dict(d.split(" ", 1) for d in csp.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["worker-src"] == "'self'"
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["font-src"] == "'self' data:"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-eval" not in csp and "http" not in csp
    assert asset.status_code == 200
    assert asset.headers["content-security-policy"] == csp
    assert asset.headers["referrer-policy"] == "no-referrer"
    # The explorer's policy is unchanged: no inline styles there.
    assert "unsafe-inline" not in web.CONTENT_SECURITY_POLICY


async def test_the_api_console_assets_are_not_served_when_it_is_off(tmp_path: Path) -> None:
    async with _client(_console(tmp_path)) as c:
        assert (await c.get("/graphiql/assets/graphiql.js")).status_code == 404


def test_the_api_console_says_how_to_build_it(tmp_path: Path) -> None:
    page = web.graphiql_page(tmp_path)
    assert page.status_code == 503
    assert b"make install" in page.body


async def test_the_app_serves_the_pages_from_koostoo_web_dist(tmp_path: Path) -> None:
    """The image installs the code apart from the pages and says where they are."""
    dist = _console(tmp_path)
    (dist / "index.html").write_text("<!doctype html><title>Koostöö from elsewhere</title>")
    app = create_app(Settings(KOOSTOO_WEB_DIST=str(dist)))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        page = await c.get("/")
        asset = await c.get("/graphiql/assets/graphiql.js")
    assert page.status_code == 200 and "from elsewhere" in page.text
    assert asset.status_code == 200
