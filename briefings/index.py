"""Index stage (pure): resolve actors and topics, relate briefings, build the chronology."""

from __future__ import annotations

import bisect
import dataclasses
import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import ClassVar, Generic, Literal, Protocol, TypeVar

from .config import SiteConfig
from .errors import ContentError, ContentErrors, warning
from .model import Briefing, Corpus, Page, PartialDate, Profile, StaticFile
from .slugs import Slug, accents_in, normalize_name, slugify, without_accents
from .wording import ENGLISH

TermKind = Literal["actor", "topic"]
T = TypeVar("T")

RELATED_LIMIT = 4
PEERS_LIMIT = 10


@dataclass(frozen=True, slots=True)
class Term:
    """One actor or one topic: a page of its own, whatever spellings point to it."""

    kind: TermKind
    slug: Slug
    name: str
    profile: Profile | None

    def __hash__(self) -> int:
        # Terms key many dicts while indexing; the profile need not be hashed to tell them apart.
        return hash((self.kind, self.slug))


@dataclass(frozen=True, slots=True)
class ChronologyEntry:
    """A dated line in a timeline: an event, or the publication of a briefing."""

    when: PartialDate
    kind: Literal["event", "briefing"]
    text_html: str  # an event's inline Markdown, rendered; '' for a briefing
    text: str  # the same as plain words; '' for a briefing
    briefings: tuple[Briefing, ...]  # the briefing itself, or every briefing reporting the event
    actors: tuple[Term, ...]
    topics: tuple[Term, ...]
    anchor: str
    # Of `briefings`, the drafts and those dated after the build's "now", which previews
    # show flagged; a tuple, as a short one costs a fingerprint next to nothing.
    flagged: tuple[Path, ...] = ()


@dataclass(frozen=True, slots=True)
class MonthGroup(Generic[T]):
    year: int
    month: int  # 0 for what is known only to the year
    items: tuple[T, ...]

    @property
    def label(self) -> str:
        """In English: for themes copied before the `month_label` filter, which has the
        site's language."""
        return ENGLISH.month_of(self.year, self.month)

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" if self.month else f"{self.year:04d}"


@dataclass(frozen=True, slots=True)
class YearGroup(Generic[T]):
    year: int
    months: tuple[MonthGroup[T], ...]


@dataclass(frozen=True, slots=True)
class Article:
    """A published briefing with its names resolved and its neighbours found."""

    briefing: Briefing
    topics: tuple[Term, ...]
    actors: tuple[Term, ...]
    events: tuple[ChronologyEntry, ...]
    # Left out of its fingerprint (cache.Fingerprinter) and of its repr (which a template
    # could print): a new title, or a briefing added, changes the related briefings of a
    # dozen others, and with them every list that shows those, where nothing changes. Its
    # own page's plan gives `related` apart, and pages that read another article's are
    # told when they render (render.TrackingEnvironment). Python code that reads it for a
    # page (JSON-LD, say) must give it in the plan too.
    related: tuple[Briefing, ...] = dataclasses.field(repr=False)
    scheduled: bool = False  # dated after the build's "now": shown only with --future
    _unfingerprinted: ClassVar[tuple[str, ...]] = ("related",)


@dataclass(frozen=True, slots=True)
class TermIndex:
    """Everything a topic or actor page shows."""

    term: Term
    articles: tuple[Article, ...]  # newest first
    chronology: tuple[YearGroup[ChronologyEntry], ...]
    actors: tuple[tuple[Term, int], ...]  # most involved, with briefing counts
    topics: tuple[tuple[Term, int], ...]


@dataclass(frozen=True, slots=True)
class Site:
    config: SiteConfig
    articles: tuple[Article, ...]  # newest first
    topics: tuple[TermIndex, ...]  # by name
    actors: tuple[TermIndex, ...]
    chronology: tuple[YearGroup[ChronologyEntry], ...]
    archive: tuple[YearGroup[Article], ...]  # newest first
    pages: tuple[Page, ...]
    static_files: tuple[StaticFile, ...]
    left_out_drafts: int
    left_out_future: int
    warnings: tuple[ContentError, ...]
    # The drafts and scheduled briefings this build leaves out: checked against the site
    # now (plan.clashes_to_come), not on the day they come out.
    unpublished: tuple[Briefing, ...] = ()


