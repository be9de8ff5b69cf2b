"""Debian's Chromium driven by Playwright's sync API, and pages that record third-party requests.

Never run ``playwright install``: the browser is ``/usr/bin/chromium`` from Debian.

Only one Playwright sync instance can run per thread, so every test module should share
one browser: use the ``browser`` fixture below (import it into a test module or into
``conftest.py``) or ``shared_browser()``; do not start another ``sync_playwright()``.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Playwright, Request, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT_HEIGHT = 900
LOCALE = "fr-BE"
TIMEZONE = "Europe/Brussels"


def launch_browser(playwright: Playwright) -> Browser:
    """Launch Debian's headless Chromium with the project's flags."""
    if not os.access(CHROMIUM, os.X_OK):
        raise RuntimeError(
            f"{CHROMIUM} not found: install Debian's chromium package "
            "(apt-get install chromium); `playwright install` is not used by this project"
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def origin(url: str) -> str:
    """``scheme://host:port`` of a URL (the port is always written)."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443, "ws": 80, "wss": 443}.get(parts.scheme)
    return f"{parts.scheme}://{parts.hostname}:{port}"


def _is_network(url: str) -> bool:
    # data:, blob:, about: ... never leave the browser.
    return urlsplit(url).scheme in {"http", "https", "ws", "wss"}


def new_page(
    browser: Browser,
    width: int,
    javascript: bool = True,
    base_url: str | None = None,
    allow_origins: tuple[str, ...] = (),
) -> Page:
    """A page in a fresh context: viewport ``width`` x 900, fr-BE, Europe/Brussels.

    Every request (of the page, its frames, workers and popups) whose origin differs from
    the site's is recorded in ``page.third_party_requests`` (a list of URLs) and aborted, so
    that nothing leaves the machine. The site's origin is ``base_url`` when given (then
    ``page.goto("/path")`` works too), otherwise the origin of the first document loaded.

    Also recorded: ``page.console_errors`` (console messages of type error) and
    ``page.page_errors`` (uncaught exceptions), both lists of strings.

    ``allow_origins`` are other origins the test itself serves (e.g. a form service
    recorder): requests to them go through and are not counted as third-party.

    Close it with ``page.context.close()``; a test takes the ``open_page`` fixture instead,
    which closes every page it opened.
    """
    context = browser.new_context(
        viewport={"width": width, "height": VIEWPORT_HEIGHT},
        java_script_enabled=javascript,
        locale=LOCALE,
        timezone_id=TIMEZONE,
        base_url=base_url,
        service_workers="allow",
    )
    site = {"origin": origin(base_url) if base_url else None}
    third_party: list[str] = []

    allowed = {origin(o) for o in allow_origins}

    def is_third_party(url: str) -> bool:
        return (
            site["origin"] is not None
            and _is_network(url)
            and origin(url) != site["origin"]
            and origin(url) not in allowed
        )

    def on_request(request: Request) -> None:
        url = request.url
        if site["origin"] is None and _is_network(url) and request.resource_type == "document":
            site["origin"] = origin(url)
        elif is_third_party(url):
            third_party.append(url)

    context.on("request", on_request)
    context.route(is_third_party, lambda route: route.abort("blockedbyclient"))

    page = context.new_page()
    page.third_party_requests = third_party
    page.console_errors = []
    page.page_errors = []

    def on_console(message) -> None:
        if message.type == "error":
            page.console_errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    return page


_shared: dict = {}


def shared_browser() -> Browser:
    """The process's one browser, started on first use; stopped by ``close_shared_browser()``."""
    if "browser" not in _shared:
        playwright = sync_playwright().start()
        try:
            _shared["browser"] = launch_browser(playwright)
        except BaseException:
            playwright.stop()
            raise
        _shared["playwright"] = playwright
    return _shared["browser"]


def close_shared_browser() -> None:
    """Close the shared browser and stop Playwright; harmless when nothing runs."""
    browser = _shared.pop("browser", None)
    playwright = _shared.pop("playwright", None)
    try:
        if browser is not None:
            browser.close()
    finally:
        if playwright is not None:
            playwright.stop()


@pytest.fixture(scope="session")
def browser() -> Browser:
    """The shared Chromium, for the whole session (one per pytest-xdist worker)."""
    yield shared_browser()
    close_shared_browser()


@pytest.fixture
def open_page(browser):
    """Open pages as ``new_page`` does (same arguments, less the browser); every context
    opened is closed when the test ends, whether it passed or failed."""
    pages: list[Page] = []

    def open_(*args, **kwargs) -> Page:
        page = new_page(browser, *args, **kwargs)
        pages.append(page)
        return page

    yield open_
    for page in pages:
        page.context.close()
