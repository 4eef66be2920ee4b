"""Plan stage helpers (pure): the site as data files: JSON Feed, chronology JSON and iCalendar (made at render time), robots, headers."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from .config import SiteConfig
from .index import Article, ChronologyEntry, Site, Term
from .model import PartialDate
from .urls import Urls
from .wording import Wording, wording_for

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# Readers fetch feeds often and keep what they saw; 20 full briefings cover days of news, and
# a site with hundreds of actor and topic feeds stays small.
FEED_LIMIT = 20
IMMUTABLE = "public, max-age=31536000, immutable"

# The site has no script, no inline style and no frame: everything it loads comes from itself,
# except images a briefing may link from elsewhere over https.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src 'self' https: data:; style-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def _dumps(data: dict[str, Any]) -> bytes:
    """A JSON object with one field a line, and each item of a list field on a line of its own:
    readable and diffable, and written by the standard library's C encoder (which it gives
    up whenever it is asked to indent)."""
    # Made as bytes, part by part, and joined once: the chronology's is tens of megabytes,
    # and every whole copy of it (a str of wide characters is twice that) is held at once.
    parts = [b"{\n"]
    for number, (key, value) in enumerate(data.items()):
        parts += [b",\n"] if number else []
        parts.append(f"  {_compact(key)}: ".encode())
        if isinstance(value, (list, Iterator)):
            count = 0
            for count, item in enumerate(value, 1):
                parts += [b",\n    " if count > 1 else b"[\n    ", _compact(item).encode("utf-8")]
            parts.append(b"\n  ]" if count else b"[]")
        else:
            parts.append(_compact(value).encode("utf-8"))
    parts.append(b"\n}\n")
    return b"".join(parts)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def json_feed(config: SiteConfig, newest: Sequence[Article], urls: Urls) -> bytes:
    """/feed.json: the newest briefings, as JSON Feed 1.1."""
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": config.title,
        "home_page_url": urls.absolute("home"),
        "feed_url": urls.absolute("feed_json"),
    }
    if config.description:
        feed["description"] = config.description
    feed["language"] = config.language
    feed["authors"] = [{"name": config.title, "url": urls.absolute("home")}]
    feed["items"] = [_json_feed_item(article, urls) for article in newest[:FEED_LIMIT]]
    return _dumps(feed)


def _json_feed_item(article: Article, urls: Urls) -> dict[str, Any]:
    b = article.briefing
    item: dict[str, Any] = {
        "id": urls.absolute(b),
        "url": urls.absolute(b),
        "title": b.title,
        "content_html": urls.absolute_html(b.body_html, b),
    }
    if b.summary:
        item["summary"] = b.summary
    item["date_published"] = b.date.isoformat()
    item["date_modified"] = b.last_modified.isoformat()
    if b.authors:
        item["authors"] = [{"name": name} for name in b.authors]
    if article.topics:
        item["tags"] = [t.name for t in article.topics]
    return item


# -- the chronology as data ------------------------------------------------


def chronology_entries(site: Site) -> tuple[ChronologyEntry, ...]:
    """Every entry of the chronology, oldest first, as the chronology page lists them."""
    return tuple(entry for year in site.chronology for month in year.months for entry in month.items)


def entry_text(entry: ChronologyEntry, words: Wording) -> str:
    return entry.text if entry.kind == "event" else words("Briefing: {title}", title=entry.briefings[0].title)


def _term_refs(terms: Iterable[Term], absolute: Callable[[object], str]) -> list[dict[str, str]]:
    return [{"name": t.name, "slug": t.slug, "url": absolute(t)} for t in terms]


def _absolute_once(urls: Urls) -> Callable[[object], str]:
    """urls.absolute, worked out once per term and briefing: the exports of a long archive
    name the same few hundred terms a hundred thousand times."""
    found: dict[int, tuple[object, str]] = {}  # by id, with the value, so the id stays its own

    def absolute(thing: object) -> str:
        known = found.get(id(thing))
        if known is None:
            known = found[id(thing)] = (thing, urls.absolute(thing))
        return known[1]

    return absolute


def _json_entry(
    entry: ChronologyEntry, urls: Urls, absolute: Callable[[object], str], words: Wording
) -> dict[str, Any]:
    return {
        "id": entry.anchor,
        "url": urls.absolute(entry),
        "kind": entry.kind,
        "date": entry.when.iso(),
        "precision": entry.when.precision,
        "text": entry_text(entry, words),
        # Read away from the site, like a feed: its site-relative links made absolute.
        "text_html": urls.absolute_html(entry.text_html) if entry.kind == "event" else None,
        "actors": _term_refs(entry.actors, absolute),
        "topics": _term_refs(entry.topics, absolute),
        "briefings": [
            {
                "title": b.title,
                "url": absolute(b),
                "date_published": b.date.isoformat(),
            }
            for b in entry.briefings
        ],
    }


def chronology_json(site: Site, urls: Urls) -> bytes:
    """/chronology.json: every dated entry with its precision, words, actors, topics and briefings."""
    absolute = _absolute_once(urls)
    # Made one by one as they are written: a long archive has tens of thousands.
    words = wording_for(site.config.language)
    entries = (_json_entry(entry, urls, absolute, words) for entry in chronology_entries(site))
    return _dumps(
        {
            "title": words("{site}: chronology", site=site.config.title),
            "home_page_url": urls.absolute("home"),
            "chronology_url": urls.absolute("chronology"),
            "language": site.config.language,
            "entries": entries,
        }
    )


def _span(when: PartialDate) -> tuple[date, date]:
    """First day and the day after the last: an all-day event covers what the date is known to."""
    if when.precision == "day":
        start = date(when.year, when.month, when.day)
        return start, date.fromordinal(start.toordinal() + 1)
    if when.precision == "month":
        after = date(when.year + 1, 1, 1) if when.month == 12 else date(when.year, when.month + 1, 1)
        return date(when.year, when.month, 1), after
    return date(when.year, 1, 1), date(when.year + 1, 1, 1)


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> bytes:
    """RFC 5545 §3.1: lines of at most 75 octets, continued after CRLF and a space; never inside a character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return data
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: end before its character
            end -= 1
        parts.append(data[start:end])
        start, limit = end, 74  # a continuation line's leading space is one of its 75
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def chronology_ics(site: Site, urls: Urls) -> bytes:
    """/chronology.ics: one all-day event per chronology entry, stamped from the content, never the clock."""
    host = urlsplit(site.config.base_url).netloc
    absolute = _absolute_once(urls)
    words = wording_for(site.config.language)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{_ics_text(site.config.title)}//Chronology//{site.config.language.upper()}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_text(words('{site}: chronology', site=site.config.title))}",
    ]
    for entry in chronology_entries(site):
        lines += _vevent(entry, host, urls, absolute, words)
    lines.append("END:VCALENDAR")
    return b"\r\n".join([*map(_fold, lines), b""])  # as bytes: see _dumps


