"""A query, analysed like the documents (search.text), expanded with the synonym list, and
written in the index's own language: an FTS5 MATCH expression on SQLite, a tsquery on
PostgreSQL. Terms are letters and digits only (search.text), so nothing a user types can reach
either syntax: the operators here are the only ones.

A query matches a document holding every one of its words; a word (or run of words) that is an
entry of a synonym group matches any entry of the group.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import cache, dictionary
from .models import Synonym
from .text import compact, terms

# Words of a query looked for: beyond these, the rest of a long query is ignored.
MAX_GROUPS = 12

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Query:
    # Every group must match; a group matches when one of its phrases does.
    groups: tuple[tuple[Phrase, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def words(self) -> frozenset[str]:
        """Every term that counts as a match (highlighting)."""
        return frozenset(term for group in self.groups for phrase in group for term in phrase)


def _build_synonym_table() -> dict[Phrase, tuple[Phrase, ...]]:
    table: dict[Phrase, list[Phrase]] = {}
    for synonym in Synonym.objects.all():
        phrases = synonym.phrases()
        for phrase in phrases:
            known = table.setdefault(phrase, [phrase])
            known += [p for p in phrases if p not in known]
    return {phrase: tuple(alternatives) for phrase, alternatives in table.items()}


# This process's copy of the table: (the SYNONYMS generation it was read under, the table).
_synonyms: tuple[int | None, dict] = (None, {})


def synonym_table(generation: int | None = None) -> dict[Phrase, tuple[Phrase, ...]]:
    """Each entry of the synonym list (analysed) -> every phrase it is equivalent to. Kept in the
    Django cache under the SYNONYMS generation (search.cache), which saving or deleting a
    Synonym bumps (search.signals), and in this process while `generation` (the SYNONYMS counter,
    read by the caller with the dictionary's) is the one it was read under."""
    global _synonyms
    if generation is None:
        generation = cache.generations_of(cache.SYNONYMS)[cache.SYNONYMS]
    kept_under, table = _synonyms
    if generation is not None and kept_under == generation and not cache.writing(cache.SYNONYMS):
        return table
    table = cache.remembered(cache.SYNONYMS, _build_synonym_table)
    if generation is not None and not cache.writing(cache.SYNONYMS):
        _synonyms = (generation, table)
    return table


def parse(text: str) -> Query:
    """The query's groups; empty when the text holds no word."""
    counters = cache.generations_of(*dictionary.COUNTERS, cache.SYNONYMS)
    dictionary.ensure_loaded(counters)
    words = terms(text)
    if not words:
        return Query(())
    table = synonym_table(counters[cache.SYNONYMS])
    longest = max((len(phrase) for phrase in table), default=1)
    groups: list[tuple[Phrase, ...]] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            alternatives = table.get(tuple(words[i : i + size]))
            if alternatives:
                break
        else:
            size, alternatives = 1, ((words[i],),)
        if alternatives not in groups:
            groups.append(alternatives)
        i += size
    return Query(tuple(groups[:MAX_GROUPS]))


@dataclass(frozen=True)
class Prefix:
    """A name typed so far: its words, the last one unfinished, and the whole of it."""

    words: tuple[str, ...]
    whole: str

    def __bool__(self) -> bool:
        return bool(self.whole)


def parse_prefix(text: str) -> Prefix:
    dictionary.ensure_loaded()
    return Prefix(tuple(terms(text, stem=False)[:MAX_GROUPS]), compact(text))


# --- SQLite FTS5 ------------------------------------------------------------------------------


def _fts_phrase(phrase: Phrase) -> str:
    return '"' + " ".join(term.replace('"', '""') for term in phrase) + '"'


def to_fts5(query: Query) -> str:
    """`{terms_a terms_b} : ((a OR "b c") AND d)`: the label column is for suggestions only."""
    groups = ["(" + " OR ".join(_fts_phrase(p) for p in group) + ")" for group in query.groups]
    return "{terms_a terms_b} : (" + " AND ".join(groups) + ")"


def prefix_to_fts5(prefix: Prefix) -> str:
    alternatives = [_fts_phrase((prefix.whole,)) + "*"]
    if len(prefix.words) > 1:
        *done, last = prefix.words
        alternatives.append(
            "(" + " AND ".join([*map(_fts_phrase, [(w,) for w in done]), _fts_phrase((last,)) + "*"]) + ")"
        )
    return "label : (" + " OR ".join(alternatives) + ")"


# --- PostgreSQL tsquery -------------------------------------------------------------------------


def _ts_phrase(phrase: Phrase) -> str:
    return " <-> ".join("'" + term.replace("'", "''") + "'" for term in phrase)


def to_tsquery(query: Query) -> str:
    return " & ".join("(" + " | ".join(_ts_phrase(p) for p in group) + ")" for group in query.groups)


def prefix_to_tsquery(prefix: Prefix) -> str:
    alternatives = [_ts_phrase((prefix.whole,)) + ":*"]
    if len(prefix.words) > 1:
        *done, last = prefix.words
        alternatives.append("(" + " & ".join([*(_ts_phrase((w,)) for w in done), _ts_phrase((last,)) + ":*"]) + ")")
    return " | ".join(alternatives)
