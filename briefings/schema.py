"""Load stage: declared fields → typed values, collecting an error per mistake with its line."""

from __future__ import annotations

import contextlib
import difflib
import re
from calendar import monthrange
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from .errors import ContentError, warning
from .frontmatter import LineMap, written
from .model import MONTH_NAMES, PartialDate
from .slugs import without_accents
from .wording import MONTH_NUMBERS as _MONTH_NUMBERS

# ASCII digits only: full-width ２０２６ is not ISO 8601, and is reported as such.
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)
ISO_MOMENT = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$",
    re.ASCII,
)
# Formats writers type instead of ISO 8601; recognised only to suggest the fix.
_HUMAN_FORMATS = (
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%Y/%m/%d",
    "%Y-%m-%d",  # 2026-3-5
    "%Y.%m.%d",
)
_SAFE_URL = re.compile(r"^(?:https?://[^\s]+|mailto:[^\s]+|/[^\s]*)$", re.IGNORECASE)
# What a link cannot hold as written (an address pasted with its quotes, a stray space): the
# HTML is still safe, escaped, but browsers and validators read it as a broken link.
NOT_IN_URL = re.compile(r'[\s"<>\\^`{|}\x00-\x1f\x7f]|%(?![0-9A-Fa-f]{2})')

_TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (bool, "true/false"),
    (int, "a number"),
    (float, "a number"),
    (list, "a list"),
    (dict, "a mapping"),
    (str, "text"),
)


def describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    return next((name for kind, name in _TYPE_NAMES if isinstance(value, kind)), type(value).__name__)


