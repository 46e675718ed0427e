"""The page shell's fixed links (reviews.templatetags.candor.fixed_url / fixed_static), looked up
once per process, are the links `{% url %}` and `{% static %}` give."""

import pytest
from django.template import Context, Template
from django.templatetags.static import static
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix


def draw(source: str) -> str:
    return Template("{% load candor static %}" + source).render(Context({}))


@pytest.mark.parametrize("name", ["discover", "search", "review-create", "login", "signup", "api-docs"])
def test_fixed_url_is_the_url_tag(name):
    assert draw(f"{{% fixed_url '{name}' %}}") == draw(f"{{% url '{name}' %}}") == reverse(name)


def test_fixed_url_follows_the_script_prefix():
    assert draw("{% fixed_url 'search' %}") == "/search/"
    set_script_prefix("/candor/")
    try:
        assert draw("{% fixed_url 'search' %}") == "/candor/search/"
    finally:
        set_script_prefix("/")
    assert draw("{% fixed_url 'search' %}") == "/search/"


def test_fixed_url_of_an_unknown_name_fails_unless_optional():
    with pytest.raises(NoReverseMatch):
        draw("{% fixed_url 'no-such-page' %}")
    assert draw("{% fixed_url 'no-such-page' optional=True as link %}[{{ link }}]") == "[]"


def test_fixed_static_is_the_static_tag_and_follows_static_url():
    assert draw("{% fixed_static 'css/candor.css' %}") == draw("{% static 'css/candor.css' %}")
    with override_settings(STATIC_URL="/assets/"):
        assert draw("{% fixed_static 'css/candor.css' %}") == static("css/candor.css")
        assert draw("{% fixed_static 'css/candor.css' %}").startswith("/assets/")


@pytest.mark.django_db
def test_page_shell_links(client):
    page = client.get(reverse("discover")).content.decode()
    for name in ("discover", "search", "review-create", "login", "signup", "api-docs", "category-rankings"):
        assert f'href="{reverse(name)}"' in page or f'action="{reverse(name)}"' in page
    assert f'href="{static("css/candor.css")}"' in page
