"""One rule for the names people and brands choose: what is stored, and what counts as "the same".

`normalise_name` is what we store: NFKC (fullwidth letters, ligatures and odd spaces become their
plain forms), with invisible and format characters removed (zero-width spaces and joiners,
direction overrides, soft hyphens, variation selectors...) and runs of whitespace collapsed.

`name_key` is what two names are compared by: the Unicode TR39 confusable skeleton (computed by
ICU, the reference implementation, through PyICU) of the case-folded name with its accents,
spaces and punctuation dropped. Two names with the same key look alike to a reader, so the second
one is refused. Accents are the general-purpose combining diacritics (U+0300-036F and their
extension blocks) only: a kana voicing mark or a Devanagari vowel sign changes the word, so it
stays. Han characters are left alone (simplified and traditional forms are different names).

`name_problem` refuses what no key can make safe: a name mixing scripts beyond what ICU's
"moderately restrictive" level allows (Latin with Cyrillic or Greek, the classic homoglyph
attack; Latin with Han, kana or Hangul is fine) or mixing digit systems.

Keys depend on ICU's confusables data: after an ICU upgrade, recompute the stored keys.
"""

import re
import unicodedata

import icu
from django.utils.translation import gettext_lazy as _

# The general-purpose combining accents (Latin, Greek, Cyrillic): Combining Diacritical Marks,
# their Extended and Supplement blocks, half marks.
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\ufe20-\ufe2f]")
_SPACES = re.compile(r"\s+")

_skeletons = icu.SpoofChecker()
_restriction = icu.SpoofChecker()
_restriction.setRestrictionLevel(icu.URestrictionLevel.MODERATELY_RESTRICTIVE)
_restriction.setChecks(icu.USpoofChecks.RESTRICTION_LEVEL | icu.USpoofChecks.MIXED_NUMBERS)

MIXED_SCRIPTS = _("Use one alphabet in a name: mixing scripts (like Latin and Cyrillic letters) is not allowed.")
TOO_SIMILAR = _("This name is too similar to an existing one.")


def _invisible(char: str) -> bool:
    # Cf: format characters (U+200B-U+200F, U+202A-U+202E, U+2060, U+FEFF, U+00AD...); Cc:
    # controls; Co/Cs/Cn: private-use, surrogate and unassigned code points, which render as
    # anything or nothing; Default_Ignorable also covers variation selectors and Hangul fillers.
    return unicodedata.category(char) in {"Cf", "Cc", "Co", "Cs", "Cn"} or icu.Char.hasBinaryProperty(
        char, icu.UProperty.DEFAULT_IGNORABLE_CODE_POINT
    )


def normalise_name(text: str) -> str:
    """The form of a username or brand name that is stored and shown."""
    # Whitespace controls (tab, newline) and line/paragraph separators become spaces before the
    # invisible characters go, so "Lumière\nLab" keeps its word break.
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", text))
    text = "".join(char for char in text if not _invisible(char))
    # NFKC again: removing a joiner can bring a base letter and its accent together.
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def name_key(text: str) -> str:
    """The comparison key of a name: equal keys mean names a reader could mistake for each other."""
    text = normalise_name(text)
    for _round in range(2):  # twice: the skeleton can yield capitals or accents that fold further
        text = _ACCENTS.sub("", unicodedata.normalize("NFD", text.casefold()))
        text = _skeletons.getSkeleton(0, text)
    # Spaces and punctuation last, as the skeleton can map letters to them ("ǃ" to "!"). So a key
    # never holds "#", which marks legacy duplicates (see User.username_key).
    return "".join(char for char in unicodedata.normalize("NFC", text) if unicodedata.category(char)[0] not in "PZ")


def name_problem(text: str) -> str | None:
    """Why a (normalised) name cannot be used whatever else exists, or None."""
    if _restriction.check(text):
        return MIXED_SCRIPTS
    return None


def stored_key(current: str, name: str) -> str:
    """The key to store for `name` on a row whose stored key is `current`. Rows that collided
    before keys existed were all kept, the later ones with a "#<id>" key; such a row keeps its
    key while its name stays the same."""
    key = name_key(name)
    return current if current.split("#")[0] == key else key


def legacy_key(key: str, pk: int) -> str:
    """The stored key of a row whose name already collided with an older row's when keys were added."""
    return f"{key}#{pk}"