def build_site(
    corpus: Corpus,
    config: SiteConfig,
    now: datetime,
    include_drafts: bool = False,
    include_future: bool = False,
    errors: list[ContentError] | None = None,
) -> Site:
    """Resolve and index the corpus; `now` decides what is still scheduled.

    Errors are raised, all at once; or, given `errors`, added to it, and the site is indexed
    from what is sound (of briefings sharing a slug, the first), so that planning can find
    its own errors in the same run."""
    raise_errors = errors is None
    errors = [] if errors is None else errors
    drafts = [b for b in corpus.briefings if b.draft and not include_drafts]
    future = [
        b
        for b in corpus.briefings
        if b.date > now and not include_future and not (b.draft and not include_drafts)
    ]
    left_out = {b.path for b in drafts} | {b.path for b in future}
    published = [b for b in corpus.briefings if b.path not in left_out]
    warnings: list[ContentError] = []
    published = _without_duplicate_slugs(published, errors)
    topics = _resolve_terms(
        "topic", corpus.topics, _uses(published, "topics"), errors, warnings, corpus.unread_topics
    )
    actors = _resolve_terms(
        "actor", corpus.actors, _uses(published, "actors"), errors, warnings, corpus.unread_actors
    )
    _check_reporting(published, warnings)
    if errors and raise_errors:
        raise ContentErrors(errors, warnings)

    oldest_first = sorted(published, key=lambda b: (b.date, b.slug))
    entries = _chronology(oldest_first, topics, actors, now)
    reported: dict[Slug, list[ChronologyEntry]] = defaultdict(list)
    for entry in entries:
        if entry.kind == "event":
            for briefing in entry.briefings:
                reported[briefing.slug].append(entry)

    def resolve(names: Iterable[str], terms: _Terms) -> tuple[Term, ...]:
        return _unique(terms.term_for(name) for name in names)

    related = _related(oldest_first, topics, actors)
    articles = tuple(
        Article(
            briefing=b,
            topics=resolve(b.topics, topics),
            actors=resolve(b.actors, actors),
            events=tuple(reported[b.slug]),
            related=related[b.slug],
            scheduled=b.date > now,
        )
        for b in reversed(oldest_first)
    )

    def actors_touched(article: Article) -> tuple[Term, ...]:
        # Those of its front matter, and those its own events name: an actor's page lists
        # every briefing that reports something it did.
        named = (n for event in article.briefing.events for n in event.actors)
        return _unique([*article.actors, *(actors.term_for(n) for n in named)])

    return Site(
        config=config,
        articles=articles,
        topics=_term_indexes(topics, articles, entries, lambda a: a.topics, lambda e: e.topics),
        actors=_term_indexes(actors, articles, entries, actors_touched, lambda e: e.actors),
        chronology=group_by_month(entries, lambda e: e.when),
        archive=group_by_month(articles, lambda a: a.briefing.day),
        pages=corpus.pages,
        static_files=corpus.static_files,
        left_out_drafts=len(drafts),
        left_out_future=len(future),
        warnings=tuple(warnings),
        unpublished=tuple(b for b in corpus.briefings if b.path in left_out),
    )


# -- one briefing, placed ahead of the next index ---------------------------


