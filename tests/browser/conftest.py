"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

The browser is never downloaded: it must be /usr/bin/chromium (scripts/test.sh installs it with
apt-get when missing and run as root); without it these tests are skipped with that reason.
"""

import copy
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import SCREENSHOTS

from .scenario import PASSWORD

WIDTHS = {390: 844, 1280: 800}
# Installed from the npm registry by scripts/test.sh (package.json pins the version).
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


class Shots:
    """Full-page screenshots of the current page at 390 px and 1280 px, named after the test."""

    def __init__(self, page, test_name: str):
        self.page = page
        self.prefix = re.sub(r"[^\w-]+", "-", test_name).strip("-")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str) -> list[Path]:
        original = self.page.viewport_size
        paths = []
        for width, height in WIDTHS.items():
            self.page.set_viewport_size({"width": width, "height": height})
            self.page.wait_for_timeout(250)  # the masonry grid re-deals its columns on resize
            path = SCREENSHOTS / f"{self.prefix}--{name}-{width}.png"
            self.page.screenshot(path=str(path), full_page=True)
            paths.append(path)
        self.page.set_viewport_size(original)
        self.page.wait_for_timeout(150)
        return paths


# Reports every Content-Security-Policy violation of every page of a context (the browser also
# logs them to the console, but a report-only one only as a warning).
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} on ${document.location.pathname}` +
    ` (${event.sourceFile || "-"}:${event.lineNumber})`
  );
});
"""


def watch_csp(context) -> list[str]:
    """Start collecting the context's CSP violations; the list fills in as pages load.

    Every browser test's context goes through here (the `page` fixture below, and
    tests/moderation/test_browser.py), so a page that breaks the policy fails its test."""
    violations: list[str] = []
    context.expose_function("__cspViolation", lambda text: violations.append(text))
    context.add_init_script(_CSP_LISTENER)
    context.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser tab (desktop size) that fails the test on any JavaScript error or any
    Content-Security-Policy violation."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    csp_violations = watch_csp(context)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield tab
    tab.wait_for_timeout(100)  # a violation's report is an async call into Python
    context.close()
    assert not csp_violations, csp_violations
    # 4xx answers to deliberate bad input show up as console errors; only real script errors fail.
    script_errors = [e for e in errors if "Failed to load resource" not in e]
    assert not script_errors, script_errors


@pytest.fixture(scope="module")
def built_once():
    """What `community_of` keeps for a module: the database and media files as its first test
    built them, and what the build returned."""
    kept = {}
    yield kept
    if "database" in kept:
        kept["database"].close()


@pytest.fixture
def community_of(built_once, transactional_db):
    """`community_of(make)` in a module's community fixture returns `make()` as it was built.

    The community is the same for every test of a module, and building it (members, reviews
    with photos through the services, a rerank) costs more than most of these tests. On the
    embedded SQLite, whose in-memory database the live server shares, the module's first test
    builds it; the database (every table, the full-text index and the id sequences included)
    and the media files are then kept, and each later test starts from a copy of them, as if
    it had built them itself, with its own copy of the returned rows. Elsewhere (PostgreSQL)
    each test builds its own."""

    def provide(make):
        if connection.vendor != "sqlite" or not connection.is_in_memory_db():
            return make()
        connection.ensure_connection()
        media = Path(settings.MEDIA_ROOT)
        if "database" not in built_once:
            built = make()
            database = sqlite3.connect(":memory:")
            connection.connection.backup(database)
            kept_media = Path(built_once.setdefault("media", str(media) + "-built"))
            if media.exists():
                shutil.copytree(media, kept_media)
            built_once.update(database=database, built=built)
        else:
            built_once["database"].backup(connection.connection)
            if Path(built_once["media"]).exists():
                shutil.copytree(built_once["media"], media, dirs_exist_ok=True)
        return copy.deepcopy(built_once["built"])

    return provide


@pytest.fixture
def shots(page, request):
    return Shots(page, request.node.name)


def log_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def assert_accessible(page) -> None:
    """Run axe-core on the current page; fail listing every serious or critical violation.

    axe is evaluated in the page over the DevTools protocol, not added as a <script> element, so
    the site's Content-Security-Policy (no inline script) stays on and the CSP watcher still
    fails the test on anything the page itself does wrong."""
    if not AXE.exists():
        pytest.skip(f"needs axe-core at {AXE} (scripts/test.sh installs it with npm)")
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(AXE.read_text())
    # Colours are checked as they settle: a toast fading in is half transparent for its 0.2 s.
    page.evaluate(
        "() => Promise.all(document.getAnimations()"
        ".filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity).map((a) => a.finished))"
    )
    violations = page.evaluate("() => axe.run(document).then((result) => result.violations)")
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    where = f"{page.url} at {page.viewport_size['width']} px"
    assert not serious, f"axe on {where}:\n" + "\n".join(
        f"- {v['impact']} {v['id']}: {v['help']} -> {[node['target'] for node in v['nodes']]}" for v in serious
    )
