"""Text analysis: the one function that turns a text into search terms, used alike for what is
indexed and for what is asked, so both sides always agree.

- Chinese: Traditional folds to Simplified (OpenCC t2s), then jieba cuts it into words in its
  "search" mode (a long word also yields the dictionary words inside it, so `兰蔻` finds
  `兰蔻小黑瓶` once both are known). Product, brand, category and tag names are added to the
  dictionary (search.dictionary) so they stay whole.
- English and other alphabets: full-width forms fold to ASCII, accents are stripped (NFKD), case
  folds, and English words are stemmed (Snowball), so `creams` finds `cream`.
- Only letters and digits make terms: punctuation, emoji and markup never reach the index or a
  query, which is what makes the terms safe to hand to FTS5 and to_tsquery unquoted.

jieba's dictionary takes about a second to load: it is loaded once per process, on first use.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# A term longer than this is not a word anyone searches for (and PostgreSQL refuses lexemes over
# 2 KB): dropped.
MAX_TERM_LENGTH = 60

# Words too common to mean anything in a query, dropped on both sides.
STOPWORDS = frozenset(
    {
        *"的 了 和 是 在 也 就 都 很 与 及 或 着 吗 呢 吧 啊".split(),
        *"a an and or of the to in is it for on with at by be are was this that".split(),
    }
)

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A run of one script: Han characters, or other letters and digits. Splits "spf50防晒" in two.
_RUN = re.compile(rf"[{_HAN}]+|[^\W_{_HAN}]+")
_HAN_RUN = re.compile(f"[{_HAN}]")
_ENGLISH = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class Span:
    """A term and where it came from in the (t2s-converted) text: [start, end)."""

    start: int
    end: int
    term: str


_lock = threading.Lock()
_tokenizer = None
_converter = None
_local = threading.local()


def _jieba():
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _tokenizer = tokenizer
    return _tokenizer


def _t2s():
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    return _converter


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    # Snowball stemmers keep state between calls: one per thread. A text's words repeat, and a
    # language's vocabulary is bounded: the stems are remembered.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


def _fold_width(text: str) -> str:
    """Full-width ASCII (ＣｅｒａＶｅ, ５０) to ASCII, one character for one, so offsets hold."""
    return text.translate(_WIDTH)


_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold(text: str) -> str:
    """Traditional to Simplified and full-width to ASCII. Keeps the length (OpenCC's t2s maps
    character for character) so spans found in the folded text point into the original."""
    if not text:
        return ""
    converted = _t2s().convert(_fold_width(text))
    return converted if len(converted) == len(text) else _fold_width(text)


@functools.lru_cache(maxsize=65536)
def _normalise(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def spans(text: str, *, stem: bool = True) -> list[Span]:
    """The terms of `text` with their places, in reading order. A long Chinese word is followed
    by the shorter dictionary words inside it (jieba's search mode)."""
    return [Span(start, end, term) for start, end, term in _analyse(text, stem)]


def terms(text: str, *, stem: bool = True) -> list[str]:
    """The search terms of `text`: what is indexed for a document and what is looked for in a
    query. `stem=False` for name suggestions, matched by prefix."""
    return [term for _start, _end, term in _analyse(text, stem)]


def _analyse(text: str, stem: bool) -> Iterator[tuple[int, int, str]]:
    tokenizer = None
    for run in _RUN.finditer(fold(text)):
        word, start = run.group(), run.start()
        if _HAN_RUN.match(word):
            tokenizer = tokenizer or _jieba()
            for piece, piece_start, piece_end in tokenizer.tokenize(word, mode="search", HMM=False):
                if piece not in STOPWORDS and len(piece) <= MAX_TERM_LENGTH:
                    yield start + piece_start, start + piece_end, piece
        else:
            term = _latin_term(word, stem)
            if term and len(term) <= MAX_TERM_LENGTH and term not in STOPWORDS:
                yield start, start + len(word), term


@functools.lru_cache(maxsize=65536)
def _latin_term(word: str, stem: bool) -> str:
    """A run of letters and digits (not Han) as a term: folded, and stemmed when English. Words
    repeat across texts: remembered, so highlighting a page costs a lookup per word."""
    term = _normalise(word)
    return _stem(term) if stem and _ENGLISH.fullmatch(term) else term


def matches(text: str, terms_: Iterable[str]) -> list[tuple[int, int]]:
    """Where these analysed terms occur in `text` ([start, end), in order, overlaps merged), for
    highlighting. Chinese is not segmented here (jieba costs about a millisecond per few hundred
    characters): a Chinese term is found wherever its characters occur; other words are folded
    and stemmed as the analysis does."""
    wanted = set(terms_)
    han = [term for term in wanted if _HAN_RUN.match(term)]
    found: list[tuple[int, int]] = []
    for run in _RUN.finditer(fold(text)):
        word, start = run.group(), run.start()
        if _HAN_RUN.match(word):
            for term in han:
                at = word.find(term)
                while at >= 0:
                    found.append((start + at, start + at + len(term)))
                    at = word.find(term, at + 1)
            continue
        if _latin_term(word, True) in wanted:
            found.append((start, start + len(word)))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def add_words(words: Iterable[str]) -> bool:
    """Keep these names whole when cutting Chinese (after folding, as text is folded). Names
    without Chinese need nothing: jieba never splits a Latin word. True when a word was new."""
    tokenizer = _jieba()
    added = False
    for word in words:
        if not _HAN_RUN.search(word):
            continue
        for part in fold(word).split():
            if _HAN_RUN.search(part) and len(part) > 1 and not tokenizer.FREQ.get(part):
                with _lock:
                    tokenizer.add_word(part, freq=tokenizer.suggest_freq(part, tune=False))
                added = True
    return added


def has_han(text: str) -> bool:
    """Whether `text` holds Chinese characters (the only text jieba's dictionary changes)."""
    return bool(_HAN_RUN.search(text))


def known_word(word: str) -> bool:
    return bool(_jieba().FREQ.get(fold(word)))


def compact(text: str) -> str:
    """The whole of `text` as one term, without spaces or punctuation: a name's key for
    suggestions, so `兰蔻小` and `cerave moist` find names by their start."""
    return "".join(ch for ch in _normalise(fold(text)) if ch.isalnum())[:MAX_TERM_LENGTH]