def article_among(
    briefing: Briefing,
    others: Iterable[Article],
    topics: Iterable[Term],
    actors: Iterable[Term],
    now: datetime,
) -> Article | None:
    """The article `briefing` would be among `others` (the last index's articles of every
    other briefing), found without indexing the whole site again: for a preview to show
    its page in a moment while the site builds. Its earlier version may still be in the
    entries of events others report too: it is left out there.

    It is build_site's, but where the rest of the corpus decides: an error elsewhere may
    stop the build. None where it has no place: a slug another briefing has, a name that
    leaves no letters or digits for an address."""
    rest = list(others)
    if any(a.briefing.slug == briefing.slug for a in rest):
        return None
    topic_terms, actor_terms = _KnownTerms("topic", topics), _KnownTerms("actor", actors)
    try:
        own_topics = _unique(topic_terms.term_for(n) for n in briefing.topics)
        own_actors = _unique(actor_terms.term_for(n) for n in briefing.actors)
        for event in briefing.events:
            _unique(actor_terms.term_for(n) for n in event.actors)
    except KeyError:
        return None
    oldest_first = sorted((a.briefing for a in rest), key=_date_and_slug)
    position = bisect.bisect_left(oldest_first, _date_and_slug(briefing), key=_date_and_slug)
    oldest_first.insert(position, briefing)
    related = _related(oldest_first, topic_terms, actor_terms, only=position)[briefing.slug]
    return Article(
        briefing=briefing,
        topics=_as_most_spelled(own_topics, topic_terms, oldest_first, _topic_names),
        actors=_as_most_spelled(own_actors, actor_terms, oldest_first, _actor_names),
        events=_events_among(briefing, rest, topic_terms, actor_terms, now),
        related=related,
        scheduled=briefing.date > now,
    )


def _date_and_slug(briefing: Briefing) -> tuple[datetime, Slug]:
    return briefing.date, briefing.slug


def _topic_names(briefing: Briefing) -> Iterable[str]:
    return briefing.topics


def _actor_names(briefing: Briefing) -> Iterable[str]:
    return (*briefing.actors, *(name for event in briefing.events for name in event.actors))


def _as_most_spelled(
    terms: tuple[Term, ...],
    lookup: _KnownTerms,
    briefings: Iterable[Briefing],
    names_of: Callable[[Briefing], Iterable[str]],
) -> tuple[Term, ...]:
    """`terms`, those without a profile named as _resolve_terms names them: by the spelling
    most used among `briefings` (_preferred). A writer who respells a name, or adds one
    more use of a spelling, may rename a term."""
    open_slugs = {term.slug for term in terms if term.profile is None}
    if not open_slugs:
        return terms
    spellings: dict[Slug, Counter[str]] = defaultdict(Counter)
    for briefing in briefings:
        for name in names_of(briefing):
            slug = lookup.term_for(name).slug  # remembered by name: most were looked up already
            if slug in open_slugs:
                spellings[slug][normalize_name(name)] += 1
    return tuple(
        replace(term, name=_preferred(spellings[term.slug])) if term.slug in open_slugs else term
        for term in terms
    )


class _KnownTerms:
    """The terms of an index already built; a name none of them has makes a new one."""

    def __init__(self, kind: TermKind, known: Iterable[Term]):
        self.kind = kind
        self.terms: dict[Slug, Term] = {term.slug: term for term in known}
        self.by_key: dict[Slug, Slug] = {slug: slug for slug in self.terms}
        for term in self.terms.values():
            if term.profile is not None:
                for spelling in (term.profile.name, *term.profile.aliases):
                    self.by_key.setdefault(slugify(spelling), term.slug)
        self.found: dict[str, Term] = {}

    def term_for(self, name: str) -> Term:
        term = self.found.get(name)
        if term is None:
            key = slugify(name)
            if not key:
                raise KeyError(name)
            slug = self.by_key.get(key, key)
            term = self.terms.get(slug)
            if term is None:
                term = self.terms[slug] = Term(self.kind, slug, normalize_name(name), None)
            self.found[name] = term
        return term


def terms_to_come(site: Site) -> dict[Path, tuple[Term, ...]]:
    """For each draft or scheduled briefing, the topics and actors it names that have no
    page yet: each gets one the day it comes out (plan.clashes_to_come checks where)."""
    lookups = {
        kind: _KnownTerms(kind, (index.term for index in indexes))
        for kind, indexes in (("topic", site.topics), ("actor", site.actors))
    }
    existing = {kind: set(lookup.terms) for kind, lookup in lookups.items()}
    found: dict[Path, tuple[Term, ...]] = {}
    for briefing in site.unpublished:
        names = {
            "topic": briefing.topics,
            "actor": (*briefing.actors, *(name for event in briefing.events for name in event.actors)),
        }
        new: dict[tuple[str, Slug], Term] = {}
        for kind, written in names.items():
            for name in written:
                if slugify(name):  # a name with no letters is an error of its own
                    term = lookups[kind].term_for(name)
                    if term.slug not in existing[kind]:
                        new.setdefault((kind, term.slug), term)
        found[briefing.path] = tuple(new.values())
    return found


