"""The explorer page: `web/dist/` (built by `make install`) served at `/` and `/assets`.

The page and its assets carry a strict Content-Security-Policy (only this origin's
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

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # cytoscape's PNG export is a data:/blob: image; the page loads no others.
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    # File names carry no content hash: revalidate (ETag) instead of caching blindly.
    "Cache-Control": "no-cache",
}

NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8">
<title>Koostöö explorer not built</title>
<h1>The explorer is not built</h1>
<p>Run <code>make install</code> (it runs <code>npm ci</code> and <code>npm run build</code>
in <code>web/</code>), then reload. The API is at <a href="/graphql">/graphql</a>.</p>
</html>"""


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response of the wrapped app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                present = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def routes(dist: Path = WEB_DIST) -> list[BaseRoute]:
    """`/` (the page, whatever its query string) and `/assets/*`."""

    async def page(request: Request) -> Response:
        index = dist / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503, headers=SECURITY_HEADERS)
        return FileResponse(index, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)

    return [
        Route("/", page, methods=["GET", "HEAD"]),
        Mount(
            "/assets",
            app=SecurityHeaders(StaticFiles(directory=dist / "assets", check_dir=False)),
            name="assets",
        ),
    ]
