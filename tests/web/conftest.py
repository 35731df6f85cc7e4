"""Fixtures of the browser tests: a seeded live server and headless Debian Chromium (Playwright).

The browser is ``/usr/bin/chromium`` (apt package ``chromium``), driven by the
``playwright`` Python package; ``playwright install`` is never needed.  Without
that binary or package the tests skip with the reason, except under ``CI=true``,
where they fail: CI installs both (``.ci/run``).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api_http.conftest import PASSWORD, LiveServer, live, seeded  # noqa: F401

CHROMIUM = Path(os.environ.get("FOODHUB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is missing (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser: Any, live: LiveServer) -> Iterator[Any]:  # noqa: F811
    """``new_page(viewport=None)`` -> a page in a fresh context (own cookies)."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int] | None = None) -> Any:
        context = browser.new_context(
            base_url=live.url, viewport=viewport or {"width": 1280, "height": 900}
        )
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def api(live: LiveServer) -> Iterator[httpx.Client]:  # noqa: F811
    with httpx.Client(base_url=live.url, timeout=60) as client:
        yield client


def keep_screenshot(page: Any, name: str) -> None:
    """Save a full-page screenshot under ``$FOODHUB_WEB_SHOTS`` when set (for a human look)."""
    folder = os.environ.get("FOODHUB_WEB_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def sign_in(page: Any, username: str, next_path: str = "") -> None:
    """Sign in through the login form with the keyboard only."""
    page.goto("/web/login" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Identifiant").fill(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