def _preferred(spellings: Counter[str]) -> str:
    """The most used spelling of a name. On a tie, the one that keeps the most accents
    ('Rodríguez', not 'Rodriguez'), then the one in the fewest capitals ('Delcy Rodríguez',
    not 'DELCY RODRÍGUEZ'), then the first in code-point order: never the order of files."""
    return min(
        spellings.items(),
        key=lambda item: (
            -item[1],
            -accents_in(item[0]),
            sum(c.isupper() for c in item[0]),
            item[0],
        ),
    )[0]


def _events_among(
    briefing: Briefing, rest: Sequence[Article], topics: _KnownTerms, actors: _KnownTerms, now: datetime
) -> tuple[ChronologyEntry, ...]:
    """The chronology entries of `briefing`'s events, as _chronology would make them with it
    among `rest`: merged with the same events others report, numbered where anchors meet."""
    if not briefing.events:
        return ()
    path = briefing.path.absolute()
    # An anchor starts with its entry's date: only entries whose words follow the same
    # date (a month's "05 …" follows a day's too) can take one this briefing's entries
    # would have. A briefing's own entry comes after the events of its day: never first.
    years = {event.when.year for event in briefing.events}
    prefixes = tuple(f"{event.when.iso()}-" for event in briefing.events)
    nearby: dict[str, ChronologyEntry] = {}  # each once, by anchor
    for article in rest:
        for entry in article.events:
            if entry.when.year in years:
                nearby.setdefault(entry.anchor, entry)
    reported: dict[tuple[PartialDate, str], list[Briefing]] = {}
    kept: dict[tuple[PartialDate, str], ChronologyEntry] = {}  # as the last index made them
    for entry in nearby.values():
        if not _anchor_base(entry).startswith(prefixes):
            continue
        reporters = [b for b in entry.briefings if b.path.absolute() != path]
        key = event_key(entry.when, entry.text)
        if len(reporters) == len(entry.briefings):
            kept[key] = entry
        if reporters:
            reported[key] = reporters
    mine = {event_key(e.when, e.text_plain): e.when for e in briefing.events}
    for key in mine:
        kept.pop(key, None)
        reporters = reported.setdefault(key, [])
        reporters.append(briefing)
        reporters.sort(key=_date_and_slug)

    def entry_of(key: tuple[PartialDate, str], reporters: list[Briefing]) -> ChronologyEntry:
        first = next(e for e in reporters[0].events if event_key(e.when, e.text_plain) == key)
        actor_names: list[str] = []
        topic_names: list[str] = []
        for reporter in reporters:
            for event in reporter.events:
                if event_key(event.when, event.text_plain) == key:
                    actor_names += [*event.actors, *reporter.actors]
                    topic_names += reporter.topics
        return ChronologyEntry(
            when=first.when,
            kind="event",
            text_html=first.text_html,
            text=first.text_plain,
            briefings=tuple(reporters),
            actors=_sorted_terms(actor_names, actors),
            topics=_sorted_terms(topic_names, topics),
            anchor="",
            flagged=tuple(b.path for b in reporters if b.draft or b.date > now),
        )

    entries = {key: kept.get(key) or entry_of(key, reporters) for key, reporters in reported.items()}
    in_order = sorted(entries.values(), key=_entry_order)
    numbered = {id(entry): anchor for entry, anchor in zip(in_order, _anchors(in_order), strict=True)}
    own = sorted((entries[key] for key in mine), key=_entry_order)
    return tuple(replace(entry, anchor=numbered[id(entry)]) for entry in own)


