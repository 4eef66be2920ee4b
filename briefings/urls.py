"""The only place that knows output paths and URLs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from .config import SECTIONS, SiteConfig
from .index import Article, ChronologyEntry, Term, TermIndex
from .model import Briefing, Page

# Pages with a fixed place; people link to these, so they never move (a section may be
# given another folder in site.yaml: Urls.fixed).
FIXED = {
    "home": "/",
    "topics": "/topics/",
    "actors": "/actors/",
    "chronology": "/chronology/",
    "archive": "/archive/",
    "404": "/404.html",
    "feed": "/feed.xml",
    "feed_json": "/feed.json",
    "sitemap": "/sitemap.xml",
    "robots": "/robots.txt",
    "headers": "/_headers",
    "chronology_json": "/chronology.json",
    "chronology_ics": "/chronology.ics",
}


@dataclass(frozen=True, slots=True)
class FeedOf:
    """The Atom feed of a topic or actor: /topics/<slug>/feed.xml."""

    term: Term


# An href or src attribute that starts at the site root; markdown-it escapes quotes in
# text, so this matches attributes only. '//' (another host) is left alone.
_ROOT_LINK = re.compile(r'\b(href|src)="/(?!/)')
_FRAGMENT_LINK = re.compile(r'\bhref="#')
_ALIGNED = re.compile(r'class="align-(left|center|right)"')


class Urls:
    """Site paths ('/briefings/x/'), links under the base path, and absolute URLs."""

    def __init__(self, config: SiteConfig, assets: Mapping[str, str]):
        self.config = config
        self.prefix = config.base_path.rstrip("/")  # '' or '/desk'
        self.assets = assets  # asset name → fingerprinted site path
        # The fixed pages, with the sections where site.yaml has them (`sections:`).
        self.fixed = {**FIXED, **{name: f"/{config.folder_of(name)}/" for name in SECTIONS}}

    def path_of(self, thing: object) -> str:
        """The site path of a page, as if the site were served at '/'."""
        if isinstance(thing, Article):
            thing = thing.briefing
        if isinstance(thing, TermIndex):
            thing = thing.term
        if isinstance(thing, FeedOf):
            return f"{self.fixed[thing.term.kind + 's']}{thing.term.slug}/feed.xml"
        if isinstance(thing, Briefing):
            day = thing.date
            return self.config.briefing_url.format(
                slug=thing.slug,
                year=f"{day.year:04d}",
                month=f"{day.month:02d}",
                day=f"{day.day:02d}",
            )
        if isinstance(thing, Term):
            return f"{self.fixed[thing.kind + 's']}{thing.slug}/"
        if isinstance(thing, Page):
            return f"/{thing.slug}/"
        if isinstance(thing, ChronologyEntry):
            return f"{self.fixed['chronology']}#{thing.anchor}"
        if isinstance(thing, str):
            if thing.startswith("/"):
                return thing
            if thing in self.fixed:
                return self.fixed[thing]
            if thing in self.assets:
                return self.assets[thing]
            if "." in thing:  # a file name: one the theme's assets/ folder lacks
                raise KeyError(
                    f"no URL for {thing!r}: the theme's assets/ folder has no such file; add it, or "
                    "copy it from the bundled theme's templates/assets/"
                )
        raise KeyError(f"no URL for {thing!r}")

    def url_for(self, thing: object, absolute: bool = False) -> str:
        path = self.path_of(thing)
        if absolute:
            return self.config.base_url + path[1:]
        return self.prefix + path

    def absolute(self, thing: object) -> str:
        return self.url_for(thing, absolute=True)

    def link(self, url: str, absolute: bool = False) -> str:
        """A link a writer gave (a source's `url`): a site-relative one (`/about/`) moved
        under the base path, or made absolute; any other left as written."""
        if url.startswith("/") and not url.startswith("//"):
            return (self.config.base_url + url[1:]) if absolute else self.prefix + url
        return url

    def rebase_html(self, html: str) -> str:
        """Site-root links written in Markdown (`/about/`) moved under the base path (`/desk/about/`).

        Writers link as if the site were served at '/'; previews at '/' and production
        under a sub-path then both work.
        """
        return _ROOT_LINK.sub(rf'\1="{self.prefix}/', html) if self.prefix else html

    def absolute_html(self, html: str, page: object = None) -> str:
        """Site-root links made absolute, for feeds read away from the site; links within
        the page (`#fn-1`, a footnote) too, to `page`'s address, when it is given: a feed
        reader would resolve them against the feed."""
        html = _ROOT_LINK.sub(rf'\1="{self.config.base_url}', html)
        if 'class="align-' in html:  # a table column's alignment: readers have no stylesheet
            html = _ALIGNED.sub(r'style="text-align:\1"', html)
        if page is None or 'href="#' not in html:
            return html
        return _FRAGMENT_LINK.sub(lambda m: f'href="{self.absolute(page)}#', html)


def output_file(site_path: str) -> PurePosixPath:
    """'/briefings/x/' → briefings/x/index.html; '/feed.xml' → feed.xml."""
    relative = site_path.split("#", 1)[0].lstrip("/")
    if not relative or relative.endswith("/"):
        relative += "index.html"
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or "\\" in relative:
        raise ValueError(f"unsafe output path {site_path!r}")
    return path


def site_path_of(file: PurePosixPath) -> str:
    """The inverse of output_file: briefings/x/index.html → '/briefings/x/'."""
    text = f"/{file}"
    return text[: -len("index.html")] if file.name == "index.html" else text
