"""Feeds: the site's, every topic's and every actor's Atom feed, and the JSON Feed, read by a real parser."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from briefings.pipeline import BuildOptions, build

from .conftest import EXAMPLE_CONTENT, FIXED_NOW
from .publishing import headers_for, html_pages, parse_page, read_headers_file

BASE = "https://venezuela-desk.netlify.app/"
OFFSET = re.compile(r"[+-]\d\d:\d\d$|Z$")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("feeds") / "_site"
    build(BuildOptions(content=EXAMPLE_CONTENT, output=output, now=FIXED_NOW))
    return output


def atom_feeds(folder: Path) -> list[Path]:
    return [
        folder / "feed.xml",
        *sorted(folder.glob("topics/*/feed.xml")),
        *sorted(folder.glob("actors/*/feed.xml")),
    ]


def is_absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def test_site_every_topic_and_every_actor_have_an_atom_feed(built):
    topics = sorted(p.parent.name for p in built.glob("topics/*/index.html"))
    actors = sorted(p.parent.name for p in built.glob("actors/*/index.html"))
    assert len(topics) == 4 and len(actors) == 8
    assert sorted(p.parent.name for p in built.glob("topics/*/feed.xml")) == topics
    assert sorted(p.parent.name for p in built.glob("actors/*/feed.xml")) == actors
    # Each profile page tells readers and feed readers where its feed is.
    for kind, slugs in (("topics", topics), ("actors", actors)):
        for slug in slugs:
            page = parse_page(built / kind / slug / "index.html")
            assert f"/{kind}/{slug}/feed.xml" in [href for _, href in page.links]
            assert any(href == f"/{kind}/{slug}/feed.xml" for href in page.link_rels["alternate"])


@pytest.mark.parametrize(
    "which", ["feed.xml", "topics/us-venezuela/feed.xml", "actors/nicolas-maduro/feed.xml"]
)
def test_atom_feed_parses_without_errors_and_has_what_atom_requires(built, which):
    path = built / which
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    feed = parsed.feed
    assert feed.title and feed.id and is_absolute(feed.id)
    assert OFFSET.search(feed.updated)
    assert {link.rel for link in feed.links} >= {"self", "alternate"}
    self_link = next(link.href for link in feed.links if link.rel == "self")
    assert self_link == BASE + which
    assert all(is_absolute(link.href) for link in feed.links)
    assert parsed.entries
    for entry in parsed.entries:
        assert entry.title and entry.id and is_absolute(entry.id)
        assert is_absolute(entry.link) and entry.link.startswith(BASE)
        assert OFFSET.search(entry.updated) and OFFSET.search(entry.published)
        assert entry.summary and entry.content[0].value
    # The feed's date is its newest entry's, not the time of the build.
    assert feed.updated == max(entry.updated for entry in parsed.entries)


def test_every_feed_parses_and_a_topic_feed_holds_exactly_that_topics_briefings(built):
    pages = {path: parse_page(file) for path, file in html_pages(built).items()}
    briefing_topics = {
        BASE + path[1:]: {thing["url"] for thing in page.json_ld[0]["about"]}
        for path, page in pages.items()
        if path.startswith("/briefings/")
    }
    for path in atom_feeds(built):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.feed.title and parsed.feed.id and parsed.feed.updated
        if path.parent.parent.name == "topics":
            topic_url = BASE + f"topics/{path.parent.name}/"
            expected = {url for url, topics in briefing_topics.items() if topic_url in topics}
            assert {e.link for e in parsed.entries} == expected, path
            assert parsed.feed.link == topic_url


def test_json_feed_is_json_feed_1_1(built):
    # feedparser (6.0) reads no JSON Feed, so the rules of https://jsonfeed.org/version/1.1 are checked here.
    content_type = headers_for(read_headers_file(built / "_headers"), "/feed.json")["Content-Type"]
    assert content_type == "application/feed+json; charset=utf-8"
    data = json.loads((built / "feed.json").read_bytes().decode("utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["title"] == "The Venezuela Desk"
    assert data["home_page_url"] == BASE
    assert data["feed_url"] == BASE + "feed.json"
    assert len(data["items"]) == 5
    atom_ids = [e.id for e in feedparser.parse((built / "feed.xml").read_bytes()).entries]
    assert [
        item["id"] for item in data["items"]
    ] == atom_ids  # the same briefings, the same ids, newest first
    assert data["authors"] and all(author["name"] for author in data["authors"])
    for item in data["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert is_absolute(item["url"]) and item["title"] and item["content_html"]
        assert set(item) <= {
            "id",
            "url",
            "title",
            "content_html",
            "summary",
            "date_published",
            "date_modified",
            "authors",
            "tags",
        }
        assert OFFSET.search(item["date_published"]) and OFFSET.search(item["date_modified"])
        assert datetime.fromisoformat(item["date_modified"]) >= datetime.fromisoformat(item["date_published"])
        assert item["tags"]


def test_feeds_and_data_are_identical_whenever_the_same_content_is_built(tmp_path):
    later = datetime(2031, 6, 1, 12, 34, tzinfo=UTC)
    first, second = tmp_path / "a", tmp_path / "b"
    build(BuildOptions(content=EXAMPLE_CONTENT, output=first, now=FIXED_NOW))
    build(BuildOptions(content=EXAMPLE_CONTENT, output=second, now=later))
    names = ["feed.xml", "feed.json", "sitemap.xml", "chronology.json", "chronology.ics"]
    names += [p.relative_to(first).as_posix() for p in first.glob("*/*/feed.xml")]
    assert len(names) == 5 + 12
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_updated_follows_the_briefings_updated_field(example_copy):
    path = example_copy.content / "briefings" / "2026-03-04-burgum-meets-rodriguez-in-caracas.md"
    text = path.read_text(encoding="utf-8")
    assert "\nupdated: 2026-03-05\n" in text
    path.write_text(
        text.replace("\nupdated: 2026-03-05\n", "\nupdated: 2026-04-02T09:30:00-04:00\n"), encoding="utf-8"
    )
    example_copy.build()
    parsed = feedparser.parse((example_copy.output / "feed.xml").read_bytes())
    assert parsed.feed.updated == "2026-04-02T09:30:00-04:00"
    entry = next(e for e in parsed.entries if "burgum" in e.link)
    assert entry.updated == "2026-04-02T09:30:00-04:00"
    assert entry.published.startswith("2026-03-04")
    item = next(i for i in json.loads(example_copy.read("feed.json"))["items"] if "burgum" in i["url"])
    assert item["date_modified"] == "2026-04-02T09:30:00-04:00"


def test_a_feed_with_no_briefing_yet_is_as_of_the_desks_newest_change(example_copy):
    # A topic with a profile but no briefing: readers may subscribe before the first one.
    (example_copy.content / "topics" / "oil-sanctions.md").write_text(
        "---\nname: Oil sanctions\n---\nU.S. sanctions on Venezuelan oil.\n", encoding="utf-8"
    )
    example_copy.build()
    empty = feedparser.parse((example_copy.output / "topics" / "oil-sanctions" / "feed.xml").read_bytes())
    assert not empty.bozo and empty.entries == []
    site = feedparser.parse((example_copy.output / "feed.xml").read_bytes())
    assert empty.feed.updated == site.feed.updated
    assert empty.feed.updated.startswith("2026-")


def test_footnote_links_in_feeds_lead_to_the_briefing_not_the_feed(site):
    site.config("title: Desk\nbase_url: https://desk.example.org/\n")
    site.briefing(
        "2026-03-05-levels",
        "title: Levels\ndate: 2026-03-05\ntopics: [Water]",
        "The reservoir fell.[^1]\n\n[^1]: Ministry readings.\n",
    )
    site.build()
    page = "https://desk.example.org/briefings/levels/"
    entry = feedparser.parse((site.output / "feed.xml").read_bytes()).entries[0]
    links = re.findall(r'href="([^"]+)"', entry.content[0].value)
    assert links and all(link.startswith(page + "#fn") for link in links), links
    item = json.loads(site.read("feed.json"))["items"][0]
    assert re.findall(r'href="([^"]+)"', item["content_html"]) == links
    # On the page itself they stay within the page.
    assert 'href="#fn' in site.read("briefings/levels/index.html")


def test_feeds_keep_a_table_columns_alignment(site):
    # Feed readers have no stylesheet: the alignment travels with the cell, as Markdown writes it.
    site.briefing(
        "2026-03-05-a",
        "title: A\ndate: 2026-03-05\ntopics: [T]",
        "| Item | Share |\n| --- | ---: |\n| Oil | 40 % |\n",
    )
    site.build()
    content = feedparser.parse((site.output / "feed.xml").read_bytes()).entries[0].content[0].value
    assert '<td style="text-align: right;">40 %</td>' in content  # as a reader's sanitizer keeps it
    assert 'class="align-right">40 %' in site.read("briefings/a/index.html")