def _sorted_terms(names: Iterable[str], index: _TermLookup) -> tuple[Term, ...]:
    # By slug, a string: each term is one object, and hashing the dataclass costs more.
    found = {term.slug: term for term in map(index.term_for, dict.fromkeys(names))}
    return tuple(found[slug] for slug in sorted(found))


# -- names → terms ---------------------------------------------------------


class _TermLookup(Protocol):
    def term_for(self, name: str) -> Term: ...


@dataclass(frozen=True, slots=True)
class _Use:
    name: str
    briefing: Briefing
    field: str


class _Terms:
    """The terms of one kind and how a written name finds its term."""

    def __init__(self, by_key: dict[Slug, Slug], terms: dict[Slug, Term]):
        self.by_key = by_key
        self.terms = terms
        self.found: dict[str, Term] = {}  # by written name: a name is looked up for every use

    def term_for(self, name: str) -> Term:
        term = self.found.get(name)
        if term is None:
            key = slugify(name)
            term = self.found[name] = self.terms[self.by_key.get(key, key)]
        return term


def _uses(briefings: Sequence[Briefing], field: str) -> list[_Use]:
    uses = [_Use(normalize_name(n), b, field) for b in briefings for n in getattr(b, field)]
    if field == "actors":
        uses += [_Use(normalize_name(n), b, "events") for b in briefings for e in b.events for n in e.actors]
    return uses


def _resolve_terms(
    kind: TermKind,
    profiles: Sequence[Profile],
    uses: list[_Use],
    errors: list[ContentError],
    warnings: list[ContentError],
    unread: frozenset[Slug] = frozenset(),
) -> _Terms:
    # A profile's own file name comes first: a name or alias that slugifies to another
    # profile's is the one reported, at its own line, once.
    by_key: dict[Slug, Slug] = {profile.slug: profile.slug for profile in profiles}
    owner: dict[Slug, Profile] = {profile.slug: profile for profile in profiles}
    for profile in profiles:
        reported: set[Slug] = set()
        for field, spelling in (("name", profile.name), *(("aliases", alias) for alias in profile.aliases)):
            key = slugify(spelling)
            if not key:
                errors.append(
                    ContentError(
                        profile.path,
                        profile.lines.get(field),
                        f"{spelling!r} leaves no letters or digits for a page address",
                    )
                )
                continue
            other = owner.get(key)
            if other is not None and other.slug != profile.slug:
                if key not in reported:
                    reported.add(key)
                    errors.append(
                        ContentError(
                            profile.path,
                            profile.lines.get(field),
                            f"{spelling!r} also names the {kind} in {other.path}; "
                            "a name may belong to one profile only",
                        )
                    )
                continue
            owner[key] = profile
            by_key[key] = profile.slug

    spellings: dict[Slug, Counter[str]] = defaultdict(Counter)
    for use in uses:
        key = slugify(use.name)
        spellings[by_key.get(key, key)][use.name] += 1

    profile_by_slug = {p.slug: p for p in profiles}
    terms: dict[Slug, Term] = {}
    for slug in sorted(set(spellings) | set(profile_by_slug)):
        profile = profile_by_slug.get(slug)
        name = profile.name if profile else _preferred(spellings[slug])
        terms[slug] = Term(kind, slug, name, profile)

    known_names = {normalize_name(s): p for p in profiles for s in (p.name, *p.aliases)}
    warned: set[tuple[str, str]] = set()
    for use in uses:
        key = slugify(use.name)
        if key in by_key or key in unread or (str(use.briefing.path), use.name) in warned:
            continue  # a profile of its own, maybe one whose file has an error
        close = difflib.get_close_matches(use.name, list(known_names), n=1, cutoff=0.8)
        if close:
            warned.add((str(use.briefing.path), use.name))
            warnings.append(
                warning(
                    use.briefing.path,
                    use.briefing.lines.get(use.field),
                    f"{use.field}: {kind} {use.name!r} has no profile; did you mean {known_names[close[0]].name!r}?",
                )
            )
    return _Terms(by_key, terms)