def _vevent(
    entry: ChronologyEntry, host: str, urls: Urls, absolute: Callable[[object], str], words: Wording
) -> list[str]:
    start, end = _span(entry.when)
    stamp = _utc_stamp(max(b.last_modified for b in entry.briefings))
    description = _entry_description(entry, absolute, words)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{entry.anchor}@{host}",
        f"DTSTAMP:{stamp}",
        f"LAST-MODIFIED:{stamp}",
        f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
        f"DTEND;VALUE=DATE:{end:%Y%m%d}",
        f"SUMMARY:{_ics_text(entry_text(entry, words))}",
        f"DESCRIPTION:{_ics_text(description)}",
        f"URL:{urls.absolute(entry)}",
        "TRANSP:TRANSPARENT",
    ]
    if entry.topics:
        lines.append(f"CATEGORIES:{','.join(_ics_text(t.name) for t in entry.topics)}")
    lines.append("END:VEVENT")
    return lines


# -- the exports again, after edits that move no briefing ---------------------
#
# A new title or new sources leave every entry where it was; only the entries reporting the
# edited briefings change. These make the file again from the one the last build wrote,
# with just those entries made anew: a twentieth of the time at 10,000 briefings. Each
# checks that the file has the shape it writes, one part per entry, and gives None (make
# it whole) when it does not.


