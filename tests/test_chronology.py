"""The chronology rules writers rely on: merging, order, precision, and who an entry belongs to."""

from __future__ import annotations

import re


def entries(html: str) -> list[str]:
    """The timeline as a reader sees it: 'date | text' per entry, in page order."""
    found = re.findall(
        r'<li id="e-[^"]+" class="entry[^"]*">\s*<time datetime="([^"]+)">[^<]*</time>\s*<span class="entry-text"(?: dir="[a-z]+")?>(.*?)</span>\n',
        html,
        re.S,
    )
    return [f"{when} | {re.sub(r'<[^>]+>', '', text).strip()}" for when, text in found]


def test_same_event_in_two_briefings_is_one_entry_linking_both(site):
    site.briefing(
        "2026-03-05-a",
        """
        title: First report
        date: 2026-03-05
        topics: [US–Venezuela]
        events:
          - {date: 2026-01-03, text: U.S. forces capture Nicolás Maduro in Caracas.}
    """,
    )
    site.briefing(
        "2026-03-06-b",
        """
        title: Second report
        date: 2026-03-06
        topics: [Diplomacy]
        events:
          - {date: 2026-01-03, text: "u.s.  forces capture Nicolás Maduro in Caracas"}
    """,
    )
    site.build()
    page = site.read("chronology/index.html")
    captures = [e for e in entries(page) if "capture" in e]
    assert captures == ["2026-01-03 | U.S. forces capture Nicolás Maduro in Caracas."]
    item = page[page.index("capture Nicol") :].split("</li>")[0]
    assert "/briefings/a/" in item and "/briefings/b/" in item
    # The event belongs to both briefings' topics.
    assert "capture" in site.read("topics/us-venezuela/index.html")
    assert "capture" in site.read("topics/diplomacy/index.html")


def test_entries_are_oldest_first_with_their_precision(site):
    site.briefing(
        "2026-03-05-a",
        """
        title: Report
        date: 2026-03-05T09:30:00-05:00
        topics: [T]
        events:
          - {date: 2026-03-04, text: Day event.}
          - {date: 2026-01, text: Month event.}
          - {date: 2025, text: Year event.}
          - {date: 2026-01-15, text: Mid-January event.}
    """,
    )
    site.build()
    page = site.read("chronology/index.html")
    assert entries(page) == [
        "2025 | Year event.",
        "2026-01 | Month event.",
        "2026-01-15 | Mid-January event.",
        "2026-03-04 | Day event.",
        "2026-03-05 | Briefing: Report",
    ]
    assert '<time datetime="2026-01">January 2026</time>' in page
    assert ">2025</time>" in page
    # Under the year's own heading, what is known only to the year is set apart as such,
    # not headed by the year a second time.
    assert '<h3><time datetime="2025">2025, month not known</time></h3>' in page


def test_event_actors_belong_to_the_actor_chronology_as_well_as_the_briefing_actors(site):
    site.briefing(
        "2026-03-05-a",
        """
        title: Report
        date: 2026-03-05
        topics: [T]
        actors: [Doug Burgum]
        events:
          - {date: 2026-01-05, text: Pleas entered., actors: [Cilia Flores]}
    """,
    )
    site.build()
    for actor in ("cilia-flores", "doug-burgum"):
        assert "Pleas entered." in site.read(f"actors/{actor}/index.html")
    # The briefing reporting what she did is hers too: listed on her page and in her feed.
    page = site.read("actors/cilia-flores/index.html")
    assert '<h3><a dir="ltr" href="/briefings/a/">Report</a></h3>' in page
    assert "No published briefing yet" not in page
    assert "<title>Report</title>" in site.read("actors/cilia-flores/feed.xml")
    assert "1 briefing<" in site.read("actors/index.html").split("Cilia Flores")[1]


def test_drafts_and_future_briefings_are_left_out_of_everything(site):
    site.briefing("2026-03-05-public", "title: Public\ndate: 2026-03-05\ntopics: [T]")
    site.briefing(
        "2026-03-06-draft",
        """
        title: Secret draft
        date: 2026-03-06
        draft: true
        topics: [Hidden topic]
        events: [{date: 2026-03-01, text: Draft-only event.}]
    """,
    )
    site.briefing("2030-01-01-later", "title: Scheduled piece\ndate: 2030-01-01\ntopics: [T]")
    report = site.build()
    assert (report.site.left_out_drafts, report.site.left_out_future) == (1, 1)
    everything = "".join(p.read_text() for p in site.output.rglob("*") if p.is_file())
    for secret in ("Secret draft", "Draft-only event", "Hidden topic", "Scheduled piece"):
        assert secret not in everything
    assert not (site.output / "briefings/draft").exists()
    site.build(drafts=True, future=True)
    assert "Draft-only event." in site.read("chronology/index.html")
    assert "Scheduled piece" in site.read("index.html")


def test_quote_style_and_emphasis_do_not_split_an_event(site):
    site.briefing(
        "2026-03-05-a",
        """
        title: A
        date: 2026-03-05
        topics: [T]
        events: [{date: 2026-01-03, text: "Maduro's *capture* in Caracas."}]
    """,
    )
    site.briefing(
        "2026-03-06-b",
        """
        title: B
        date: 2026-03-06
        topics: [T]
        events: [{date: 2026-01-03, text: "Maduro’s capture in Caracas"}]
    """,
    )
    site.build()
    page = site.read("chronology/index.html")
    assert [e for e in entries(page) if "capture" in e] == ["2026-01-03 | Maduro’s capture in Caracas."]
    assert 'id="e-2026-01-03-maduros-capture-in-caracas"' in page


def test_a_capital_dotted_i_merges_with_its_lower_case(site):
    # Turkish İ folds to i and a combining dot; a reader sees the same word.
    for name, text in (("2026-03-05-a", "Talks resume in İzmir."), ("2026-03-06-b", "talks resume in izmir")):
        site.briefing(
            name,
            f"""
            title: Report {name}
            date: 2026-03-05
            topics: [T]
            events:
              - {{date: 2023-05-02, text: "{text}"}}
        """,
        )
    site.build()
    talks = [e for e in entries(site.read("chronology/index.html")) if "alks resume" in e]
    assert talks == ["2023-05-02 | Talks resume in İzmir."]