def _check_reporting(briefings: Sequence[Briefing], warnings: list[ContentError]) -> None:
    """What an editor would query: no sources, or an event dated after the briefing reporting it."""
    for briefing in briefings:
        if not briefing.sources:
            warnings.append(
                warning(
                    briefing.path,
                    briefing.lines.get("sources", briefing.lines.get("title", 1)),
                    "no sources: add 'sources:' with at least one item like '- {outlet: Reuters, url: https://…}'",
                )
            )
        latest = PartialDate.of(briefing.last_modified.date()).iso()
        field = "updated" if briefing.updated else "date"
        for number, event in enumerate(briefing.events, 1):
            # Compared at the event's precision: an event in "2026-03" fits a briefing of March 5.
            if event.when.iso() > latest[: len(event.when.iso())]:
                warnings.append(
                    warning(
                        briefing.path,
                        event.line,
                        f"events[{number}].date: {event.when.iso()} is after the briefing's '{field}:' "
                        f"({latest}); check the date, or add 'updated:' with the day the briefing "
                        "was revised",
                    )
                )


def _without_duplicate_slugs(briefings: Sequence[Briefing], errors: list[ContentError]) -> list[Briefing]:
    """The briefings, each slug's first only; an error for every other."""
    first: dict[Slug, Briefing] = {}
    for briefing in briefings:
        other = first.setdefault(briefing.slug, briefing)
        if other is not briefing:
            errors.append(
                ContentError(
                    briefing.path,
                    briefing.lines.get("slug", 1),
                    f"slug {briefing.slug!r} is already used by {other.path}; give one of them 'slug: …'",
                )
            )
    return list(first.values())


# -- chronology ------------------------------------------------------------

_TRAILING = re.compile(r"[\s.!?;:,…]+$")
# Typographic and typewriter quotes are the same words: editors swap one for the other.
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"'})


def event_key(when: PartialDate, text: str) -> tuple[PartialDate, str]:
    """Same date and same words (case, spacing, quote style and final punctuation aside) → one entry.

    `text` is the plain text a reader sees, so Markdown emphasis does not split an event.
    """
    # Case folding turns the Turkish İ into i and a combining dot: "İzmir" is "izmir".
    folded = normalize_name(text).translate(_QUOTES).casefold().replace("i\u0307", "i")
    words = " ".join(folded.split())
    return when, _TRAILING.sub("", words)


def _chronology(
    oldest_first: Sequence[Briefing], topics: _Terms, actors: _Terms, now: datetime
) -> tuple[ChronologyEntry, ...]:
    @dataclass
    class Pending:
        when: PartialDate
        text_html: str
        text: str
        briefings: list[Briefing]
        actor_names: list[str]
        topic_names: list[str]

    events: dict[tuple[PartialDate, str], Pending] = {}
    for briefing in oldest_first:
        for event in briefing.events:
            pending = events.setdefault(
                event_key(event.when, event.text_plain),
                Pending(event.when, event.text_html, event.text_plain, [], [], []),
            )
            if briefing not in pending.briefings:
                pending.briefings.append(briefing)
            pending.actor_names += [*event.actors, *briefing.actors]
            pending.topic_names += briefing.topics

    entries = [
        ChronologyEntry(
            when=p.when,
            kind="event",
            text_html=p.text_html,
            text=p.text,
            briefings=tuple(p.briefings),
            actors=_sorted_terms(p.actor_names, actors),
            topics=_sorted_terms(p.topic_names, topics),
            anchor="",
        )
        for p in events.values()
    ] + [
        ChronologyEntry(
            when=b.day,
            kind="briefing",
            text_html="",
            text="",
            briefings=(b,),
            actors=_sorted_terms(b.actors, actors),
            topics=_sorted_terms(b.topics, topics),
            anchor="",
        )
        for b in oldest_first
    ]
    entries.sort(key=_entry_order)
    return tuple(
        replace(
            entry, anchor=anchor, flagged=tuple(b.path for b in entry.briefings if b.draft or b.date > now)
        )
        for entry, anchor in zip(entries, _anchors(entries), strict=True)
    )


