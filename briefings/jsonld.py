"""Schema.org descriptions of pages, printed by templates as JSON-LD.

The plan names what a page describes (`Described`); the data is made when the page is
rendered, so pages kept from the last build cost nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .actor_kinds import byline_type, guess_type
from .config import SiteConfig
from .index import Article, Term, TermIndex
from .model import Source
from .urls import Urls

CONTEXT = "https://schema.org"
# A profile's `kind` that makes a schema.org Person, as writers put it in English, Spanish,
# Portuguese or French; any other kind is an Organization.
PERSON_KINDS = {"person", "people", "individual", "persona", "pessoa", "personne"}


def _publisher(config: SiteConfig, urls: Urls) -> dict[str, Any]:
    return {"@type": "Organization", "name": config.title, "url": urls.absolute("home")}


def website(config: SiteConfig, urls: Urls) -> dict[str, Any]:
    """The home page: the site itself."""
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": config.title,
        "url": urls.absolute("home"),
        "inLanguage": config.language,
        "publisher": _publisher(config, urls),
    }
    if config.description:
        data["description"] = config.description
    return data


def term_type(term: Term) -> str:
    """Actors are people or organizations: by their profile's `kind`, else its `role`, else
    their name; topics, and names that could be either, are things."""
    if term.kind == "topic":
        return "Thing"
    profile = term.profile
    kind = (profile.kind or "").strip().casefold() if profile else ""
    if kind:
        return "Person" if kind in PERSON_KINDS else "Organization"
    return guess_type(term.name, (profile.role or "") if profile else "")


def _term(term: Term, urls: Urls) -> dict[str, Any]:
    return {"@type": term_type(term), "name": term.name, "url": urls.absolute(term)}


def _citation(source: Source, urls: Urls) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "CreativeWork", "name": source.title or source.outlet}
    if source.url:
        data["url"] = urls.link(source.url, absolute=True)
    data["publisher"] = {"@type": "Organization", "name": source.outlet}
    if source.date:
        data["datePublished"] = source.date.iso()
    return data


def news_article(article: Article, config: SiteConfig, urls: Urls) -> dict[str, Any]:
    """A briefing: headline, dates with their offsets, byline, dateline, topics, actors and sources."""
    b = article.briefing
    url = urls.absolute(b)
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "headline": b.title,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": b.date.isoformat(),
        "dateModified": b.last_modified.isoformat(),
        "inLanguage": config.language,
    }
    if b.summary:
        data["description"] = b.summary
    data["author"] = [{"@type": byline_type(name), "name": name} for name in b.authors] or [
        _publisher(config, urls)
    ]
    data["publisher"] = _publisher(config, urls)
    if b.location:
        data["dateline"] = b.location
    if article.topics:  # a draft previewed before it has one has none
        data["about"] = [_term(t, urls) for t in article.topics]
    if article.actors:
        data["mentions"] = [_term(t, urls) for t in article.actors]
    if b.sources:
        data["citation"] = [_citation(s, urls) for s in b.sources]
    data["isPartOf"] = {"@type": "WebSite", "name": config.title, "url": urls.absolute("home")}
    return data


def collection_page(index: TermIndex, config: SiteConfig, urls: Urls) -> dict[str, Any]:
    """A topic or actor page: the briefings about it."""
    return {
        "@context": CONTEXT,
        "@type": "CollectionPage",
        "name": index.term.name,
        "url": urls.absolute(index),
        "inLanguage": config.language,
        "about": _term(index.term, urls),
        "isPartOf": {"@type": "WebSite", "name": config.title, "url": urls.absolute("home")},
        "hasPart": [
            {
                "@type": "NewsArticle",
                "headline": a.briefing.title,
                "url": urls.absolute(a.briefing),
                "datePublished": a.briefing.date.isoformat(),
            }
            for a in index.articles
        ],
    }


@dataclass(frozen=True, slots=True)
class Described:
    """What a page's JSON-LD describes: the site, a briefing (an Article) or a term (a TermIndex)."""

    kind: Literal["website", "news_article", "collection_page"]
    subject: Article | TermIndex | None = None


def structured_data(described: Described, config: SiteConfig, urls: Urls) -> dict[str, Any]:
    if described.kind == "news_article" and isinstance(described.subject, Article):
        return news_article(described.subject, config, urls)
    if described.kind == "collection_page" and isinstance(described.subject, TermIndex):
        return collection_page(described.subject, config, urls)
    return website(config, urls)
