"""The content model: frozen values made by the load stage and read by every later one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from .slugs import Slug

Precision = Literal["year", "month", "day"]

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day; sorts at the start of its span."""

    year: int
    month: int = 0  # 0: unknown
    day: int = 0  # 0: unknown

    @property
    def precision(self) -> Precision:
        if self.day:
            return "day"
        return "month" if self.month else "year"

    def iso(self) -> str:
        """`2026`, `2026-01` or `2026-01-03`: also valid in a `<time datetime>`."""
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @classmethod
    def of(cls, day: date) -> PartialDate:
        return cls(day.year, day.month, day.day)


@dataclass(frozen=True, slots=True)
class Source:
    outlet: str
    url: str | None
    title: str | None
    date: PartialDate | None


@dataclass(frozen=True, slots=True)
class ReportedEvent:
    """An `events` item as one briefing wrote it."""

    when: PartialDate
    text: str  # inline Markdown, as written
    text_html: str  # rendered inline
    text_plain: str  # the words a reader sees: for merging, anchors, feeds and calendars
    actors: tuple[str, ...]  # names as written
    line: int


@dataclass(frozen=True, slots=True)
class Briefing:
    path: Path
    slug: Slug
    title: str
    date: datetime  # aware, in the site timezone
    updated: datetime | None
    summary: str  # plain text: the front matter's, else the first paragraph
    # The front matter gave `summary`: a page shows it above the body. One taken from the
    # first paragraph is not shown again there, only in lists, feeds and descriptions.
    summary_written: bool
    topics: tuple[str, ...]  # names as written
    actors: tuple[str, ...]
    location: str | None
    authors: tuple[str, ...]
    sources: tuple[Source, ...]
    events: tuple[ReportedEvent, ...]
    draft: bool
    timed: frozenset[str]  # of "date" and "updated", those written with a time of day
    redirect_from: tuple[str, ...]  # site paths it was once published at: each redirects here
    # Left out of repr(): a template printing a whole briefing shows no body, so an edit to
    # the body alone changes only pages that read it by name (see render.TrackingEnvironment).
    body_html: str = field(repr=False)
    # Lines of fields, for errors found after loading (name resolution, duplicates).
    lines: dict[str, int] = field(compare=False, hash=False)
    # Which way the body runs ('rtl' when it is written mostly in Arabic, Hebrew…), decided
    # once as it is read (text_direction.html_direction): part of the body, as body_html is.
    body_direction: str = field(default="ltr", repr=False)

    @property
    def day(self) -> PartialDate:
        return PartialDate.of(self.date.date())

    @property
    def last_modified(self) -> datetime:
        # A day-only update on the day of a timed publication is that day's midnight:
        # never before the publication it revises.
        return max(self.updated, self.date) if self.updated else self.date

    # For pages: a date written without a time is that day, not midnight, in a
    # `<time datetime>`. Feeds and metadata, which need a time, keep `date` and `updated`.
    @property
    def published(self) -> datetime | PartialDate:
        return self.date if "date" in self.timed else self.day

    @property
    def revised(self) -> datetime | PartialDate | None:
        if self.updated is None or "updated" in self.timed:
            return self.updated
        return PartialDate.of(self.updated.date())


@dataclass(frozen=True, slots=True)
class Profile:
    """An actor or topic profile: content/actors/<slug>.md or content/topics/<slug>.md."""

    path: Path
    slug: Slug
    name: str
    aliases: tuple[str, ...]
    kind: str | None
    role: str | None
    redirect_from: tuple[str, ...]  # as a briefing's
    body_html: str
    lines: dict[str, int] = field(compare=False, hash=False)
    body_direction: str = "ltr"  # as a briefing's


@dataclass(frozen=True, slots=True)
class Page:
    """A plain page such as About: content/pages/<slug>.md."""

    path: Path
    slug: Slug
    title: str
    summary: str
    body_html: str
    redirect_from: tuple[str, ...] = ()  # as a briefing's
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    body_direction: str = "ltr"  # as a briefing's


@dataclass(frozen=True, slots=True)
class StaticFile:
    """A file under content/ copied through unchanged."""

    path: Path  # on disk
    relative: str  # POSIX path under content/, and so under the output


@dataclass(frozen=True, slots=True)
class Corpus:
    """Everything the load stage read, validated."""

    root: Path
    briefings: tuple[Briefing, ...]
    actors: tuple[Profile, ...]
    topics: tuple[Profile, ...]
    pages: tuple[Page, ...]
    static_files: tuple[StaticFile, ...]
    # Slugs (file names) of profiles that could not be read: their errors are reported, and
    # names that match them are not also warned about as names without a profile.
    unread_actors: frozenset[str] = frozenset()
    unread_topics: frozenset[str] = frozenset()