def _anchors(in_order: Iterable[ChronologyEntry]) -> Iterator[str]:
    """Each entry's anchor, entries in timeline order: its date and first words, numbered
    from 2 where an earlier entry has them."""
    taken: set[str] = set()
    for entry in in_order:
        base = _anchor_base(entry)
        anchor, n = base, 2
        while anchor in taken:
            anchor, n = f"{base}-{n}", n + 1
        taken.add(anchor)
        yield f"e-{anchor}"


def _entry_order(entry: ChronologyEntry) -> tuple[object, ...]:
    # Events before the briefings of the same day: what happened, then what was written.
    first = entry.briefings[0]
    return (entry.when, entry.kind != "event", first.date, first.slug, entry.text_html)


def _anchor_base(entry: ChronologyEntry) -> str:
    return f"{entry.when.iso()}-{_anchor_words(entry)}"


def _anchor_words(entry: ChronologyEntry) -> str:
    text = entry.briefings[0].slug if entry.kind == "briefing" else slugify(entry.text)
    return "-".join(text.split("-")[:6]) or "event"


def group_by_month(items: Iterable[T], when: Callable[[T], PartialDate]) -> tuple[YearGroup[T], ...]:
    """Group already-sorted items by year, then month, keeping their order."""
    years: dict[int, dict[int, list[T]]] = {}
    for item in items:
        day = when(item)
        years.setdefault(day.year, {}).setdefault(day.month, []).append(item)
    return tuple(
        YearGroup(
            year,
            tuple(MonthGroup(year, month, tuple(found)) for month, found in months.items()),
        )
        for year, months in years.items()
    )


# -- relations -------------------------------------------------------------


