"""The chronology as data: /chronology.json for tools, /chronology.ics for calendars (read with `icalendar`)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import icalendar
import pytest

from briefings.pipeline import BuildOptions, build

from .conftest import EXAMPLE_CONTENT, FIXED_NOW
from .publishing import file_for, html_pages, parse_page

BASE = "https://venezuela-desk.netlify.app/"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("chronology") / "_site"
    build(BuildOptions(content=EXAMPLE_CONTENT, output=output, now=FIXED_NOW))
    return output


def page_entries(built: Path) -> list[str]:
    """The anchors of the entries the chronology page shows, in order."""
    text = (built / "chronology" / "index.html").read_text(encoding="utf-8")
    ids = parse_page(built / "chronology" / "index.html").ids
    return sorted((i for i in ids if i.startswith("e-")), key=lambda i: text.index(f'id="{i}"'))


def test_chronology_json_has_every_entry_of_the_page(built):
    data = json.loads((built / "chronology.json").read_text(encoding="utf-8"))
    entries = data["entries"]
    assert [e["id"] for e in entries] == page_entries(built)
    assert len(entries) == 9
    built_pages = html_pages(built)
    for entry in entries:
        assert entry["url"] == f"{BASE}chronology/#{entry['id']}"
        assert entry["date"].startswith("2026") and entry["precision"] in ("day", "month", "year")
        assert entry["kind"] in ("event", "briefing") and entry["text"]
        assert entry["topics"] and entry["briefings"]
        for ref in entry["actors"] + entry["topics"] + entry["briefings"]:
            assert ref["url"].startswith(BASE) and "/" + ref["url"][len(BASE) :] in built_pages
    first = entries[0]
    assert first["date"] == "2026-01-03" and first["precision"] == "day"
    assert first["text"] == "U.S. forces capture Nicolás Maduro in Caracas."
    assert "nicolas-maduro" in [a["slug"] for a in first["actors"]]
    assert first["briefings"][0]["url"] == f"{BASE}briefings/us-forces-seize-maduro-in-caracas/"


def test_chronology_ics_parses_and_has_one_all_day_event_per_entry(built):
    raw = (built / "chronology.ics").read_bytes()
    assert all(line.endswith(b"\r") for line in raw.split(b"\n")[:-1])  # CRLF, as RFC 5545 asks
    assert max(len(line.rstrip(b"\r")) for line in raw.split(b"\n")) <= 75
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    events = list(calendar.walk("VEVENT"))
    entries = json.loads((built / "chronology.json").read_text(encoding="utf-8"))["entries"]
    assert len(events) == len(entries) == 9
    assert len({str(e["UID"]) for e in events}) == len(events)
    for event, entry in zip(events, entries, strict=True):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is date and type(end) is date  # all-day
        assert start.isoformat() == entry["date"] and (end - start).days == 1
        assert str(event["SUMMARY"]) == entry["text"]
        assert str(event["URL"]) == entry["url"]
        assert event.decoded("DTSTAMP").year == 2026  # from the briefings, not the clock
    # Text with commas, semicolons and accents survives the escaping and folding.
    first = events[0]
    assert "Nicolás Maduro, U.S. Department of State" in str(first["DESCRIPTION"])


def test_partial_dates_become_events_spanning_what_is_known(site):
    site.briefing(
        "2026-03-05-relations",
        """
        title: Relations restored
        date: 2026-03-05
        topics: [Diplomacy]
        events:
          - {date: 2026-02, text: "Talks begin; both sides say little, for now."}
          - {date: 2025, text: Sanctions are tightened.}
          - {date: 2025-12, text: Year-end review.}
        """,
    )
    site.build()
    calendar = icalendar.Calendar.from_ical((site.output / "chronology.ics").read_bytes())
    spans = {str(e["SUMMARY"]): (e.decoded("DTSTART"), e.decoded("DTEND")) for e in calendar.walk("VEVENT")}
    assert spans["Talks begin; both sides say little, for now."] == (date(2026, 2, 1), date(2026, 3, 1))
    assert spans["Sanctions are tightened."] == (date(2025, 1, 1), date(2026, 1, 1))
    assert spans["Year-end review."] == (date(2025, 12, 1), date(2026, 1, 1))
    assert spans["Briefing: Relations restored"] == (date(2026, 3, 5), date(2026, 3, 6))
    data = json.loads(site.read("chronology.json"))
    assert [(e["date"], e["precision"]) for e in data["entries"]] == [
        ("2025", "year"),
        ("2025-12", "month"),
        ("2026-02", "month"),
        ("2026-03-05", "day"),
    ]
    assert file_for(site.output, "/chronology/") is not None
