"""Plan stage: Site → one planned output per path; two outputs on one path is an error."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from . import exports, jsonld
from .config import SiteConfig
from .errors import ContentError, ContentErrors, warning
from .index import Article, Site, TermIndex, terms_to_come
from .model import Profile
from .output import disk_name, folders_of
from .urls import FeedOf, Urls, output_file
from .wording import wording_for

HOME_LATEST = 12
# The page left at an old address (`redirect_from`): it sends browsers on to the new one.
REDIRECT_TEMPLATE = "redirect.html"
TOPICS_IN_PLAY = 8


@dataclass(frozen=True, slots=True)
class PlannedPage:
    """A page rendered from a template with finished data."""

    file: PurePosixPath
    template: str
    context: Mapping[str, Any] = field(hash=False, compare=False)
    source: Path | None = None  # the content file it comes from, for errors


@dataclass(frozen=True, slots=True)
class CopiedFile:
    file: PurePosixPath
    source: Path


@dataclass(frozen=True, slots=True)
class Asset:
    """A theme file from templates/assets, published under a name that carries its hash."""

    name: str
    data: bytes

    @property
    def site_path(self) -> str:
        stem, dot, suffix = self.name.rpartition(".")
        digest = hashlib.sha256(self.data).hexdigest()[:10]
        return f"/assets/{stem}.{digest}.{suffix}" if dot else f"/assets/{self.name}.{digest}"


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    file: PurePosixPath
    data: bytes
    bodies: frozenset[str] = frozenset()  # briefings (paths) whose bodies it holds


@dataclass(frozen=True, slots=True)
class ComputedFile:
    """A file made by a function of the site when pages are rendered, not when they are
    planned: the chronology's exports take as long as a thousand pages, and made here they
    would run on one core while the others wait."""

    file: PurePosixPath
    make: Callable[[], bytes] = field(compare=False)
    bodies: frozenset[str] = frozenset()  # briefings (paths) whose bodies it prints
    # (the bytes last made, paths of briefings edited since in what they show) → the file now,
    # made from the old one; None where it cannot be (see body_edits.py)
    edit: Callable[[bytes, Collection[str]], bytes | None] | None = field(default=None, compare=False)


Output = PlannedPage | CopiedFile | GeneratedFile | ComputedFile


def asset_paths(assets: tuple[Asset, ...]) -> dict[str, str]:
    return {asset.name: asset.site_path for asset in assets}


def plan_pages(
    site: Site, urls: Urls, assets: tuple[Asset, ...], noindex: bool = False
) -> tuple[Output, ...]:
    """Every output of the site, each on its own path; `noindex` asks search engines to stay away (previews)."""
    page = _page_factory(urls)
    config = site.config
    topics_in_play = sorted(
        (t for t in site.topics if t.articles),
        key=lambda t: (
            -t.articles[0].briefing.date.timestamp(),
            -len(t.articles),
            t.term.slug,
        ),
    )[:TOPICS_IN_PLAY]
    outputs: list[Output] = [
        page(
            "home",
            "home.html",
            latest=site.articles[:HOME_LATEST],
            topics=topics_in_play,
            structured_data=jsonld.Described("website"),
        ),
        page("topics", "terms.html", kind="topic", terms=site.topics, title="Topics"),
        page("actors", "terms.html", kind="actor", terms=site.actors, title="Actors"),
        page("chronology", "chronology.html", chronology=site.chronology),
        page("archive", "archive.html", archive=site.archive),
        page("404", "404.html"),
        page(
            "feed",
            "feed.xml",
            feed_title=config.title,
            subtitle=config.description,
            alternate="home",
            articles=site.articles[: exports.FEED_LIMIT],
            updated=_feed_updated(site.articles[: exports.FEED_LIMIT], site),
        ),
        page("sitemap", "sitemap.xml", site_paths=_sitemap(site, urls)),
        # Made with the pages, from what it shows: a rebuild after an edit to one of these
        # briefings makes it again from the stored plan, as it renders their pages.
        ComputedFile(
            output_file(urls.path_of("feed_json")),
            partial(exports.json_feed, config, site.articles[: exports.FEED_LIMIT], urls),
            frozenset(str(a.briefing.path) for a in site.articles[: exports.FEED_LIMIT]),
        ),
        ComputedFile(
            output_file(urls.path_of("chronology_json")),
            partial(exports.chronology_json, site, urls),
            edit=partial(exports.chronology_json_edited, site, urls),
        ),
        ComputedFile(
            output_file(urls.path_of("chronology_ics")),
            partial(exports.chronology_ics, site, urls),
            edit=partial(exports.chronology_ics_edited, site, urls),
        ),
        _generated(urls, "robots", exports.robots_txt(urls)),
        _generated(urls, "headers", exports.headers_file(urls, noindex)),
    ]
    outputs += [briefing_page(a, config, urls) for a in site.articles]
    terms = (*site.topics, *site.actors)
    outputs += [
        page(
            t,
            "term.html",
            _profile_path(t),
            index=t,
            feed=FeedOf(t.term),
            structured_data=jsonld.Described("collection_page", t),
        )
        for t in terms
    ]
    outputs += [
        page(
            FeedOf(t.term),
            "feed.xml",
            _profile_path(t),
            feed_title=f"{t.term.name} · {config.title}",
            subtitle=wording_for(config.language)(
                "Briefings on {name} from {site}.", name=t.term.name, site=config.title
            ),
            alternate=t.term,  # only its address: a feed prints no list of the term
            articles=t.articles[: exports.FEED_LIMIT],
            updated=_feed_updated(t.articles[: exports.FEED_LIMIT], site),
        )
        for t in terms
    ]
    outputs += [page(p, "page.html", p.path, page=p) for p in site.pages]
    outputs += [GeneratedFile(output_file(a.site_path), a.data) for a in assets]
    outputs += [CopiedFile(PurePosixPath(s.relative), s.path) for s in site.static_files]
    # Last, so that a clash with a page names the redirect, not the page.
    outputs += [
        page(
            old,
            REDIRECT_TEMPLATE,
            content.path,
            target=urls.path_of(now),
            title=content.name if isinstance(content, Profile) else content.title,
            source_line=content.lines.get(f"redirect_from {old}", 1),
        )
        for now, content in (
            *((a, a.briefing) for a in site.articles),
            *((p, p) for p in site.pages),
            *((t, t.term.profile) for t in terms if t.term.profile is not None),
        )
        for old in content.redirect_from
    ]
    try:
        _check_unique(outputs)
    except (
        ContentErrors
    ) as exc:  # said with the clashes drafts would bring, as a build without errors says them
        raise ContentErrors(exc.errors, tuple(clashes_to_come(site, urls, outputs))) from None
    return tuple(outputs)


def clashes_to_come(site: Site, urls: Urls, outputs: Sequence[Output]) -> list[ContentError]:
    """Warnings for drafts and scheduled briefings whose slug, page or old addresses would
    clash with the site as it is: said now, not by a build that fails the day one comes out."""
    if not site.unpublished:
        return []
    taken = {disk_name(str(output.file)): output for output in outputs}
    slugs = {a.briefing.slug: a.briefing for a in site.articles}
    new_terms = terms_to_come(site)
    found = []
    for b in site.unpublished:
        when = (
            "once it is no longer a draft" if b.draft else f"when it comes out on {b.date.date().isoformat()}"
        )
        if b.slug in slugs:
            found.append(
                warning(
                    b.path,
                    b.lines.get("slug", 1),
                    f"slug {b.slug!r} is already used by {slugs[b.slug].path}; {when}, the build will fail: "
                    "give one of them 'slug: …'",
                )
            )
            continue  # its page would clash too: one mistake, one message
        addresses = [
            (urls.path_of(b), b.lines.get("slug", 1), "its page"),
            *(
                (old, b.lines.get(f"redirect_from {old}", 1), f"redirect_from: {old}")
                for old in b.redirect_from
            ),
        ]
        addresses += [
            (
                urls.path_of(term),
                b.lines.get(f"{term.kind}s", 1),
                f"{term.kind}s: {term.name!r} would get a page of its own, which",
            )
            for term in new_terms[b.path]
        ]
        for path, line, what in addresses:
            other = taken.get(disk_name(str(output_file(path))))
            if other is not None:
                found.append(
                    warning(
                        b.path,
                        line,
                        f"{what} would be published at /{other.file}, where {_describe(other)} already is; "
                        f"{when}, the build will fail",
                    )
                )
    return found


def _feed_updated(articles: Sequence[Article], site: Site) -> datetime:
    """A feed's `updated`: its newest entry's last change. A feed with no entry yet (a profile
    no briefing names) is as of the desk's newest change, never the build's clock."""
    shown = articles or site.articles
    if not shown:
        return datetime(1970, 1, 1, tzinfo=UTC)  # an empty desk has no date at all
    return max(a.briefing.last_modified for a in shown)


def briefing_page(article: Article, config: SiteConfig, urls: Urls) -> PlannedPage:
    """The page of one briefing."""
    return _page_factory(urls)(
        article,
        "briefing.html",
        article.briefing.path,
        article=article,
        # Apart from the article, whose fingerprint leaves them out (index.Article): its
        # page is the one that shows them.
        related=article.related,
        structured_data=jsonld.Described("news_article", article),
    )


def _page_factory(urls: Urls):  # type: ignore[no-untyped-def]
    def page(thing: object, template: str, source: Path | None = None, **context: Any) -> PlannedPage:
        site_path = urls.path_of(thing)
        return PlannedPage(
            output_file(site_path),
            template,
            {"page_path": site_path, **context},
            source,
        )

    return page


def _generated(urls: Urls, name: str, data: bytes, bodies: frozenset[str] = frozenset()) -> GeneratedFile:
    return GeneratedFile(output_file(urls.path_of(name)), data, bodies)


def _profile_path(index: TermIndex) -> Path | None:
    return index.term.profile.path if index.term.profile else None


def _sitemap(site: Site, urls: Urls) -> tuple[tuple[str, str | None], ...]:
    """(absolute URL, lastmod) for every public HTML page; lastmod comes from content."""
    entries: list[tuple[str, str | None]] = []
    last = max(a.briefing.last_modified for a in site.articles).date().isoformat() if site.articles else None
    for fixed in ("home", "topics", "actors", "chronology", "archive"):
        entries.append((urls.absolute(fixed), last))
    for article in site.articles:
        b = article.briefing
        entries.append((urls.absolute(b), b.last_modified.date().isoformat()))
    for index in (*site.topics, *site.actors):
        stamps = [a.briefing.last_modified for a in index.articles]
        entries.append((urls.absolute(index), max(stamps).date().isoformat() if stamps else None))
    entries += [(urls.absolute(p), None) for p in site.pages]
    return tuple(entries)


def _check_unique(outputs: list[Output]) -> None:
    # By text, not PurePosixPath: eleven thousand outputs and their folders on a large site.
    seen: dict[str, Output] = {}
    errors = []

    def collision(output: Output, message: str) -> None:
        errors.append(ContentError(_source(output) or Path(str(output.file)), _slug_line(output), message))

    for output in outputs:
        # Case-insensitive, normalizing file systems (macOS, Windows, Netlify's CDN) would
        # merge these: `About` and `about`, and `é` written as one character or as two.
        other = seen.setdefault(disk_name(str(output.file)), output)
        if other is not output:
            mine, theirs = str(output.file), str(other.file)
            alike = (
                " (the same name, its accents typed another way: a Mac takes the two for one)"
                if mine != theirs
                and unicodedata.normalize("NFC", mine) == unicodedata.normalize("NFC", theirs)
                else ""
            )
            if _is_redirect(output) and other.file == output.file and _source(other) == output.source:
                fix = "it is the address this file has now: take it out of the list"
            elif _is_redirect(output):
                fix = "a redirect can only keep an address nothing else is published at"
            else:
                fix = "change a slug or rename a file"
            collision(
                output,
                f"{_clash_subject(output)} would be published at /{output.file}, where {_describe(other)} "
                f"already is{alike}; {fix}",
            )
    # A file where another output needs a folder (a static file `about` and the page
    # /about/): the file system cannot hold both.
    folders: dict[str, Output] = {}
    for key, output in seen.items():
        for parent in folders_of(key):
            folders.setdefault(parent, output)
    for key, output in seen.items():
        other = folders.get(key)
        if other is not None:
            collision(
                output,
                f"{_clash_subject(output)} would be published at /{output.file}, a name that {_describe(other)} "
                f"needs as a folder (/{other.file}); rename one of them",
            )
    if errors:
        raise ContentErrors(errors)


def _slug_line(output: Output) -> int | None:
    """The line that decides where a content page goes: its 'slug:' (or 'redirect_from:' for
    a redirect), else the top of the file."""
    if not isinstance(output, PlannedPage) or output.source is None:
        return None
    if _is_redirect(output):
        return output.context["source_line"]  # type: ignore[union-attr]
    article, page = output.context.get("article"), output.context.get("page")
    thing = article.briefing if article is not None else page
    lines = getattr(thing, "lines", None)
    return lines.get("slug", 1) if lines is not None else None


def _clash_subject(output: Output) -> str:
    """The output a clash is reported at, as its writer knows it."""
    if _is_redirect(output):
        return f"redirect_from: {output.context['page_path']}"  # type: ignore[union-attr]
    return "this"


def _is_redirect(output: Output) -> bool:
    return (
        isinstance(output, PlannedPage) and output.template == REDIRECT_TEMPLATE and output.source is not None
    )


def _source(output: Output) -> Path | None:
    return output.source if isinstance(output, (PlannedPage, CopiedFile)) else None


def _describe(output: Output) -> str:
    source = _source(output)
    if _is_redirect(output):
        return f"the redirect_from of {source}"
    return str(source) if source else f"the site's own /{output.file}"
