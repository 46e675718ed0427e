"""Django's `{# ... #}` comment ends at the end of its line: one spread over two lines is printed
on the page as text (it was, under every feed card and in the review page's action bar). Every
template's multi-line comment must be a {% comment %} block."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

from tests.factories import ReviewFactory

ROOT = Path(settings.BASE_DIR)


def template_files() -> list[Path]:
    folders = [Path(d) for d in engines["django"].engine.dirs]
    folders += [p for p in ROOT.glob("*/templates") if p.is_dir()]
    return sorted({f for folder in folders for f in folder.rglob("*") if f.suffix in (".html", ".txt")})


def test_no_template_comment_spans_lines():
    files = template_files()
    assert any(f.name == "review_detail.html" for f in files)  # the search found the templates
    open_comments = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.count("{#") > line.count("#}")
    ]
    assert not open_comments, open_comments


@pytest.mark.django_db
def test_the_review_page_and_cards_print_no_comment(client):
    review = ReviewFactory()
    for url in (review.get_absolute_url(), f"/u/{review.author.username}/"):
        page = client.get(url).content.decode()
        assert "{#" not in page and "#}" not in page, url