# Front matter fields of other site generators (Hugo, Jekyll, Pelican) that a desk moving
# here brings along, and ours that mean the same: hinted at even when they look nothing alike.
_OTHER_TOOLS_NAMES = {
    "tags": "topics",
    "categories": "topics",
    "category": "topics",
    "aliases": "redirect_from",
    "description": "summary",
    "lastmod": "updated",
    "modified": "updated",
    "publishdate": "date",
    "author": "authors",
    # site.yaml, as Hugo's config names them
    "baseurl": "base_url",
    "languagecode": "language",
    "defaultcontentlanguage": "language",
}
# Our fields as a desk writing in Spanish, Portuguese or French may name them.
_FIELDS_IN_OTHER_LANGUAGES = {  # looked up without accents: 'título' is 'titulo'
    "title": ("titulo", "titre"),
    "date": ("fecha", "data"),
    "updated": ("actualizado", "actualizacion", "atualizado", "mis_a_jour", "mise_a_jour", "maj"),
    "summary": ("resumen", "resumo", "resume", "sumario", "chapo", "chapeau"),
    "topics": ("temas", "tema", "sujets", "sujet", "themes"),
    "actors": ("actores", "atores", "acteurs"),
    "location": ("lugar", "local", "lieu", "ciudad", "cidade", "ville"),
    "authors": ("autores", "autor", "auteurs", "auteur", "firma"),
    "sources": ("fuentes", "fuente", "fontes", "fonte"),
    "events": ("hechos", "eventos", "acontecimientos", "fatos", "factos", "evenements", "faits"),
    "draft": ("borrador", "rascunho", "brouillon"),
    "outlet": ("medio", "veiculo", "media"),
    "text": ("texto", "texte"),
}
_OTHER_TOOLS_NAMES |= {other: ours for ours, others in _FIELDS_IN_OTHER_LANGUAGES.items() for other in others}


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
        self.misspelled: set[str] = set()  # known fields the writer seems to have mistyped
        # Lines of list items that later stages report errors at: 'redirect_from /old/' → 7.
        self.item_lines: dict[str, int] = {}
        for key in meta:
            if key in known:
                continue
            elsewhere = _OTHER_TOOLS_NAMES.get(without_accents(str(key)).lower())
            if elsewhere in known:
                guess = [elsewhere]
            else:
                guess = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            hint = f"; did you mean '{guess[0]}'?" if guess else f"; known fields: {', '.join(known)}"
            self.error(key, f"unknown field '{self.prefix}{key}'{hint}")
            if guess and guess[0] not in meta:
                self.misspelled.add(guess[0])

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
                elif key in self.misspelled or key in self.meta.refused:
                    return None  # "did you mean", or the refusal, says it: one mistake, one message
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
            if isinstance(value, list):
                fix = f"; write one line of text after '{key}:', without [ ] or '- '"
            elif isinstance(value, dict):
                fix = f"; write one line of text after '{key}:', and quote it if it contains ': '"
            else:
                fix = f'; put it in quotes: {key}: "{written(value)}"'
            self.error(key, f"{self.name(key)}: expected text, got {describe(value)}{fix}")
            return None
        return " ".join(value.split())

    def flag(self, key: str) -> bool:
        value = self.meta.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(
                key,
                f"{self.name(key)}: expected true or false, got {written(value)!r}; write {key}: true or {key}: false",
            )
            return False
        return value

    def names(self, key: str, required: bool = False) -> tuple[str, ...]:
        """A list of names; a single string is a list of one."""
        value = self._present(key, required)
        if value is None:
            return ()
        if isinstance(value, str) and ", " in value and key in ("topics", "actors"):
            # Bylines and aliases are often "Last, First"; topics and actors rarely are.
            parts = ", ".join(" ".join(p.split()) for p in value.split(","))
            self.errors.append(
                warning(
                    self.path,
                    self.line(key),
                    f"{self.name(key)}: {value!r} is one name; for several, write {key}: [{parts}]; "
                    f'if it is one, write {key}: ["{value}"]',
                )
            )
        names: list[str] = []
        for item, line in self._list_items(key, value, "names like [A, B]"):
            if isinstance(item, str) and item.strip():
                names.append(" ".join(item.split()))
            elif isinstance(item, (bool, int, float)):
                self.error(
                    key,
                    f"{self.name(key)}: {written(item)} is read as {describe(item)}, not a name; "
                    f'quote it: "{written(item)}"',
                    line,
                )
            elif isinstance(item, str):  # nothing but spaces
                self.error(key, f"{self.name(key)}: an item is blank; write a name there or remove it", line)
            else:
                self.error(
                    key,
                    f"{self.name(key)}: each item must be a name (text), got {describe(item)}",
                    line,
                )
        if required and not names and not any(e.line == self.line(key) for e in self.errors):
            self.error(
                key, f"{self.name(key)}: give at least one, like {key}: [{key[:-1].capitalize()} name]"
            )
        return tuple(names)

    def partial_date(self, key: str, required: bool = False) -> PartialDate | None:
        value = self._present(key, required)
        if value is None:
            return None
        text = written(value).strip()
        match = _PARTIAL_DATE.match(text) if isinstance(value, (str, int)) else None
        if not match and ISO_MOMENT.match(text):
            self.error(
                key,
                f"{self.name(key)}: {text!r} has a time of day, which this date does not take; write {text[:10]}",
            )
            return None
        if not match:
            self.error(
                key,
                f"{self.name(key)}: {text!r} is not a date"
                + (_suggest(text, with_time=False) or "; write YYYY-MM-DD, YYYY-MM or YYYY"),
            )
            return None
        year, month, day = (int(g) if g else 0 for g in match.groups())
        if not 1 <= year <= 9998:
            self.error(key, f"{self.name(key)}: {text!r} has no usable year; write a year from 0001 to 9998")
            return None
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
        text = written(value).strip()
        if lacks_day(text):
            self.error(
                key,
                f"{self.name(key)}: {text!r} gives no day, and a briefing needs one: "
                f"write it as YYYY-MM-DD ({text}{'-01' * (3 - len(text.split('-')))}, say)",
            )
            return None
        if not isinstance(value, str) or not ISO_MOMENT.match(text):
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
            year, month, day = int(text[:4]), int(text[5:7]), int(text[8:10])
            if year < 1:
                reason = "years start at 0001"
            elif not 1 <= month <= 12:
                reason = "months run 01 to 12"
            elif not 1 <= day <= monthrange(year, month)[1]:
                reason = _month_length(year, month)
            else:
                reason = "hours run 00 to 23, minutes and seconds 00 to 59"
            self.error(key, f"{self.name(key)}: {text!r} does not exist; {reason}")
            return None
        if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
            # A day from the calendar's ends moves past them in another timezone (feeds, UTC).
            self.error(
                key,
                f"{self.name(key)}: {text!r} is at an end of the calendar, where time zones cannot move it; write a year from 0002 to 9998",
            )
            return None
        if parsed.tzinfo is None:
            real = skipped(parsed, zone) if len(text) > 10 else None
            if real is not None:
                self.error(key, f"{self.name(key)}: {skipped_message(text, zone, real)}")
                return None
            parsed = parsed.replace(tzinfo=zone)
        elif not timedelta(hours=-12) <= (parsed.utcoffset() or timedelta()) <= timedelta(hours=14):
            self.error(
                key,
                f"{self.name(key)}: {text!r} has an offset no clock keeps; offsets run from -12:00 to +14:00",
            )
            return None
        return parsed.astimezone(zone)

    def has_time(self, key: str) -> bool:
        """The field, a date, was written with a time of day (not a bare `2026-03-05`)."""
        value = self.meta.get(key)
        return value is not None and len(written(value).strip()) > 10

    def url(self, key: str) -> str | None:
        value = self.text(key)
        if value is None:
            return None
        stray = NOT_IN_URL.search(value)
        # An address of the right kind, but for a character it cannot hold as written.
        if stray and _SAFE_URL.match(value.split()[0]) and not value.startswith("//"):
            character = stray.group()[0]
            named = "a space" if character == " " else repr(character)  # tabs and breaks read as spaces
            problem = (
                "has a % that begins no %XX code"
                if character == "%"
                else f"has {named} in it, which a link cannot hold"
            )
            self.error(key, f"{self.name(key)}: {value!r} {problem}; write it as %{ord(character):02X}")
            return None
        if not _SAFE_URL.match(value) or value.startswith("//"):
            self.error(
                key,
                f"{self.name(key)}: {value!r} is not an http(s), mailto or site-relative (/…) link; "
                "write the full address, like https://example.com/story",
            )
            return None
        return value

    def _list_items(self, key: str, value: Any, example: str) -> list[tuple[Any, int]]:
        """The items of a list field, each with its line; a single string is a list of one."""
        items: list[Any] = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            self.error(key, f"{self.name(key)}: expected a list of {example}, got {describe(value)}")
            return []
        lines = getattr(items, "item_lines", [self.line(key)] * len(items))
        return list(zip(items, lines, strict=False))

    def site_paths(self, key: str) -> tuple[str, ...]:
        """Addresses on this site (`redirect_from`): each a page's path from the site root,
        `/briefings/old-slug/` or `/old.html`; a single one may be written without a list."""
        value = self._present(key, False)
        if value is None:
            return ()
        paths: list[str] = []
        for item, line in self._list_items(key, value, "addresses like [/briefings/old-slug/]"):
            problem = _site_path_problem(item)
            if problem:
                self.error(key, f"{self.name(key)}: {problem}", line)
            elif unquote(item) not in paths:
                paths.append(unquote(item))
                self.item_lines[f"{key} {paths[-1]}"] = line
        return tuple(paths)

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
        first, second = ("outlet: Reuters", "url") if key == "sources" else ("date: 2026-03-05", "text")
        example = f"'- {first}' and '{second}: …' on the next line, lined up with '{first.split(':')[0]}'"
        result = []
        for item, line in zip(value, value.item_lines, strict=True):  # type: ignore[attr-defined]
            if isinstance(item, LineMap):
                result.append((item, line))
            else:
                self.error(
                    key,
                    f"{self.name(key)}: each item must be fields, not {describe(item)}; write {example}",
                    line,
                )
        return result


