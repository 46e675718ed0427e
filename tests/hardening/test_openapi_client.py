"""A client generated from the live schema works, as an app developer would use it (issue 28
item 5): openapi-python-client builds it from /api/schema/, offline, and a new member registers,
posts a review, votes on another's review and reads the feed through it against a running server.
"""

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.factories import CategoryFactory, ProductFactory, ReviewFactory

PACKAGE = "candor_client"
PASSWORD = "c4ndor-pass!"
GENERATOR = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))


@pytest.fixture
def client_package(live_server, tmp_path):
    """Generate the client from the live server's schema into tmp_path and import it."""
    if GENERATOR is None:
        pytest.skip("openapi-python-client is not installed (requirements-dev.txt)")
    schema = httpx.get(f"{live_server.url}/api/schema/", params={"format": "json"}, timeout=30)
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_text(schema.text)
    # No post hooks: the generated code is imported, not linted.
    (tmp_path / "config.json").write_text(json.dumps({"package_name_override": PACKAGE, "post_hooks": []}))
    generated = subprocess.run(  # noqa: S603 - fixed arguments
        [
            GENERATOR,
            "generate",
            "--path",
            str(tmp_path / "schema.json"),
            "--config",
            str(tmp_path / "config.json"),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / PACKAGE),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def test_generated_client_registers_posts_votes_and_reads_the_feed(client_package, live_server):
    api = importlib.import_module(f"{PACKAGE}.api.v1")
    models = importlib.import_module(f"{PACKAGE}.models")
    register = importlib.import_module(f"{api.__name__}.v1_auth_register_create")
    create_review = importlib.import_module(f"{api.__name__}.v1_reviews_create")
    vote = importlib.import_module(f"{api.__name__}.v1_reviews_vote_update")
    feed = importlib.import_module(f"{api.__name__}.v1_feed_list")

    product = ProductFactory(category=CategoryFactory(slug="skincare"))
    theirs = ReviewFactory(product=ProductFactory(category=product.category))

    # Each client closed at the end: a kept-alive connection would hold a server thread, and its
    # database session, open past the test.
    with client_package.Client(base_url=live_server.url, raise_on_unexpected_status=True) as anonymous:
        answer = register.sync(client=anonymous, body=models.RegisterInputRequest(username="mei", password=PASSWORD))
        assert isinstance(answer, models.TokenOutput) and answer.username == "mei"
        # A documented error comes back as its documented model, naming the field.
        taken = register.sync(client=anonymous, body=models.RegisterInputRequest(username="mei", password=PASSWORD))
        assert isinstance(taken, models.ValidationError) and "username" in taken.additional_properties

    with client_package.AuthenticatedClient(
        base_url=live_server.url, token=answer.token, prefix="Token", raise_on_unexpected_status=True
    ) as mei:
        mine = create_review.sync(
            client=mei,
            body=models.ReviewCreateRequest(
                product=product.pk, rating=5, title="Calmed my redness", body="Two weeks, twice a day: no more flaking."
            ),
        )
        assert isinstance(mine, models.Review), mine
        assert mine.title == "Calmed my redness" and mine.author.username == "mei"

        voted = vote.sync(id=str(theirs.pk), client=mei, body=models.VoteInputRequest(helpful=True))
        assert isinstance(voted, models.VoteState), voted
        assert voted.helpful is True and voted.helpful_count == 1

        page = feed.sync(client=mei, page_size=10)
        assert isinstance(page, models.PaginatedReviewList), page
        assert [review.id for review in page.results][:2] == [mine.id, theirs.pk]  # newest first
