"""Photograph the four pages of issue 25's closing note on a running Candor at 390 px: the note
page, the invited-tester disclosure, a moderation item and the brand's campaign page.

    .venv/bin/python docs/screenshots/issue-25/shoot.py http://127.0.0.1:8000 after '<SCENARIO json>'

The JSON is the line scenario.py printed. Uses Debian's Chromium (never a downloaded browser);
each PNG is cropped to the part that changed and reduced to a 256-colour palette to stay small.
"""

import json
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
# seed_demo's published demo password (this script runs outside Django).
PASSWORD = "candor-demo-2026"  # noqa: S105  # nosec B105
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
WIDTH, HEIGHT = 390, 844


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def shoot(page, path: str, name: str, *, height: int = HEIGHT, start: str | None = None) -> Path:
    """`height` px of the page as a palette PNG: from the top, or from a little above the `start`
    element (a CSS selector). The window is made tall enough that the phone's fixed tab bar sits
    at the bottom of the picture, not across it."""
    page.set_viewport_size({"width": WIDTH, "height": height})
    page.goto(path)
    page.wait_for_load_state("networkidle")
    top = 0
    if start:
        top = max(0, int(page.locator(start).first.evaluate("e => e.getBoundingClientRect().top + scrollY")) - 24)
        page.set_viewport_size({"width": WIDTH, "height": top + height})
    page.wait_for_timeout(300)
    out = HERE / f"{name}.png"
    page.screenshot(path=str(out), clip={"x": 0, "y": top, "width": WIDTH, "height": height})
    Image.open(out).convert("RGB").quantize(colors=256).save(out, optimize=True)
    return out


def main(base_url: str, prefix: str, scenario: dict) -> None:
    """Log in as the scenario's reader, moderator and brand member in turn; four pictures."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        context = browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT}, base_url=base_url, device_scale_factor=1
        )
        page = context.new_page()
        log_in(page, scenario["reader"])
        shoot(page, scenario["note"], f"{prefix}-note-phone")
        shoot(page, scenario["disclosed"], f"{prefix}-disclosure")
        log_in(page, scenario["moderator"])
        shoot(page, scenario["item"], f"{prefix}-moderation-item", height=1300, start='h2:has-text("Reports")')
        log_in(page, scenario["member"])
        shoot(page, scenario["campaign"], f"{prefix}-brand-campaign", height=1200, start="#ratings-title")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))