# What Windows, or any disk, refuses in a file name (a redirect is published as a file).
_NOT_IN_FILE_NAME = re.compile(r'[\x00-\x1f\x7f\\<>:"|?*#]')
# A folder name longer than this many bytes fails on common file systems (255).
_MAX_SEGMENT = 200


# Files that tell a host how to serve the whole site (Netlify, Cloudflare Pages): never from
# content, and no redirect may take their names either.
HOST_FILES = frozenset({"_redirects", "_headers", "_routes.json", "_worker.js"})
# Names Windows keeps for devices, with any extension: no file may have them there.
_DEVICE_NAME = re.compile(r"(?i)(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?")


def _site_path_problem(item: object) -> str | None:
    """Why `item` cannot be an address this site publishes a redirect at, with the fix; or None."""
    if not isinstance(item, str) or not item.strip():
        got = "an empty value" if isinstance(item, str) else describe(item)
        return f"each item must be an address such as /briefings/old-slug/, got {got}"
    if re.match(r"(?i)https?://", item):
        # Not told apart from the site's sub-path here: the load stage never reads base_url,
        # so that its cache holds whatever address the site is built for.
        path = urlsplit(item).path or "/"
        return (
            f"{item!r}: write it from the site root, as links are written: {path!r}, "
            "less the sub-path the site is served under, if it has one"
        )
    if not item.startswith("/") or item.startswith("//"):
        return f"{item!r} must start at the site root, like '/briefings/old-slug/'"
    query = re.search(r"[?#]", item)
    if query:
        return f"{item!r}: a redirect is kept at a path alone; leave out {item[query.start() :]!r}"
    stray = NOT_IN_URL.search(item)
    if stray:
        character = stray.group()[0]
        if character == " ":
            return f"{item!r} has a space in it, which an address cannot hold; write it as %20"
        return f"{item!r} has {character!r} in it, which an address cannot hold; leave it out"
    if re.search(r"(?i)%2f", item):
        return f"{item!r} has %2F, a slash within a name, which no file name can hold"
    try:
        path = unquote(item, errors="strict")
    except UnicodeDecodeError:
        return f"{item!r} has % codes that are not UTF-8 text; write the address's letters as they read"
    unsafe = _NOT_IN_FILE_NAME.search(path)
    if unsafe:  # the redirect is a file, and some disks refuse these
        how = "" if unsafe.group() in item else "a % code for "
        return f"{item!r} has {how}{unsafe.group()!r}, which a file name cannot hold on every disk"
    parts = path[1:].split("/")
    if any(part in ("", ".", "..") for part in parts[:-1]) or parts[-1] in (".", ".."):
        return f"{item!r} has an empty, '.' or '..' folder; write the address as a reader's browser shows it"
    if any(part.startswith(".") for part in parts):
        return f"{item!r} has a name starting with '.', which hosts keep hidden; it cannot be published"
    if parts[0] in HOST_FILES:
        return f"{item!r} takes the name of {parts[0]}, which tells a host how to serve the whole site; it cannot be a redirect"
    if any(part.endswith((".", " ")) or _DEVICE_NAME.fullmatch(part) for part in parts):
        return f"{item!r} has a name Windows cannot give a file (ending in '.' or a space, or CON, NUL…)"
    if any(len(part.encode("utf-8")) > _MAX_SEGMENT for part in parts):
        return f"{item!r} has a name longer than {_MAX_SEGMENT} bytes, more than a disk holds"
    if parts[-1] and not parts[-1].lower().endswith((".html", ".htm")):
        if "." in parts[-1]:
            return (
                f"{item!r} is not a page's address (one ending in '/' or '.html'); "
                "a feed or a file is moved with a redirect in netlify.toml"
            )
        return f"{item!r} is not a page's address: end it with '/' ({item}/)"
    return None


