"""Keep the search index current in the write's own transaction (receivers run inside it), and
jieba's dictionary knowing every product, brand, category and tag name.

A review's edit is a queryset update: reviews.services sends `review_edited` inside its
transaction. Its tags are set after the review is saved (and tags are bulk-created, which sends
no post_save): m2m_changed reindexes the review and indexes the new tags. A tag renamed or
deleted reindexes the reviews that carry it (a deleted tag's links are gone by post_delete, so
pre_delete notes them), as a product or brand renamed does. Status changes need nothing: the
query reads the status from the review.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from ranking.services import rerank_committed
from reviews.models import Brand, Category, Product, Review, Tag
from reviews.services import review_edited

from . import cache, dictionary, services, tasks
from .models import SearchDocument, Synonym

Kind = SearchDocument.Kind
PERSON_FIELDS = {"username", "display_name", "bio"}


def review_saved(sender, instance: Review, raw=False, created=False, **kwargs) -> None:
    if raw:
        return
    if created:
        services.index_new_review(instance)
    else:
        services.index_reviews([instance.pk])


def review_text_edited(sender, review_id: int, **kwargs) -> None:
    services.index_reviews([review_id])


def review_tags_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if reverse and action == "pre_clear":  # tag.reviews.clear(): which reviews lose it
        instance._search_cleared = list(Review.objects.filter(tags=instance).values_list("pk", flat=True))
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:  # tag.reviews.add(...): pk_set holds reviews
        if action == "post_add":
            dictionary.add_name(instance.name, new_row=True)
            services.index_tags([instance.pk])
        services.index_reviews(pk_set if pk_set is not None else getattr(instance, "_search_cleared", []))
        return
    if action == "post_add":
        services.review_tags_added(instance.pk, pk_set)
    else:
        services.index_reviews([instance.pk])


def product_saved(sender, instance: Product, raw=False, created=False, **kwargs) -> None:
    if not raw:
        dictionary.add_name(" ".join(instance.all_names), new_row=created)
        services.index_products([instance.pk], with_reviews=not created)


def brand_saved(sender, instance: Brand, raw=False, created=False, **kwargs) -> None:
    if not raw:
        dictionary.add_name(" ".join(instance.all_names), new_row=created)
        services.index_brands([instance.pk], with_products=not created)


def category_saved(sender, instance: Category, raw=False, created=False, **kwargs) -> None:
    if not raw:
        dictionary.add_name(" ".join(instance.all_names), new_row=created)


def tag_saved(sender, instance: Tag, raw=False, created=False, **kwargs) -> None:
    if not raw:
        dictionary.add_name(instance.name, new_row=created)
        services.index_tags([instance.pk], with_reviews=not created)


def tag_deleting(sender, instance: Tag, **kwargs) -> None:
    # Its links to reviews are gone by post_delete: note now which reviews carry its words.
    instance._search_reviews = list(Review.objects.filter(tags=instance).values_list("pk", flat=True))


def tag_deleted(sender, instance: Tag, **kwargs) -> None:
    services.unindex(Kind.TAG, [instance.pk])
    services.tag_unindexed(instance.pk)
    services.index_reviews(getattr(instance, "_search_reviews", []))


def person_saved(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    # Logins save last_login alone: nothing searchable changed.
    if not raw and (update_fields is None or PERSON_FIELDS & set(update_fields)):
        services.index_people([instance.pk])


def synonyms_changed(sender, **kwargs) -> None:
    cache.bump(cache.SYNONYMS)


def rerank_done(sender, result, **kwargs) -> None:
    # Sent once the run has committed. A full run rereads every score; an incremental one wrote
    # updated_at = its start. A task of its own: seconds on the 1M database (bench/search/RESULTS.md).
    tasks.quality_refresh.delay(None if result.kind == "full" else result.started_at.isoformat())


def unindexer(kind: str):
    def receiver(sender, instance, **kwargs) -> None:
        services.unindex(kind, [instance.pk])

    return receiver


def connect() -> None:
    user = get_user_model()
    post_save.connect(review_saved, sender=Review, dispatch_uid="search-review-saved")
    review_edited.connect(review_text_edited, dispatch_uid="search-review-edited")
    m2m_changed.connect(review_tags_changed, sender=Review.tags.through, dispatch_uid="search-review-tags")
    post_save.connect(product_saved, sender=Product, dispatch_uid="search-product-saved")
    post_save.connect(brand_saved, sender=Brand, dispatch_uid="search-brand-saved")
    post_save.connect(category_saved, sender=Category, dispatch_uid="search-category-saved")
    post_save.connect(tag_saved, sender=Tag, dispatch_uid="search-tag-saved")
    post_save.connect(person_saved, sender=user, dispatch_uid="search-person-saved")
    pre_delete.connect(tag_deleting, sender=Tag, dispatch_uid="search-tag-deleting")
    post_delete.connect(tag_deleted, sender=Tag, dispatch_uid="search-tag-deleted")
    for kind, model in ((Kind.REVIEW, Review), (Kind.PRODUCT, Product), (Kind.BRAND, Brand)):
        post_delete.connect(unindexer(kind), sender=model, dispatch_uid=f"search-{kind}-deleted", weak=False)
    post_delete.connect(unindexer(Kind.PERSON), sender=user, dispatch_uid="search-person-deleted", weak=False)
    rerank_committed.connect(rerank_done, dispatch_uid="search-rerank-quality")
    # The analysed synonym list is kept in the Django cache (search.cache.SYNONYMS).
    post_save.connect(synonyms_changed, sender=Synonym, dispatch_uid="search-synonyms-saved")
    post_delete.connect(synonyms_changed, sender=Synonym, dispatch_uid="search-synonyms-deleted")
