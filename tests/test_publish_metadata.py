"""What search engines and link previews read: canonical URLs, descriptions, Open Graph, JSON-LD, sitemap, robots."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from briefings.actor_kinds import byline_type
from briefings.pipeline import BuildOptions, build

from .conftest import EXAMPLE_CONTENT, FIXED_NOW
from .publishing import html_pages, parse_page

BASE = "https://venezuela-desk.netlify.app/"
WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("meta") / "_site"
    build(BuildOptions(content=EXAMPLE_CONTENT, output=output, now=FIXED_NOW))
    return output


@pytest.fixture(scope="module")
def pages(built):
    return {path: parse_page(file) for path, file in html_pages(built).items()}


def only(values: list[str]) -> str:
    assert len(values) == 1, values
    return values[0]


def test_every_page_has_canonical_description_and_open_graph(pages):
    assert len(pages) == 25
    for path, page in pages.items():
        canonical = only(page.link_rels["canonical"])
        assert canonical == BASE + path[1:], path
        description = only(page.meta["description"])
        assert len(description) > 20, path
        assert only(page.meta["og:url"]) == canonical
        # the page's own title; the site's name is og:site_name
        title = page.text["title"]
        assert only(page.meta["og:title"]) == (title.removesuffix(" · The Venezuela Desk") or title), path
        assert only(page.meta["og:description"]) == description
        assert only(page.meta["og:site_name"]) == "The Venezuela Desk"
        expected_type = "article" if path.startswith("/briefings/") else "website"
        assert only(page.meta["og:type"]) == expected_type, path
        assert "robots" not in page.meta  # production pages may be indexed


def test_briefing_open_graph_carries_dates_and_topics(pages):
    page = pages["/briefings/burgum-meets-rodriguez-in-caracas/"]
    assert only(page.meta["article:published_time"]) == "2026-03-04T00:00:00-05:00"
    assert only(page.meta["article:modified_time"]) == "2026-03-05T00:00:00-05:00"
    assert page.meta["article:tag"] == ["US–Venezuela", "Critical minerals", "Diplomacy"]


def test_every_briefing_describes_itself_as_a_news_article(pages):
    briefings = {path: page for path, page in pages.items() if path.startswith("/briefings/")}
    assert len(briefings) == 5
    for path, page in briefings.items():
        (data,) = page.json_ld
        assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
        assert data["headline"] == page.text["h1"]
        assert data["url"] == data["mainEntityOfPage"] == BASE + path[1:]
        assert WITH_OFFSET.match(data["datePublished"]) and WITH_OFFSET.match(data["dateModified"])
        assert data["datePublished"] == only(page.meta["article:published_time"])
        assert data["dateModified"] == only(page.meta["article:modified_time"])
        assert data["author"] and all(
            a["@type"] in ("Person", "Organization") and a["name"] for a in data["author"]
        )
        assert data["publisher"] == {"@type": "Organization", "name": "The Venezuela Desk", "url": BASE}
        assert [t["name"] for t in data["about"]] == page.meta["article:tag"]
        assert all(t["url"].startswith(BASE + "topics/") for t in data["about"])
        assert data["mentions"]
        for actor in data["mentions"]:
            assert actor["@type"] in ("Person", "Organization") and actor["url"].startswith(BASE + "actors/")
        assert data["citation"] and all(c["@type"] == "CreativeWork" and c["name"] for c in data["citation"])


def test_news_article_details_come_from_the_briefing(pages):
    (data,) = pages["/briefings/us-and-venezuela-agree-to-restore-relations/"].json_ld
    mentions = {m["name"]: m["@type"] for m in data["mentions"]}
    assert mentions["Delcy Rodríguez"] == "Person"
    assert mentions["U.S. Department of State"] == "Organization"
    (data,) = pages["/briefings/us-forces-seize-maduro-in-caracas/"].json_ld
    assert data["dateline"] == "Caracas"
    assert data["author"] == [{"@type": "Organization", "name": "Americas desk"}]  # a newsroom's byline
    assert data["citation"] == [
        {
            "@type": "CreativeWork",
            "name": "Fox News Digital",
            "publisher": {"@type": "Organization", "name": "Fox News Digital"},
            "datePublished": "2026-03-05",
        }
    ]


def test_home_is_a_website_and_topic_pages_are_collections(pages):
    (home,) = pages["/"].json_ld
    assert home["@type"] == "WebSite" and home["url"] == BASE and home["name"] == "The Venezuela Desk"
    for path, page in pages.items():
        if path.startswith("/topics/") and path != "/topics/":
            (data,) = page.json_ld
            assert data["@type"] == "CollectionPage" and data["url"] == BASE + path[1:]
            assert data["about"]["name"] == page.text["h1"]
            assert {part["url"] for part in data["hasPart"]} <= {
                BASE + p[1:] for p in pages if p.startswith("/briefings/")
            }
    assert pages["/chronology/"].json_ld == []


def test_sitemap_lists_every_public_page_with_lastmod_from_content(built, pages):
    root = ET.parse(built / "sitemap.xml").getroot()
    urls = {u.find(f"{SITEMAP}loc").text: u.find(f"{SITEMAP}lastmod") for u in root.findall(f"{SITEMAP}url")}
    public = {BASE + path[1:] for path in pages if path != "/404.html"}
    assert set(urls) == public
    lastmod = {loc: (el.text if el is not None else None) for loc, el in urls.items()}
    assert lastmod[BASE + "briefings/us-forces-seize-maduro-in-caracas/"] == "2026-03-05"
    assert lastmod[BASE] == "2026-03-06"  # the newest briefing, not the day of the build
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", v) for v in lastmod.values() if v)


def test_robots_txt_names_the_sitemap(built):
    lines = (built / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {BASE}sitemap.xml" in lines
    assert not any(line.startswith("Disallow: /") and line.strip() != "Disallow:" for line in lines)


def test_a_preview_build_asks_search_engines_to_stay_away(tmp_path):
    output = tmp_path / "_site"
    build(BuildOptions(content=EXAMPLE_CONTENT, output=output, now=FIXED_NOW, noindex=True))
    pages = {path: parse_page(file) for path, file in html_pages(output).items()}
    assert pages and all(page.meta.get("robots") == ["noindex"] for page in pages.values())
    assert "X-Robots-Tag: noindex" in (output / "_headers").read_text(encoding="utf-8")


def test_a_briefing_without_a_paragraph_is_still_described(site):
    front = "title: Water levels at the dam\ndate: 2026-03-05\ntopics: [Water]"
    site.briefing("2026-03-05-levels", front, "## Readings\n\n- The reservoir stood at 41 % on Monday.\n")
    site.briefing("2026-03-06-empty", front.replace("Water levels", "Nothing yet on"), "")
    site.build()
    listed = parse_page(site.output / "briefings" / "levels" / "index.html")
    assert only(listed.meta["description"]) == "The reservoir stood at 41 % on Monday."
    empty = parse_page(site.output / "briefings" / "empty" / "index.html")
    assert only(empty.meta["description"]) == "Nothing yet on at the dam"
    assert only(empty.meta["og:description"]) == "Nothing yet on at the dam"
    # An Atom entry leaves out an empty summary rather than print one.
    feed = site.read("feed.xml")
    assert "<summary></summary>" not in feed
    assert "<summary>The reservoir stood at 41 % on Monday.</summary>" in feed


def test_actors_without_a_kind_are_typed_by_their_name(site):
    site.write("actors/lula.md", "---\nname: Lula\nkind: person\n---\nA president.\n")
    site.write("actors/bukele.md", "---\nname: Bukele\nrole: President of El Salvador\n---\nX.\n")
    actors = ["Marco Rubio", "PDVSA", "Ministry of Defence", "Chevron", "Lula", "Bukele", "Unión Europea"]
    actors += ["Generalitat de Catalunya", "Secretaría General Iberoamericana", "Câmara dos Deputados"]
    site.briefing("2026-03-05-a", f"title: A\ndate: 2026-03-05\ntopics: [T]\nactors: {actors}")
    site.build()
    page = parse_page(site.output / "briefings" / "a" / "index.html")
    mentions = {m["name"]: m["@type"] for m in page.json_ld[0]["mentions"]}
    assert mentions == {
        "Marco Rubio": "Person",
        "PDVSA": "Organization",
        "Ministry of Defence": "Organization",
        "Chevron": "Thing",  # one word: a company, or a person known by one name
        "Lula": "Person",  # the profile's kind wins over the guess
        "Bukele": "Person",  # and its role, when it has no kind
        # Institutions named in Spanish, Catalan or Portuguese are no people.
        "Unión Europea": "Organization",
        "Generalitat de Catalunya": "Organization",
        "Secretaría General Iberoamericana": "Organization",
        "Câmara dos Deputados": "Organization",
    }


@pytest.mark.parametrize(
    ("byline", "kind"),
    [
        ("Americas desk", "Organization"),
        ("Caracas bureau", "Organization"),
        ("Staff", "Organization"),
        ("Reuters", "Organization"),
        ("AP", "Organization"),
        ("Redacción Internacional", "Organization"),
        ("The Editors", "Organization"),
        ("Ana O'Neill", "Person"),
        ("Delcy Rodríguez", "Person"),
        # Surnames that are words of institutions, and a person with an affiliation.
        ("Carlos Mesa", "Person"),
        ("Emily Post", "Person"),
        ("Karen House", "Person"),
        ("ANA SMITH", "Person"),
        ("Ana Smith, Caracas bureau", "Person"),
    ],
)
def test_a_byline_is_a_person_unless_it_names_a_newsroom(byline, kind):
    assert byline_type(byline) == kind