# A briefing's years: a day from the calendar's ends moves past them in another timezone.
FIRST_YEAR, LAST_YEAR = 2, 9998


def lacks_day(text: str) -> bool:
    """A month or a year (2026-03, 2026): ISO 8601 too, and fine for an event, but a
    briefing is dated to the day."""
    found = re.fullmatch(r"([0-9]{4})(?:-([0-9]{2}))?", text)
    return bool(found) and FIRST_YEAR <= int(found[1]) <= LAST_YEAR and 1 <= int(found[2] or 1) <= 12


def skipped(local: datetime, zone: ZoneInfo) -> datetime | None:
    """For a time of day with no offset that the clocks in `zone` skip as they go forward,
    the moment it would be read as, written as the clocks then show it; else None. Which
    moment was meant is a guess: it is asked for, with its offset."""
    placed = local.replace(tzinfo=zone)
    real = placed.astimezone(UTC).astimezone(zone)
    return real if real.replace(tzinfo=None) != local.replace(tzinfo=None) else None


def skipped_message(text: str, zone: ZoneInfo, real: datetime) -> str:
    return (
        f"{text!r} is skipped by the clocks in {zone.key} as they go forward; "
        f"write the time with its offset, such as {real.isoformat()}"
    )


# '5 de marzo de 2026', '1er mars 2026', '5 março 2026': a day as Spanish, Portuguese or French
# write it; and '19/06/2026', '19-06-2026', '19.06.2026', day first where the day tells (over 12).
_DAY_MONTH_YEAR = re.compile(
    r"^(\d{1,2})(?:º|o|er)?\s+(?:de\s+)?(\w+)\.?,?\s+(?:de\s+|del\s+)?(\d{4})$", re.IGNORECASE
)
_MONTH_YEAR = re.compile(r"^(\w+)\.?,?\s+(?:de\s+|del\s+)?(\d{4})$", re.IGNORECASE)  # 'mars 2026'
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def _month_number(word: str) -> int | None:
    """A month's number from its name in any of the site languages, or from the start of
    it ('sept', 'abr', 'févr') when every month named so is that one."""
    word = without_accents(word).casefold()
    if word in _MONTH_NUMBERS:
        return _MONTH_NUMBERS[word]
    found = {number for name, number in _MONTH_NUMBERS.items() if len(word) >= 3 and name.startswith(word)}
    return found.pop() if len(found) == 1 else None


