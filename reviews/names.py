"""Catalogue names in two languages.

A category, brand or product keeps `name`, its name as it was first given (in whatever language:
`Ceramide Barrier Cream`, `花西子`), which stays its identity (unique keys, slugs, the brand's
name key). Beside it, `name_en` and `name_zh` hold its name in English and in Chinese where it has
one; blank means "the same as `name`" or "none yet". A reader sees the name in the active
language, else `name` (`display_name`); search indexes all of them (`all_names`), so a Chinese
query finds a product named in English and the other way round.

Tags have no second name: a tag is a word its author typed (#面霜), and translating it would put
words in their mouth. Tags in different languages meet through the moderators' synonym list
(search.models.Synonym: 面霜 = face cream = moisturiser).
"""

from django.utils.translation import get_language

# The columns beside `name`, by the language they are in.
NAME_FIELDS = {"en": "name_en", "zh": "name_zh"}


def language_family(code: str | None) -> str:
    """ "zh" for any Chinese (zh-hans, zh-Hans, zh-cn...), else "en"."""
    return "zh" if (code or "").lower().startswith("zh") else "en"


def pick(name: str, *, name_en: str = "", name_zh: str = "", language: str | None = None) -> str:
    """The name to show a reader of `language` (the active one by default)."""
    family = language_family(language if language is not None else get_language())
    chosen = name_zh if family == "zh" else name_en
    return chosen or name


class BilingualName:
    """For models with `name`, `name_en` and `name_zh`."""

    name: str
    name_en: str
    name_zh: str

    @property
    def display_name(self) -> str:
        return pick(self.name, name_en=self.name_en, name_zh=self.name_zh)

    def name_in(self, language: str) -> str:
        return pick(self.name, name_en=self.name_en, name_zh=self.name_zh, language=language)

    @property
    def all_names(self) -> list[str]:
        """Every distinct name, `name` first."""
        return list(dict.fromkeys(n for n in (self.name, self.name_en, self.name_zh) if n))
