"""No broken internal link or asset anywhere in the built site, at a domain's root and under a sub-path."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from briefings.pipeline import BuildOptions, build

from .conftest import EXAMPLE_CONTENT, FIXED_NOW
from .publishing import file_for, html_pages, parse_page

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def broken_links(folder: Path, base_url: str) -> tuple[list[str], int]:
    """Every internal href/src (and absolute URL on our own host) that finds no file or no anchor; and the count checked."""
    base = urlsplit(base_url)
    prefix = base.path  # '/' or '/desk/'
    pages = html_pages(folder)
    parsed = {path: parse_page(file) for path, file in pages.items()}
    problems: list[str] = []
    checked = 0

    def check(where: str, page_url: str, link: str) -> None:
        nonlocal checked
        url = urlsplit(urljoin(page_url, link))
        if url.scheme not in ("http", "https") or url.netloc != base.netloc:
            return  # another site, mailto: and the like
        checked += 1
        path = unquote(url.path)
        if not path.startswith(prefix):
            problems.append(f"{where}: {link} leaves the site's path {prefix}")
            return
        site_path = "/" + path[len(prefix) :]
        target = file_for(folder, site_path)
        if target is None:
            problems.append(f"{where}: {link} → no file for {site_path}")
            return
        if url.fragment and target.suffix == ".html":
            target_path = next(p for p, f in pages.items() if f == target)
            if url.fragment not in parsed[target_path].ids:
                problems.append(f"{where}: {link} → no id {url.fragment!r} in {site_path}")

    for site_path, page in parsed.items():
        page_url = f"{base.scheme}://{base.netloc}{prefix}{site_path[1:]}"
        for _, link in page.links:
            check(site_path, page_url, link)
        for values in page.meta.values():
            for value in values:
                if value.startswith(("http://", "https://")):
                    check(site_path, page_url, value)
        for data in page.json_ld:
            for value in _strings(data):
                if value.startswith(("http://", "https://")):
                    check(site_path + " (JSON-LD)", page_url, value)

    # Feeds, the sitemap and the data files point into the site too.
    for feed in folder.rglob("feed.xml"):
        root = ET.parse(feed).getroot()
        for link in root.iter(f"{ATOM}link"):
            check(str(feed.relative_to(folder)), base_url, link.get("href", ""))
        for element in root.iter(f"{ATOM}id"):
            check(str(feed.relative_to(folder)), base_url, element.text or "")
    for loc in ET.parse(folder / "sitemap.xml").getroot().iter(f"{SITEMAP}loc"):
        check("sitemap.xml", base_url, loc.text or "")
    for name in ("feed.json", "chronology.json"):
        for value in _strings(json.loads((folder / name).read_text(encoding="utf-8"))):
            if value.startswith(("http://", "https://")):
                check(name, base_url, value)
    return problems, checked


def _strings(data: object):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


@pytest.mark.parametrize(
    "base_url",
    ["https://venezuela-desk.netlify.app/", "https://example.org/desk/"],
    ids=["at-the-root", "under-a-sub-path"],
)
def test_no_broken_internal_link_or_asset(tmp_path, base_url):
    output = tmp_path / "_site"
    build(BuildOptions(content=EXAMPLE_CONTENT, output=output, now=FIXED_NOW, base_url=base_url))
    problems, checked = broken_links(output, base_url)
    assert checked > 1000  # every page's navigation, assets, metadata, feeds and data
    assert problems == []


def test_under_a_sub_path_every_link_and_asset_stays_under_it(tmp_path):
    output = tmp_path / "_site"
    build(
        BuildOptions(
            content=EXAMPLE_CONTENT, output=output, now=FIXED_NOW, base_url="https://example.org/desk/"
        )
    )
    for site_path, file in html_pages(output).items():
        page = parse_page(file)
        for tag, link in page.links:
            if not urlsplit(link).scheme and not link.startswith("#"):
                assert link.startswith("/desk/"), (site_path, tag, link)
        assert page.link_rels["canonical"][0].startswith("https://example.org/desk/")
    assert "Sitemap: https://example.org/desk/sitemap.xml" in (output / "robots.txt").read_text(
        encoding="utf-8"
    )


def test_the_link_check_does_catch_a_broken_link(tmp_path):
    # The check above is only worth something if it sees a missing page, asset or anchor.
    output = tmp_path / "_site"
    build(
        BuildOptions(
            content=EXAMPLE_CONTENT, output=output, now=FIXED_NOW, base_url="https://example.org/desk/"
        )
    )
    (output / "topics" / "diplomacy" / "index.html").unlink()
    next(output.glob("assets/style.*.css")).unlink()
    chronology = output / "chronology" / "index.html"
    chronology.write_text(
        chronology.read_text(encoding="utf-8").replace('id="e-2026-01-03', 'id="x-2026'), encoding="utf-8"
    )
    problems, _ = broken_links(output, "https://example.org/desk/")
    assert any("no file for /topics/diplomacy/" in p for p in problems)
    assert any("no file for /assets/style." in p for p in problems)
    assert any("no id 'e-2026-01-03" in p for p in problems)


def test_links_a_writer_gives_from_the_site_root_follow_a_sub_path(site):
    # A source or an event may point at one of the desk's own pages, written from the root.
    site.write("pages/about.md", "---\ntitle: About\n---\nAbout the desk.\n")
    site.briefing(
        "2026-01-05-a",
        """
        title: A
        date: 2026-01-05
        topics: [Oil]
        sources:
          - {outlet: The desk, title: About us, url: /about/}
        events:
          - date: 2026-01-04
            text: The desk explains its [method](/about/).
        """,
        "See [about](/about/).\n",
    )
    site.build(base_url="https://example.org/desk/")
    problems, _ = broken_links(site.output, "https://example.org/desk/")
    assert problems == []
    page = parse_page(site.output / "briefings/a/index.html")
    assert ("a", "/desk/about/") in page.links
    (article,) = [d for d in page.json_ld if d.get("@type") == "NewsArticle"]
    assert article["citation"][0]["url"] == "https://example.org/desk/about/"
    chronology = json.loads((site.output / "chronology.json").read_text(encoding="utf-8"))
    (event,) = [e for e in chronology["entries"] if e["kind"] == "event"]
    assert 'href="https://example.org/desk/about/"' in event["text_html"]
