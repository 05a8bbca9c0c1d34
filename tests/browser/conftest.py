"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live_server.

Needs the apt package "chromium" (/usr/bin/chromium, or set CHROMIUM_PATH), the pip
packages playwright and pytest-playwright (requirements-dev.txt; their driver ships in
the wheel, no browser download) and node_modules from `npm ci` (axe-core). Missing
any of them skips these tests locally and fails them in CI (tests.conftest.skip_or_fail).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses
# to run there unless told it is safe (it is: the test drives one thread at a time).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# What the site must run under once deployed: no inline scripts or styles anywhere.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

try:
    from playwright._impl._driver import compute_driver_executable
except ImportError:  # playwright not installed: stand in for pytest-playwright's fixtures
    compute_driver_executable = None

    @pytest.fixture
    def page():
        skip_or_fail("the playwright package is not installed (pip install -r requirements-dev.txt)")


def missing_requirement() -> str | None:
    if compute_driver_executable is None:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    driver = compute_driver_executable()
    driver_path = Path(driver[0] if isinstance(driver, tuple) else driver)
    if not driver_path.exists():
        return f"playwright's driver is missing at {driver_path}"
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return f"axe-core is missing at {AXE} (run npm ci)"
    return None


if compute_driver_executable is not None:

    @pytest.fixture(scope="session")
    def browser_type_launch_args(browser_type_launch_args):
        reason = missing_requirement()
        if reason:
            skip_or_fail(reason)
        return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture
def csp_page(page):
    """Return a page whose every response carries a strict Content-Security-Policy, and
    that records the violations the browser reports in `page.csp_violations`."""
    violations: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))

    def add_csp(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})

    page.route("**/*", add_csp)
    page.csp_violations = violations
    yield page
    # A request still in flight when the test ends (the favicon, say) must not fail the next test.
    page.unroute_all(behavior="ignoreErrors")


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page and return its violations (id, impact, help, nodes' targets)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [node["target"] for node in v["nodes"]][:5],
        }
        for v in violations
    ]


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
