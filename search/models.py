"""The search index and the synonym list.

A SearchDocument is one searchable thing (a review, product, brand, tag or person) reduced to
analysed terms (search.text): `terms_a` for its names and title, which count most, `terms_b`
for its body, `label` for name suggestions (unstemmed words, matched by prefix). The database
indexes these columns itself, created by migration 0002 per vendor:

- PostgreSQL: generated tsvector columns `vector` (setweight A/B of to_tsvector('simple', ...):
  the analysis is done in Python, so the 'simple' configuration only splits on the spaces) and
  `label_vector`, each with a GIN index;
- SQLite: the FTS5 table `search_fts` over the same three columns, kept by triggers.

Rows are written in the same transaction as the row they index (search.services).

A review's document also carries its `quality` from the ranking (ranking_reviewscore.quality,
ranking.scoring.QUALITY_FLOOR until it is ranked), so a query can take its best matches by
walking one index (search_review_quality) and stop early, instead of reading every match of a
common word. It is written with the document and refreshed after each rerank that changed
scores (the task search.tasks.quality_refresh, enqueued on ranking's rerank_committed).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .text import terms


class SearchDocument(models.Model):
    class Kind(models.TextChoices):
        REVIEW = "review", _("Review")
        PRODUCT = "product", _("Product")
        BRAND = "brand", _("Brand")
        TAG = "tag", _("Tag")
        PERSON = "person", _("Person")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    terms_a = models.TextField(blank=True)
    terms_b = models.TextField(blank=True)
    label = models.TextField(blank=True)
    # A review's quality (see the module's docstring); 0 for other kinds.
    quality = models.FloatField(default=0.0, db_default=0.0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_once")]
        indexes = [
            models.Index(fields=["-quality", "-object_id"], condition=Q(kind="review"), name="search_review_quality")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class Synonym(models.Model):
    """A group of words and phrases that mean the same thing to a searcher, in any language:
    a query for one finds the others (search.query expands it). Edited by moderators."""

    terms = models.TextField(
        help_text=_("Equivalent words or phrases, one per line or separated by commas: 面霜, face cream, moisturiser"),
        verbose_name=_("terms"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")
        ordering = ["id"]

    def __str__(self) -> str:
        return " = ".join(self.entries())

    def entries(self) -> list[str]:
        return [entry.strip() for entry in self.terms.replace("，", ",").replace("\n", ",").split(",") if entry.strip()]

    def phrases(self) -> list[tuple[str, ...]]:
        """Each entry as analysed terms (search.text), the form a query is matched in."""
        out = []
        for entry in self.entries():
            analysed = tuple(terms(entry))
            if analysed and analysed not in out:
                out.append(analysed)
        return out