def _holding(entries: Sequence[ChronologyEntry], edited: Collection[str]) -> list[int]:
    return [n for n, entry in enumerate(entries) if any(str(b.path) in edited for b in entry.briefings)]


def chronology_json_edited(site: Site, urls: Urls, old: bytes, edited: Collection[str]) -> bytes | None:
    """chronology_json, from the last one: one entry a line, after the line that opens them."""
    entries = chronology_entries(site)
    lines = old.split(b"\n")
    try:
        first = lines.index(b'  "entries": [') + 1
    except ValueError:
        return None
    last = first + len(entries) - 1
    if not entries or lines[last + 1 : last + 2] != [b"  ]"]:
        return None
    absolute = _absolute_once(urls)
    for n in _holding(entries, edited):
        comma = b"," if first + n < last else b""
        entry = _json_entry(entries[n], urls, absolute, wording_for(site.config.language))
        lines[first + n] = b"    " + _compact(entry).encode("utf-8") + comma
    return b"\n".join(lines)


_VEVENT = b"\r\nBEGIN:VEVENT\r\n"


def chronology_ics_edited(site: Site, urls: Urls, old: bytes, edited: Collection[str]) -> bytes | None:
    """chronology_ics, from the last one: one VEVENT per entry, in order."""
    entries = chronology_entries(site)
    parts = old.split(_VEVENT)  # a folded line starts with a space, an escaped one has no break
    if len(parts) != len(entries) + 1 or not entries:
        return None
    end, tail = b"END:VEVENT", b"\r\nEND:VCALENDAR\r\n"
    if not all(part.endswith(end) for part in parts[1:-1]) or not parts[-1].endswith(end + tail):
        return None
    host = urlsplit(site.config.base_url).netloc
    absolute = _absolute_once(urls)
    words = wording_for(site.config.language)
    for n in _holding(entries, edited):
        made = b"\r\n".join(map(_fold, _vevent(entries[n], host, urls, absolute, words)[1:]))
        parts[n + 1] = made + (tail if n == len(entries) - 1 else b"")
    return _VEVENT.join(parts)


def _entry_description(entry: ChronologyEntry, absolute: Callable[[object], str], words: Wording) -> str:
    parts = []
    if entry.when.precision != "day":
        parts.append(
            words(f"Date known only to the {entry.when.precision}: {{date}}.", date=words.date(entry.when))
        )
    if entry.actors:
        parts.append(words("Actors: {names}.", names=", ".join(t.name for t in entry.actors)))
    label = "Reported in: {titles}" if entry.kind == "event" else "Briefing: {link}"
    parts += [
        words(label, titles=f"{b.title} {absolute(b)}", link=f"{b.title} {absolute(b)}")
        for b in entry.briefings
    ]
    return "\n".join(parts)


# -- hosting ---------------------------------------------------------------


def robots_txt(urls: Urls) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute('sitemap')}\n".encode()


def headers_file(urls: Urls, noindex: bool) -> bytes:
    """/_headers for Netlify: safety headers on every path; long caching only where the name carries a hash."""
    rules = [
        (
            "/*",
            [
                ("X-Content-Type-Options", "nosniff"),
                ("Referrer-Policy", "strict-origin-when-cross-origin"),
                ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
                *([("X-Robots-Tag", "noindex")] if noindex else []),
            ],
        ),
        *((path, [("Cache-Control", IMMUTABLE)]) for path in sorted(urls.assets.values())),
        (urls.path_of("feed_json"), [("Content-Type", "application/feed+json; charset=utf-8")]),
        (urls.path_of("chronology_json"), [("Content-Type", "application/json; charset=utf-8")]),
        (urls.path_of("chronology_ics"), [("Content-Type", "text/calendar; charset=utf-8")]),
    ]
    text = "".join(
        path + "\n" + "".join(f"  {name}: {value}\n" for name, value in headers) for path, headers in rules
    )
    return text.encode("utf-8")
