"""The interface in Simplified Chinese, in a real browser (issue 26): the header's switch, the
language a Chinese browser gets, the JS messages from the catalogue under the strict CSP, the CJK
font stack, and zh-Hans screenshots at 390 and 1280 px beside the English ones."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User

from .conftest import assert_accessible, log_in
from .scenario import build_community

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def community(community_of):
    return community_of(build_community)


def test_the_header_switch_changes_the_language_and_back(page, shots, community):
    page.goto("/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shots("login-en")
    page.locator(".topnav").get_by_role("link", name="简体中文").click()
    page.wait_for_url(re.compile(r"/zh-hans/login/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", name="欢迎回来")).to_be_visible()
    shots("login-zh")
    assert_accessible(page)
    # The choice is remembered: an unprefixed address now opens in Chinese.
    page.goto("/signup/")
    page.wait_for_url(re.compile(r"/zh-hans/signup/$"))
    expect(page.get_by_role("heading", name="加入 Candor")).to_be_visible()
    page.locator(".topnav").get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/signup/$"))
    assert "/zh-hans/" not in page.url
    expect(page.get_by_role("heading", name="Join Candor")).to_be_visible()


def test_a_chinese_browser_gets_chinese_with_cjk_fonts_and_js_messages(browser, live_server, community):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url, locale="zh-CN")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        tab.goto("/")
        tab.wait_for_url(re.compile(r"/zh-hans/$"))
        expect(tab.locator("html")).to_have_attribute("lang", "zh-Hans")
        expect(tab.get_by_role("navigation", name="主导航", exact=True)).to_be_visible()
        font = tab.evaluate("() => getComputedStyle(document.body).fontFamily")
        assert font.startswith('"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei"'), font
        # The catalogue came from /zh-hans/jsi18n/ (our origin, allowed by the CSP).
        assert tab.evaluate("() => window.gettext('Link copied.')") == "链接已复制。"
        assert (
            tab.evaluate("() => window.interpolate(window.ngettext('%s suggestion', '%s suggestions', 3), [3])")
            == "3 条建议"
        )
    finally:
        context.close()
    assert not errors, errors


def test_member_sets_chinese_in_the_profile(page, shots, community):
    log_in(page, "mei")
    page.goto("/settings/profile/")
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_url(re.compile(r"/zh-hans/u/mei/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert User.objects.get(username="mei").language == "zh-hans"
    page.goto("/notifications/")
    page.wait_for_url(re.compile(r"/zh-hans/notifications/$"))
    expect(page.get_by_role("heading", name="通知")).to_be_visible()
    shots("notifications-zh")
    page.goto("/settings/profile/")
    expect(page.get_by_label("语言")).to_have_value("zh-hans")
    shots("profile-edit-zh")
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_screenshots_in_both_languages(page, shots, community, language):
    prefix = "" if language == "en" else "/zh-hans"
    page.goto(f"{prefix}/")
    expect(page.locator(".card").first).to_be_visible()
    shots(f"discover-{language}")
    review = community["reviews"][0]
    page.goto(f"{prefix}{review.get_absolute_url()}")
    shots(f"review-{language}")
    page.goto(f"{prefix}/search/?q=sunscreen")
    shots(f"search-{language}")
    page.goto(f"{prefix}/nowhere/")
    expect(page.locator("h1")).to_have_text("找不到这个页面" if language == "zh-hans" else "We couldn't find that page")
    shots(f"not-found-{language}")
