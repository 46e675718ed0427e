"""What keeps the index and the analysis current without a reindex: the synonym list and jieba's
dictionary shared through the Django cache, and tags renamed or deleted."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ranking.engine.plumbing import RunResult
from ranking.models import ReviewScore
from ranking.scoring import QUALITY_FLOOR
from ranking.services import rerank, rerank_committed
from reviews.models import Product, Review, Tag
from reviews.services import review_create
from search import cache, dictionary, text
from search.models import SearchDocument, Synonym
from search.query import parse
from tests.factories import BrandFactory, CategoryFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/"


def found(api_client, q) -> list[int]:
    response = api_client.get(URL, {"q": q})
    assert response.status_code == 200, response.content
    return [review["id"] for review in response.json()["results"]]


def note(title: str, body: str, **kwargs) -> Review:
    return review_create(author=UserFactory(), product=ProductFactory(), rating=4, title=title, body=body, **kwargs)


def synonym_reads(api_client, q) -> int:
    with CaptureQueriesContext(connection) as queries:
        api_client.get(URL, {"q": q})
    return sum("search_synonym" in query["sql"] for query in queries.captured_queries)


def test_the_synonym_list_is_read_once_and_again_after_a_change(api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        group = Synonym.objects.create(terms="防晒, sunblock")
    review = note("Sunscreen", "A sunscreen for the beach.")
    assert synonym_reads(api_client, "防晒") == 1
    assert synonym_reads(api_client, "防晒") == 0
    assert found(api_client, "防晒") == []
    with django_capture_on_commit_callbacks(execute=True):
        group.terms = "防晒, sunblock, sunscreen"
        group.save()
    assert found(api_client, "防晒") == [review.pk]
    with django_capture_on_commit_callbacks(execute=True):
        group.delete()
    assert found(api_client, "防晒") == []


@pytest.mark.django_db(transaction=True)
def test_a_synonym_change_rolled_back_never_reaches_the_cache(api_client):
    review = note("Sunblock", "A sunblock for the beach.")
    with pytest.raises(RuntimeError), transaction.atomic():
        Synonym.objects.create(terms="防晒, sunblock")
        # The writer reads its own uncommitted group: this read must not be kept.
        assert parse("防晒").groups == (((("防晒",), ("sunblock",))),)
        raise RuntimeError
    assert found(api_client, "防晒") == []
    assert found(api_client, "sunblock") == [review.pk]


def test_a_name_another_process_added_or_renamed_is_known_before_the_next_analysis(
    django_capture_on_commit_callbacks, monkeypatch
):
    # The highest ids this process has read: an earlier test's rows, rolled back, may have been
    # above the ids SQLite hands out again now (its id counter is rolled back with them).
    monkeypatch.setattr(dictionary, "_seen", dict.fromkeys(dictionary.NAMED, 0))
    dictionary.ensure_loaded()
    brand, category = BrandFactory(), CategoryFactory()
    # Written without signals, as by another process: this one learns it through the counter.
    (product,) = Product.objects.bulk_create([Product(name="蓝蝶雪绒霜", slug="lan", brand=brand, category=category)])
    assert not text.known_word("蓝蝶雪绒霜")
    with django_capture_on_commit_callbacks(execute=True):  # the other process's commit
        cache.bump(cache.WORDS_ADDED)
    dictionary.ensure_loaded()
    assert text.known_word("蓝蝶雪绒霜")
    Product.objects.filter(pk=product.pk).update(name="紫萤月光乳")
    with django_capture_on_commit_callbacks(execute=True):
        cache.bump(cache.WORDS_RENAMED)
    dictionary.ensure_loaded()
    assert text.known_word("紫萤月光乳")


def test_a_new_review_takes_its_tags_words_from_their_documents(api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = note("Toner", "Calm.", tags=["敏感肌"])
    author, product = UserFactory(), ProductFactory()
    with CaptureQueriesContext(connection) as queries:
        second = review_create(author=author, product=product, rating=4, title="Serum", body="Light.", tags=["敏感肌"])
    # A tag with a document: the link's trigger appends its words, in the link's own statement.
    # PostgreSQL remembers the tags it saw committed with a document, so the write's only index
    # statement is the document's INSERT; SQLite (which may reuse a deleted tag's id) looks first.
    index_writes = [q["sql"] for q in queries.captured_queries if "search_searchdocument" in q["sql"]]
    assert len(index_writes) == (1 if connection.vendor == "postgresql" else 2), index_writes
    assert "敏感肌" in SearchDocument.objects.get(kind="review", object_id=second.pk).terms_a.split()
    mixed = note("Cream", "Rich.", tags=["敏感肌", "nightcare"])
    assert sorted(found(api_client, "敏感肌")) == sorted([first.pk, second.pk, mixed.pk])
    assert found(api_client, "nightcare") == [mixed.pk]
    assert SearchDocument.objects.filter(kind="tag", label__contains="nightcare").exists()
    words = SearchDocument.objects.get(kind="review", object_id=mixed.pk).terms_a.split()
    assert "敏感肌" in words and "nightcar" in words and "cream" in words


def test_a_tag_linked_without_signals_reaches_the_review_by_the_links_trigger(api_client):
    known = note("Balm", "Soft.", tags=["夜间修护"])  # the tag gets its document
    review = note("Mist", "Fine.")
    tag = Tag.objects.get(name="夜间修护")
    # A bulk insert of links sends no m2m_changed: only the trigger (search 0005) appends the words.
    Review.tags.through.objects.bulk_create([Review.tags.through(review_id=review.pk, tag_id=tag.pk)])
    assert sorted(found(api_client, "夜间修护")) == sorted([known.pk, review.pk])
    assert SearchDocument.objects.get(kind="review", object_id=review.pk).terms_a.split().count("夜间修护") == 1


def test_suggestions_follow_a_renamed_product_and_a_deleted_tag(api_client):
    def suggested(q) -> list[str]:
        response = api_client.get(f"{URL}suggest/", {"q": q})
        assert response.status_code == 200, response.content
        return [s["text"] for s in response.json()["results"]]

    product = ProductFactory(name="Zinnia Glow Serum")
    note("Glow", "Bright.", tags=["zinniafans"])
    assert suggested("zinn") == ["Zinnia Glow Serum", "#zinniafans"]
    assert suggested("zinnia gl") == ["Zinnia Glow Serum"]
    product.name = "Xeranthe Glow Serum"
    product.save()
    Tag.objects.get(name="zinniafans").delete()
    assert suggested("zinn") == []
    assert suggested("xeran") == ["Xeranthe Glow Serum"]
    assert suggested("xeranthe glow") == ["Xeranthe Glow Serum"]


def test_a_deleted_tag_leaves_the_reviews_that_carried_it(api_client):
    tagged = note("夏天", "清爽不油腻。", tags=["夏日限定", "summer"])
    assert found(api_client, "夏日限定") == [tagged.pk]
    Tag.objects.get(name="夏日限定").delete()
    assert found(api_client, "夏日限定") == []
    assert found(api_client, "summer") == [tagged.pk]
    assert "夏日限定" not in SearchDocument.objects.get(kind="review", object_id=tagged.pk).terms_a
    assert not SearchDocument.objects.filter(kind="tag", terms_a__contains="夏日限定").exists()


def test_a_renamed_tag_is_found_by_its_new_name(api_client):
    tagged = note("Balm", "Soft lips.", tags=["lipcare"])
    tag = Tag.objects.get(name="lipcare")
    tag.name = "lipbalm"
    tag.save()
    assert found(api_client, "lipbalm") == [tagged.pk]
    assert found(api_client, "lipcare") == []


def test_a_tag_cleared_from_its_reviews_leaves_them(api_client):
    tagged = note("Mask", "Overnight.", tags=["sleepmask"])
    assert found(api_client, "sleepmask") == [tagged.pk]
    Tag.objects.get(name="sleepmask").reviews.clear()
    assert found(api_client, "sleepmask") == []


def test_a_rerank_copies_each_review_quality_into_its_document(django_capture_on_commit_callbacks):
    review = note("Toner", "A calming toner I have used for a year, morning and night, with no sting.")
    document = SearchDocument.objects.get(kind="review", object_id=review.pk)
    assert document.quality == QUALITY_FLOOR
    with django_capture_on_commit_callbacks(execute=True):
        assert not rerank(full=True).skipped
    document.refresh_from_db()
    assert document.quality == ReviewScore.objects.get(review=review).quality != QUALITY_FLOOR
    # An incremental run writes its start time on the scores it changes.
    started = timezone.now()
    ReviewScore.objects.filter(review=review).update(quality=0.9, updated_at=started)
    with django_capture_on_commit_callbacks(execute=True):
        rerank_committed.send(sender=None, result=RunResult(kind="incremental", started_at=started))
    document.refresh_from_db()
    assert document.quality == 0.9


def test_migrate_indexes_the_rows_that_have_no_document(api_client):
    review = note("Cleansing balm", "Melts everything.")
    SearchDocument.objects.all().delete()
    assert found(api_client, "balm") == []
    call_command("migrate", verbosity=0)
    assert found(api_client, "balm") == [review.pk]
    assert SearchDocument.objects.filter(kind="product", object_id=review.product_id).exists()
    assert SearchDocument.objects.filter(kind="person", object_id=review.author_id).exists()


def test_a_new_review_carries_its_product_and_brand_names_with_or_without_their_document(api_client):
    indexed = ProductFactory(name="Velvet Tint", brand=BrandFactory(name="Rouge Maison"))
    first = review_create(author=UserFactory(), product=indexed, rating=4, title="Nice", body="Soft.")
    # A product loaded without signals has no document: the review's is written from the rows.
    (unindexed,) = Product.objects.bulk_create(
        [Product(name="Cloud Balm", slug="cloud-balm", brand=indexed.brand, category=indexed.category)]
    )
    second = review_create(author=UserFactory(), product=unindexed, rating=4, title="Nice", body="Soft.")
    assert found(api_client, "velvet tint") == [first.pk]
    assert found(api_client, "cloud balm") == [second.pk]
    assert set(found(api_client, "rouge maison")) == {first.pk, second.pk}
