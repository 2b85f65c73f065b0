"""The API console: GraphiQL built from npm and served by us, signed in with the key of
the explorer tab that opened it, under the page's Content-Security-Policy."""

from __future__ import annotations

import pytest
from playwright.async_api import (
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Route,
    WebError,
    expect,
)

from tests.e2e.conftest import Shots, Site

pytestmark = pytest.mark.e2e


async def _offline(context: BrowserContext, origin: str) -> list[str]:
    """Refuse every request that leaves the app (a CDN): offline but for our server."""
    refused: list[str] = []

    async def route(r: Route, request: Request) -> None:
        if request.url.startswith(origin):
            await r.continue_()
        else:
            refused.append(request.url)
            await r.abort()

    await context.route("**/*", route)
    return refused


async def _run_viewer_query(console: Page) -> None:
    # The default query is `{ viewer { name role } }`; Ctrl-Enter runs it.
    await console.locator(".graphiql-query-editor .monaco-editor").first.click()
    await console.keyboard.press("Control+Enter")
    result = console.locator(".graphiql-response")
    await expect(result).to_contain_text('"role": "admin"')


async def test_graphiql_opens_from_the_explorer_offline_with_the_key_set(
    page: Page, site: Site, shots: Shots, browser_context: BrowserContext
) -> None:
    refused = await _offline(browser_context, site.url)
    problems: list[str] = []

    def on_console(m: ConsoleMessage) -> None:
        if m.type == "error" and m.page != page:  # the explorer tab has its own check
            problems.append(m.text)

    def on_error(e: WebError) -> None:
        problems.append(f"page error: {e.error}")

    browser_context.on("console", on_console)
    browser_context.on("weberror", on_error)
    try:
        await page.goto(f"{site.url}/?key={site.key}")
        await expect(page.locator("#whoami")).to_contain_text("e2e-admin")
        async with browser_context.expect_page() as opened:
            await page.get_by_role("link", name="API console (GraphiQL)").click()
        console = await opened.value
        await expect(console.locator(".graphiql-container")).to_be_visible()
        assert site.key not in console.url
        csp = await console.evaluate(
            "fetch(location.href, {headers: {Accept: 'text/html'}})"
            ".then(r => r.headers.get('content-security-policy'))"
        )
        assert "script-src 'self'" in csp and "unsafe-eval" not in csp
        await _run_viewer_query(console)
        await expect(console.locator(".graphiql-response")).to_contain_text('"name": "e2e-admin"')
        await console.screenshot(path=str(shots.dir / "01-graphiql.png"))
        # The key is not on screen (headers editor) and not stored by GraphiQL.
        stored = await console.evaluate("JSON.stringify(Object.assign({}, localStorage))")
        assert site.key not in stored
        assert not refused, refused
        assert not problems, problems
        await console.close()
    finally:
        await browser_context.unroute("**/*")
        browser_context.remove_listener("console", on_console)
        browser_context.remove_listener("weberror", on_error)


async def test_graphiql_opened_alone_asks_for_a_key_and_keeps_it_out_of_the_url(
    page: Page, site: Site
) -> None:
    response = await page.goto(f"{site.url}/graphql")
    assert response is not None and response.ok
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    await page.get_by_label("API key").fill(site.key)
    await page.get_by_role("button", name="Open the console").click()
    await _run_viewer_query(page)
    assert site.key not in page.url
    # A reload keeps the key of this tab (sessionStorage), as the explorer does.
    await page.reload()
    await expect(page.locator(".graphiql-container")).to_be_visible()
    await expect(page.get_by_label("API key")).to_be_hidden()