def _related(
    oldest_first: Sequence[Briefing], topics: _TermLookup, actors: _TermLookup, only: int | None = None
) -> dict[Slug, tuple[Briefing, ...]]:
    """Briefings sharing the most actors (weight 2) and topics (weight 1), nearest in time first;
    for every briefing, or for the one at position `only`.

    Ties in score go to the nearest in time, then to the slug. Each term keeps the set of
    briefings (by position, oldest first) that name it as the bits of one integer; a
    briefing's scores against all others are then added up 64 at a time, as binary digits
    held in a few such integers.
    """

    def weights(b: Briefing) -> list[tuple[int, Slug]]:
        own = [(1, s) for s in sorted({topics.term_for(n).slug for n in b.topics})]
        return own + [(2, s) for s in sorted({actors.term_for(n).slug for n in b.actors})]

    # One briefing: only its own terms' sets are needed, and only its own weights.
    weighted = {only: weights(oldest_first[only])} if only is not None else {}
    wanted = set(weighted[only]) if only is not None else None
    positions: dict[tuple[int, Slug], list[int]] = defaultdict(list)
    for i, b in enumerate(oldest_first):
        if wanted is None:
            weighted[i] = own = weights(b)
        else:
            own = [key for key in weights(b) if key in wanted]
        for key in own:
            positions[key].append(i)
    # Each set made at once from its positions, not one new integer per member.
    members = {key: _bits(found, len(oldest_first)) for key, found in positions.items()}
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    stamps = [(b.date - epoch) // timedelta(microseconds=1) for b in oldest_first]
    everyone = (1 << len(oldest_first)) - 1
    related: dict[Slug, tuple[Briefing, ...]] = {}
    for i in range(len(oldest_first)) if only is None else (only,):
        briefing = oldest_first[i]
        best = sum(weight for weight, _ in weighted[i])
        digits = [0] * best.bit_length()  # digits[k]: who has bit k set in their score
        for weight, slug in weighted[i]:
            carry = members[(weight, slug)] & ~(1 << i)
            for k in range(weight.bit_length() - 1, len(digits)):
                digits[k], carry = digits[k] ^ carry, digits[k] & carry
        chosen: list[int] = []
        for level in range(best, 0, -1):
            need = RELATED_LIMIT - len(chosen)
            if need <= 0:
                break
            exact = everyone
            for k, digit in enumerate(digits):
                exact &= digit if level >> k & 1 else digit ^ everyone
            if exact:
                chosen += _nearest(exact, i, need, stamps, oldest_first)
        related[briefing.slug] = tuple(oldest_first[j] for j in chosen)
    return related


def _bits(positions: Iterable[int], size: int) -> int:
    """The integer whose bits at `positions` are set: in one pass, not one new integer per bit."""
    field = bytearray((size + 7) // 8)
    for i in positions:
        field[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(field, "little")


def _nearest(group: int, i: int, need: int, stamps: list[int], items: Sequence[Briefing]) -> list[int]:
    """The `need` members of `group` (bits by position in date order) nearest in time to item i.

    Distance grows away from i on each side, so the answer is among the `need` nearest on
    either side, with anything tied with the last of those; then the slug decides.
    """
    here = stamps[i]
    before, after = group & ((1 << i) - 1), group >> (i + 1)
    found: list[int] = []
    for _ in range(need):
        if not before:
            break
        j = before.bit_length() - 1
        found.append(j)
        before ^= 1 << j
    for _ in range(need):
        if not after:
            break
        low = after & -after
        j = i + low.bit_length()
        found.append(j)
        after ^= low
    if len(found) >= need:  # ties with the last one taken may lie further along either side
        limit = sorted(abs(stamps[j] - here) for j in found)[need - 1]
        while before and here - stamps[before.bit_length() - 1] <= limit:
            j = before.bit_length() - 1
            found.append(j)
            before ^= 1 << j
        while after:
            low = after & -after
            j = i + low.bit_length()
            if stamps[j] - here > limit:
                break
            found.append(j)
            after ^= low
    found.sort(key=lambda j: (abs(stamps[j] - here), items[j].slug))
    return found[:need]


def _term_indexes(
    terms: _Terms,
    articles: tuple[Article, ...],
    entries: tuple[ChronologyEntry, ...],
    article_terms: Callable[[Article], tuple[Term, ...]],
    entry_terms: Callable[[ChronologyEntry], tuple[Term, ...]],
) -> tuple[TermIndex, ...]:
    by_term: dict[Slug, list[Article]] = defaultdict(list)
    for article in articles:
        for term in article_terms(article):
            by_term[term.slug].append(article)
    timeline: dict[Slug, list[ChronologyEntry]] = defaultdict(list)
    for entry in entries:
        for term in entry_terms(entry):
            timeline[term.slug].append(entry)
    indexes = []
    for term in sorted(terms.terms.values(), key=lambda t: (alphabetical(t.name), t.slug)):
        own = tuple(by_term[term.slug])
        indexes.append(
            TermIndex(
                term=term,
                articles=own,
                chronology=group_by_month(timeline[term.slug], lambda e: e.when),
                actors=_most_common((a for article in own for a in article.actors), exclude=term),
                topics=_most_common((t for article in own for t in article.topics), exclude=term),
            )
        )
    return tuple(indexes)


@lru_cache(maxsize=1 << 16)
def alphabetical(name: str) -> str:
    """What names are put in alphabetical order by: without accents or case, so that
    'Ángela' comes before 'Asamblea' and 'Ñañez' among the N's, not after 'Z'. Each
    script keeps its letters: a Cyrillic name still sorts after the Latin ones."""
    return without_accents(name).casefold()


def _most_common(terms: Iterable[Term], exclude: Term) -> tuple[tuple[Term, int], ...]:
    # Terms of one kind, each one object from its index: counted by slug, a string, since
    # hashing and comparing the dataclasses themselves cost more than the counting.
    found = list(terms)
    slugs = list(map(_slug_of, found))
    counts = Counter(slugs)
    if found and found[0].kind == exclude.kind:
        counts.pop(exclude.slug, None)
    by_slug = dict(zip(slugs, found, strict=True))
    ranked = sorted(
        ((by_slug[slug], n) for slug, n in counts.items()),
        key=lambda item: (-item[1], alphabetical(item[0].name), item[0].slug),
    )
    return tuple(ranked[:PEERS_LIMIT])


_slug_of = attrgetter("slug")


def _unique(items: Iterable[T]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(items))
