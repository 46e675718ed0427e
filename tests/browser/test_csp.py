"""The Content-Security-Policy in a real browser: the API docs and the admin work under it, and
the browser tests' watcher (conftest.watch_csp) does see a violation."""

import pytest

from tests.factories import UserFactory

from .conftest import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_and_admin_work_under_the_policy(page):
    # The `page` fixture fails the test on any violation these pages cause.
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Candor API" in page.locator(".swagger-ui .info .title").inner_text()
    page.goto("/api/redoc/")
    page.get_by_role("heading", name="Candor API").first.wait_for()
    UserFactory(username="csp_admin", is_staff=True, is_superuser=True, password="correct-horse-battery")
    page.goto("/admin/")
    page.get_by_label("Username").fill("csp_admin")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Reviews").first.click()
    page.wait_for_url("**/admin/reviews/**")


def test_the_watcher_sees_inline_script_and_style_the_policy_refuses(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    violations = watch_csp(context)
    tab = context.new_page()
    tab.goto("/")
    tab.evaluate(
        """() => {
        document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>');
        const script = document.createElement("script");
        script.textContent = "window.ran = true";
        document.body.append(script);
    }"""
    )
    tab.wait_for_timeout(300)
    ran = tab.evaluate("window.ran === true")
    context.close()
    assert not ran
    assert any("script-src" in violation for violation in violations), violations
    assert any("style-src" in violation for violation in violations), violations