def _day_first(text: str) -> date | None:
    found = _DAY_MONTH_YEAR.match(text)
    if found:
        month = _month_number(found[2])
        with contextlib.suppress(ValueError, TypeError):
            return date(int(found[3]), month, int(found[1]))  # type: ignore[arg-type]
        return None
    found = _DAY_FIRST.match(text)
    if found and int(found[1]) > 12:  # 05/03/2026 could be either: left to the writer
        with contextlib.suppress(ValueError):
            return date(int(found[3]), int(found[2]), int(found[1]))
    return None


def _suggest(text: str, with_time: bool = True) -> str:
    if len(text) == 8 and text.isdigit():  # 20260305
        with contextlib.suppress(ValueError):
            return f"; write {datetime.strptime(text, '%Y%m%d').date().isoformat()}"
    day = _day_first(text)
    if day is not None:
        return f"; write {day.isoformat()}"
    found = _MONTH_YEAR.match(text)
    month = _month_number(found[1]) if found else None
    if found and month and not with_time:  # an event may be known to the month; a briefing's date may not
        return f"; write {int(found[2]):04d}-{month:02d}"
    for fmt in _HUMAN_FORMATS:
        try:
            return f"; write {datetime.strptime(text, fmt).date().isoformat()}"
        except ValueError:
            continue
    if not with_time:
        return ""
    return "; write it as YYYY-MM-DD (2026-03-05) or YYYY-MM-DDTHH:MM+offset (2026-03-05T14:00-05:00)"


def _month_length(year: int, month: int) -> str:
    return f"{MONTH_NAMES[month - 1]} {year} has {monthrange(year, month)[1]} days"
