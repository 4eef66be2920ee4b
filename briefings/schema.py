"""Load stage: declared fields → typed values, collecting an error per mistake with its line."""

from __future__ import annotations

import difflib
import re
from calendar import monthrange
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .errors import ContentError
from .frontmatter import LineList, LineMap
from .model import MONTH_NAMES, PartialDate

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_ISO_MOMENT = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
# Formats writers type instead of ISO 8601; recognised only to suggest the fix.
_HUMAN_FORMATS = (
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%Y/%m/%d",
)
_SAFE_URL = re.compile(r"^(?:https?://[^\s]+|mailto:[^\s]+|/[^\s]*)$", re.IGNORECASE)

_TYPE_NAMES = {
    bool: "true/false",
    int: "a number",
    float: "a number",
    LineList: "a list",
    list: "a list",
    LineMap: "a mapping",
    dict: "a mapping",
}


def describe(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


class FieldReader:
    """Reads the fields of one YAML mapping, recording every mistake as a ContentError."""

    def __init__(
        self,
        path: Path,
        meta: LineMap,
        known: tuple[str, ...],
        errors: list[ContentError],
        prefix: str = "",
    ) -> None:
        self.path = path
        self.meta = meta
        self.errors = errors
        self.prefix = prefix
        for key in meta:
            if key in known:
                continue
            guess = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            hint = f"; did you mean '{guess[0]}'?" if guess else f"; known fields: {', '.join(known)}"
            self.error(key, f"unknown field '{self.prefix}{key}'{hint}")

    # -- helpers -----------------------------------------------------------
    def line(self, key: str) -> int:
        return self.meta.key_lines.get(key, self.meta.line)

    def error(self, key: str, message: str, line: int | None = None) -> None:
        self.errors.append(ContentError(self.path, line or self.line(key), message))

    def name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def _present(self, key: str, required: bool) -> Any:
        value = self.meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                if key in self.meta:
                    message = f"{self.name(key)}: is empty; write a value after '{key}:'"
                    line = self.line(key)
                else:
                    message = f"{self.name(key)}: required field is missing; add a line '{key}: …'"
                    line = self.meta.line
                self.errors.append(ContentError(self.path, line, message))
            return None
        return value

    # -- scalars -----------------------------------------------------------
    def text(self, key: str, required: bool = False) -> str | None:
        value = self._present(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            quoted = "" if isinstance(value, (list, dict)) else f'; put it in quotes: {key}: "{value}"'
            self.error(key, f"{self.name(key)}: expected text, got {describe(value)}{quoted}")
            return None
        return " ".join(value.split())

    def flag(self, key: str) -> bool:
        value = self.meta.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(key, f"{self.name(key)}: expected true or false, got {value!r}")
            return False
        return value

    def names(self, key: str, required: bool = False) -> tuple[str, ...]:
        """A list of names; a single string is a list of one."""
        value = self._present(key, required)
        if value is None:
            return ()
        items: list[Any] = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            self.error(
                key,
                f"{self.name(key)}: expected a list of names like [A, B], got {describe(value)}",
            )
            return ()
        lines = getattr(items, "item_lines", [self.line(key)] * len(items))
        names: list[str] = []
        for item, line in zip(items, lines, strict=False):
            if isinstance(item, str) and item.strip():
                names.append(" ".join(item.split()))
            elif isinstance(item, (bool, int, float)):
                self.error(
                    key,
                    f"{self.name(key)}: {describe(item)} {str(item).lower()!r} is not a name; "
                    f'quote it: "{item}"',
                    line,
                )
            else:
                self.error(
                    key,
                    f"{self.name(key)}: each item must be a name (text), got {describe(item)}",
                    line,
                )
        if required and not names and not any(e.line == self.line(key) for e in self.errors):
            self.error(key, f"{self.name(key)}: give at least one")
        return tuple(names)

    def partial_date(self, key: str, required: bool = False) -> PartialDate | None:
        value = self._present(key, required)
        if value is None:
            return None
        text = str(value).strip()
        match = _PARTIAL_DATE.match(text) if isinstance(value, (str, int)) else None
        if not match:
            self.error(
                key,
                f"{self.name(key)}: {text!r} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY{_suggest(text)}",
            )
            return None
        year, month, day = (int(g) if g else 0 for g in match.groups())
        if month and not 1 <= month <= 12:
            self.error(
                key,
                f"{self.name(key)}: {text!r} has no month {month}; months run 01 to 12",
            )
            return None
        if day:
            try:
                date(year, month, day)
            except ValueError:
                self.error(
                    key,
                    f"{self.name(key)}: {text!r} does not exist; {_month_length(year, month)}",
                )
                return None
        return PartialDate(year, month, day)

    def moment(self, key: str, zone: ZoneInfo, required: bool = False) -> datetime | None:
        """An ISO 8601 date or date-time; no offset means the site's timezone."""
        value = self._present(key, required)
        if value is None:
            return None
        text = str(value).strip()
        if not isinstance(value, str) or not _ISO_MOMENT.match(text):
            self.error(
                key,
                f"{self.name(key)}: {text!r} is not an ISO 8601 date{_suggest(text)}",
            )
            return None
        try:
            if len(text) == 10:
                parsed = datetime.combine(date.fromisoformat(text), time(0, 0))
            else:
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            year, month = int(text[:4]), int(text[5:7])
            reason = _month_length(year, month) if 1 <= month <= 12 else "months run 01 to 12"
            self.error(key, f"{self.name(key)}: {text!r} does not exist; {reason}")
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone)
        return parsed.astimezone(zone)

    def url(self, key: str) -> str | None:
        value = self.text(key)
        if value is None:
            return None
        if not _SAFE_URL.match(value) or value.startswith("//"):
            self.error(
                key,
                f"{self.name(key)}: {value!r} is not an http(s), mailto or site-relative (/…) link",
            )
            return None
        return value

    def maps(self, key: str) -> list[tuple[LineMap, int]]:
        """A list of mappings (sources, events), each with its line."""
        value = self.meta.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(
                key,
                f"{self.name(key)}: expected a list of items starting with '- ', got {describe(value)}",
            )
            return []
        result = []
        for item, line in zip(value, value.item_lines, strict=True):  # type: ignore[attr-defined]
            if isinstance(item, LineMap):
                result.append((item, line))
            else:
                self.error(
                    key,
                    f"{self.name(key)}: each item must be a mapping of fields (date: …, text: …), got {describe(item)}",
                    line,
                )
        return result


def _suggest(text: str) -> str:
    for fmt in _HUMAN_FORMATS:
        try:
            return f"; write {datetime.strptime(text, fmt).date().isoformat()}"
        except ValueError:
            continue
    return "; write it as YYYY-MM-DD (2026-03-05) or YYYY-MM-DDTHH:MM+offset (2026-03-05T14:00-05:00)"


def _month_length(year: int, month: int) -> str:
    return f"{MONTH_NAMES[month - 1]} {year} has {monthrange(year, month)[1]} days"
