"""Which way a text runs: right to left (Arabic, Hebrew…) or left to right, for `dir`."""

from __future__ import annotations

import html as html_text
import re
import unicodedata

# Letters of the scripts written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko...).
_RIGHT_TO_LEFT = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def direction(text: str) -> str:
    """'rtl' for a text mostly in a right-to-left script, else 'ltr': for a `dir` attribute.

    Decided by its words, each by its first letter, and on a tie by the first letter of all,
    as dir="auto" decides everything: an English headline that opens with an Arabic name
    stays left to right, and an Arabic one with two Latin names stays right to left
    (counting letters would not do: Arabic and Hebrew leave most vowels unwritten). Either
    value also isolates the text from what surrounds it."""
    if not _RIGHT_TO_LEFT.search(text):
        return "ltr"
    right = left = 0
    first = ""
    for word in text.split():
        kind = next((k for k in map(unicodedata.bidirectional, word) if k in ("L", "R", "AL")), "")
        first = first or kind
        right += kind in ("R", "AL")
        left += kind == "L"
    if right != left:
        return "rtl" if right > left else "ltr"
    return "rtl" if first in ("R", "AL") else "ltr"


# Code is no prose (`git commit` in an Arabic paragraph); a tag's attributes are no words.
_CODE = re.compile(r"<(pre|code)\b[^>]*>.*?</\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def html_direction(html: str) -> str:
    """`direction` of the prose of rendered HTML (a briefing's body): its tags and code left
    out, its character references (`AT&amp;T`) read as what they stand for."""
    if not _RIGHT_TO_LEFT.search(html):  # nearly every body, at the cost of one scan
        return "ltr"
    return direction(html_text.unescape(_TAG.sub(" ", _CODE.sub(" ", html))))
