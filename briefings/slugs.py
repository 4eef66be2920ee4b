"""Names to slugs: NFC, transliteration to ASCII, lowercase, hyphens."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

Slug = str

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_INITIALISM = re.compile(r"\b(?:[a-z]\.){2,}")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Longer names are cut at a hyphen: a slug is a folder's name, with room to spare.
MAX_SLUG = 200


def without_accents(text: str) -> str:
    """'Ángela Ñañez' → 'Angela Nanez', 'Łukasz Øre' → 'Lukasz Ore': Latin letters without
    their marks; other scripts keep their letters ('Путин' stays 'Путин')."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(
        (anyascii(c) or c) if not c.isascii() and unicodedata.name(c, "").startswith("LATIN") else c
        for c in decomposed
        if not unicodedata.combining(c)
    )


def accents_in(text: str) -> int:
    """How many marks the letters of `text` carry: 'Rodríguez' 1, 'Rodriguez' 0, 'Путин' 0."""
    return sum(1 for c in unicodedata.normalize("NFD", text) if unicodedata.combining(c))


def normalize_name(name: str) -> str:
    """The form names are compared in: NFC, single spaces, no outer spaces."""
    return " ".join(unicodedata.normalize("NFC", name).split())


@lru_cache(maxsize=1 << 16)  # names repeat across thousands of briefings
def slugify(name: str) -> Slug:
    """`Delcy Rodríguez` → `delcy-rodriguez`; `US–Venezuela` → `us-venezuela`.

    Names in other scripts are transliterated (`Владимир` → `vladimir`), so every
    real name gets a readable slug; a name of only punctuation gets ''.
    """
    ascii_text = anyascii(normalize_name(name)).lower()
    # Apostrophes join a word rather than split it: "O'Neil" → "oneil".
    ascii_text = re.sub(r"['’`]", "", ascii_text)
    # Initialisms stay one word: "U.S." → "us", while "St. Louis" → "st-louis".
    ascii_text = _INITIALISM.sub(lambda m: m.group(0).replace(".", ""), ascii_text)
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-")
    if len(slug) > MAX_SLUG:
        # A folder name (systems refuse one of over 255 bytes): cut at a hyphen, and ended by
        # a digest of the whole, so that two long names alike at the start stay two pages.
        room = MAX_SLUG - 9
        head = slug[: room + 1].rsplit("-", 1)[0] if "-" in slug[:room] else slug[:room]
        slug = f"{head}-{hashlib.blake2b(slug.encode(), digest_size=4).hexdigest()}"
    return slug


def is_slug(text: str) -> bool:
    return len(text) <= MAX_SLUG and bool(SLUG_PATTERN.match(text))
