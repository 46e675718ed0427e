"""The Django admin moderators use (synonyms, announcements, editors' picks, the queue and the
audit log, brands' campaigns) names its apps, models and fields in Chinese under zh-Hans (issue 26).

Walks admin.site's registry, so a model or field added later without a translated verbose_name
fails here.
"""

import re

import pytest
from django.contrib import admin
from django.utils import translation

from search.models import SearchDocument, Synonym
from tests.factories import UserFactory
from tests.i18n.zh import ZH, text_zh

# Apps whose models' and fields' names are translated.
COVERED_APPS = {"search", "moderation", "brands"}
# Apps whose name alone is translated (reviews/models.py keeps its own labels for now).
NAMED_APPS = COVERED_APPS | {"reviews"}
# The automatic primary key's label is Django's "ID", which reads the same in a Chinese admin
# (Django's own zh-Hans catalogue leaves it as is): not a word to translate.
NO_HUMAN_LABEL = {"id"}

HAN = re.compile(r"[\u4e00-\u9fff]")


def admin_models(apps: set[str]) -> list:
    return sorted(
        (model for model in admin.site._registry if model._meta.app_label in apps), key=lambda m: m._meta.label
    )


def untranslated(labels: list[tuple[str, object]]) -> list[tuple[str, str]]:
    return [(where, str(label)) for where, label in labels if not HAN.search(str(label))]


def test_every_covered_app_has_admin_models():
    """The walk below would pass on an empty registry: make sure it sees every covered app."""
    assert {model._meta.app_label for model in admin_models(NAMED_APPS)} == NAMED_APPS


def test_app_names_are_chinese():
    with translation.override(ZH):
        labels = [(m._meta.app_label, m._meta.app_config.verbose_name) for m in admin_models(NAMED_APPS)]
        assert untranslated(labels) == []
        names = {m._meta.app_label: str(m._meta.app_config.verbose_name) for m in admin_models(NAMED_APPS)}
    assert names["search"] == "搜索"
    assert names["reviews"] == "笔记"


def test_model_and_field_names_are_chinese():
    labels = []
    with translation.override(ZH):
        for model in admin_models(COVERED_APPS):
            meta = model._meta
            labels.append((f"{meta.label} verbose_name", meta.verbose_name))
            labels.append((f"{meta.label} verbose_name_plural", meta.verbose_name_plural))
            for field in meta.concrete_fields + meta.many_to_many:
                if field.name not in NO_HUMAN_LABEL:
                    labels.append((f"{meta.label}.{field.name}", field.verbose_name))
        assert untranslated(labels) == []


def test_glossary_words():
    """A few names checked word for word against docs/i18n-glossary.md."""
    from brands.models import Campaign, Invitation
    from moderation.models import Announcement, AuditEntry, EditorsPick

    with translation.override(ZH):
        assert str(Campaign._meta.verbose_name) == "测评活动"
        assert str(Invitation._meta.get_field("tester").verbose_name) == "测评官"
        assert str(AuditEntry._meta.verbose_name_plural) == "操作记录"
        assert str(Announcement._meta.verbose_name) == "公告"
        assert str(EditorsPick._meta.verbose_name_plural) == "编辑精选"
        assert str(Synonym._meta.get_field("terms").help_text).startswith("意思相同的词或短语")


def test_search_document_kinds_are_chinese():
    with translation.override(ZH):
        labels = [(value, label) for value, label in SearchDocument.Kind.choices]
        assert untranslated(labels) == []
        assert dict(labels)["review"] == "笔记"


def test_english_stays_the_default():
    with translation.override("en"):
        assert str(Synonym._meta.verbose_name_plural) == "synonyms"
        assert str(Synonym._meta.get_field("updated_at").verbose_name) == "updated at"


@pytest.mark.django_db
def test_synonym_admin_page_in_chinese(client):
    Synonym.objects.create(terms="面霜, face cream")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = text_zh(client, "admin:search_synonym_changelist")
    assert "同义词组" in page  # the model's name
    assert "更新时间" in page  # the column of updated_at
    assert "Synonym" not in page and "updated at" not in page.lower()
