"""The explorer page: `web/dist/` (built by `make install`) served at `/` and `/assets`,
and the API console (GraphiQL, `web/dist/graphiql/`) at `/graphql` and `/graphiql/assets`.

The pages and their assets carry a strict Content-Security-Policy (only this origin's
scripts, styles and connections; no framing) and no referrer, because the first URL a
user opens (`/?key=…`) carries an API key until the page removes it.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

WEB_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"


def _policy(*, style_src: str = "'self'", font_src: str = "'self'") -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src {style_src}",
            # cytoscape's PNG export is a data:/blob: image; the pages load no others.
            "img-src 'self' data: blob:",
            "connect-src 'self'",
            f"font-src {font_src}",
            # GraphiQL's editor (Monaco) runs its language services as workers, loaded
            # from /graphiql/assets (never blob: or data:).
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = _policy()
#: GraphiQL 5's editor, Monaco, writes its theme and token colours into a <style>
#: element it creates and positions lines with inline `style` attributes, so its page
#: allows inline styles (both are refused without it: tests/e2e/test_graphiql.py);
#: GraphiQL's stylesheet carries its fonts as data: URLs.
#: Scripts stay this origin's only (no 'unsafe-inline' or 'unsafe-eval' for scripts on
#: any page).
GRAPHIQL_CONTENT_SECURITY_POLICY = _policy(
    style_src="'self' 'unsafe-inline'", font_src="'self' data:"
)


def _headers(policy: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        # File names carry no content hash: revalidate (ETag) instead of caching blindly.
        "Cache-Control": "no-cache",
    }


SECURITY_HEADERS: dict[str, str] = _headers(CONTENT_SECURITY_POLICY)
GRAPHIQL_HEADERS: dict[str, str] = _headers(GRAPHIQL_CONTENT_SECURITY_POLICY)

NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8">
<title>Koostöö explorer not built</title>
<h1>The explorer is not built</h1>
<p>Run <code>make install</code> (it runs <code>npm ci</code> and <code>npm run build</code>
in <code>web/</code>), then reload. The API is at <a href="/graphql">/graphql</a>.</p>
</html>"""

GRAPHIQL_NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8">
<title>Koostöö API console not built</title>
<h1>The API console (GraphiQL) is not built</h1>
<p>Run <code>make install</code> (it runs <code>npm ci</code> and <code>npm run build</code>
in <code>web/</code>), then reload. Until then, POST GraphQL requests to <code>/graphql</code>
with <code>Authorization: Bearer KEY</code>.</p>
</html>"""


class SecurityHeaders:
    """Adds `headers` (default SECURITY_HEADERS) to every response of the wrapped app."""

    def __init__(self, app: ASGIApp, headers: dict[str, str] = SECURITY_HEADERS) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                present = {name.lower() for name, _ in headers}
                for name, value in self.headers.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def routes(dist: Path = WEB_DIST, *, graphiql: bool = False) -> list[BaseRoute]:
    """`/` (the page, whatever its query string) and `/assets/*`; with `graphiql`, the
    API console's assets at `/graphiql/assets/*` (its page is `/graphql`: see
    `graphiql_page`)."""

    async def page(request: Request) -> Response:
        index = dist / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503, headers=SECURITY_HEADERS)
        return FileResponse(index, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)

    found: list[BaseRoute] = [
        Route("/", page, methods=["GET", "HEAD"]),
        Mount(
            "/assets",
            app=SecurityHeaders(StaticFiles(directory=dist / "assets", check_dir=False)),
            name="assets",
        ),
    ]
    if graphiql:
        found.append(
            Mount(
                "/graphiql/assets",
                app=SecurityHeaders(
                    StaticFiles(directory=dist / "graphiql" / "assets", check_dir=False),
                    GRAPHIQL_HEADERS,
                ),
                name="graphiql-assets",
            )
        )
    return found


def graphiql_page(dist: Path = WEB_DIST) -> Response:
    """The API console (GraphiQL built from npm, `web/dist/graphiql/`), which a browser
    gets for a bare GET of `/graphql`."""
    index = dist / "graphiql" / "index.html"
    if not index.is_file():
        return HTMLResponse(GRAPHIQL_NOT_BUILT, status_code=503, headers=GRAPHIQL_HEADERS)
    return FileResponse(index, media_type="text/html; charset=utf-8", headers=GRAPHIQL_HEADERS)
