"""Load stage: site.yaml → a frozen SiteConfig; unknown or wrong keys are errors."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .errors import ContentError, ContentErrors, not_utf8
from .frontmatter import LineMap, load_yaml
from .schema import NOT_IN_URL, FieldReader
from .slugs import is_slug, slugify

DEFAULT_BRIEFING_URL = "/briefings/{slug}/"
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")  # BCP 47, as HTML's lang
_URL_FIELDS = re.compile(r"\{([^{}]*)\}")
_URL_FIELD_NAMES = {"slug", "year", "month", "day"}
# What briefing_url may not hold besides its {fields}: a '?', '#', '%' or '\\' (an address
# that leads to no file, or elsewhere), an empty segment ('//': another host) or one that
# starts with a dot (a hidden or parent folder).
_URL_PATH = re.compile(r"^/(?:[^/?#%\\\s.][^/?#%\\\s]*/)+$")
_KNOWN = (
    "title",
    "description",
    "base_url",
    "language",
    "timezone",
    "briefing_url",
    "sections",
    "markdown",
)
# The site's sections and the folder each is published at, unless `sections:` names another
# ('temas' for a desk writing in Spanish).
SECTIONS = ("topics", "actors", "chronology", "archive")


@dataclass(frozen=True, slots=True)
class SiteConfig:
    title: str
    description: str
    base_url: str  # absolute, ends with '/'
    language: str
    timezone: str
    briefing_url: str
    raw_html: bool
    # False when site.yaml names no base_url: absolute links then point at localhost.
    base_url_given: bool = True
    # Each section's folder, in the order of SECTIONS: ('topics', 'actors', …) unless renamed.
    section_folders: tuple[str, ...] = SECTIONS

    def folder_of(self, section: str) -> str:
        """'topics' → the folder its pages are under: 'topics', or what site.yaml names."""
        return self.section_folders[SECTIONS.index(section)]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path the site is served under: '/' or '/desk/'."""
        return urlsplit(self.base_url).path or "/"

    def with_base_url(self, base_url: str) -> SiteConfig:
        """The same settings served from another address (--base-url, previews)."""
        if not is_absolute_url(base_url):
            problem = (
                "is empty (was it given by a variable that is not set?)"
                if not base_url.strip()
                else url_problem(base_url)
            )
            raise ContentErrors(
                [
                    ContentError(
                        Path("--base-url"), None, f"{problem}; write one like https://example.org/desk/"
                    )
                ]
            )
        return replace(self, base_url=_normalize_base_url(base_url), base_url_given=True)


_DEFAULTS = SiteConfig(
    title="",
    description="",
    base_url="http://localhost:8000/",
    language="en",
    timezone="UTC",
    briefing_url=DEFAULT_BRIEFING_URL,
    raw_html=False,
    base_url_given=False,
)


def url_problem(url: str) -> str:
    """What keeps `url` from being a site's address (is_absolute_url), said so it can be fixed."""
    found = NOT_IN_URL.search(url)
    if found and urlsplit(url).scheme in ("http", "https"):
        character = found.group()
        what = "a space" if character.isspace() else f"{character!r}"
        if character == "%":
            what = "a '%' that is not followed by two hex digits"
        return f"{url!r} has {what}, which a URL cannot hold; write it %-encoded (a space is %20)"
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc and (parts.query or parts.fragment):
        return f"{url!r} has a ?query or #fragment; a site's address is its folder alone"
    return f"{url!r} must be an absolute http(s) URL"


def is_absolute_url(url: str) -> bool:
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and bool(parts.netloc)
        and not parts.query
        and not parts.fragment
        and not NOT_IN_URL.search(url)
    )


def _zone_like(written: str) -> str:
    """The zones whose city is the one written (`Madrid` → Europe/Madrid), else an example."""
    city = written.strip().replace(" ", "_").casefold()
    zones = available_timezones()
    found = sorted(z for z in zones if z.rsplit("/", 1)[-1].casefold() == city)
    if not found:
        # A slip in the spelling (Europe/Sofiya, america/caracas): the nearest names.
        by_folded = {z.casefold(): z for z in zones}
        folded = written.strip().casefold()
        near = [folded] if folded in by_folded else difflib.get_close_matches(folded, by_folded, 3, 0.85)
        found = [by_folded[z] for z in near]
    return " or ".join(found[:3]) if found else "e.g. America/New_York"


def _normalize_base_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def load_config(path: Path, errors: list[ContentError] | None = None) -> SiteConfig:
    """Read site.yaml, reporting every bad key at once.

    Mistakes are raised; or, given `errors`, added to it, and settings made of what is
    sound and defaults for the rest are returned: content can still be checked with them,
    so that one run reports the mistakes in site.yaml and in content together."""
    found: list[ContentError] = []
    try:
        config = _read_config(path, found)
    except ContentErrors as exc:  # not even YAML: every setting is a default
        found += exc.errors
        config = _DEFAULTS
    if found and errors is None:
        raise ContentErrors(found)
    if errors is not None:
        errors += found
    return config


def _read_config(path: Path, errors: list[ContentError]) -> SiteConfig:
    if not path.exists():
        dangling = " (a link to a file that does not exist)" if path.is_symlink() else ""
        raise ContentErrors(
            [
                ContentError(
                    path,
                    None,
                    f"site settings not found{dangling}: create site.yaml beside content/ with at least "
                    "'title: …' and 'base_url: https://…/'",
                )
            ]
        )
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise ContentErrors(
            [ContentError(path, None, "is a folder; the site settings are one YAML file")]
        ) from None
    except OSError as exc:  # not ours to read
        reason = exc.strerror or type(exc).__name__
        raise ContentErrors(
            [ContentError(path, None, f"cannot read this file ({reason}); check its permissions")]
        ) from None
    try:
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        raise ContentErrors([not_utf8(path, data, exc)]) from None
    meta = load_yaml(path, text)
    errors += meta.problems
    fields = FieldReader(path, meta, _KNOWN, errors)
    title = fields.text("title", required=True) or ""
    given = fields.text("base_url")
    base_url = given or "http://localhost:8000/"
    if not is_absolute_url(base_url):
        fields.error("base_url", f"base_url: {url_problem(base_url)}, like https://example.org/")
    # Left empty, either would quietly change the site: every date moved to UTC, <html lang> English.
    for key, example in (
        ("timezone", "America/Caracas, or remove the line to show times in UTC"),
        ("language", "en"),
    ):
        if key in meta and (meta[key] is None or (isinstance(meta[key], str) and not meta[key].strip())):
            fields.error(key, f"{key}: is empty; write a value after '{key}:', e.g. {example}")
    timezone = fields.text("timezone") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        fields.error(
            "timezone", f"timezone: {timezone!r} is not a known IANA timezone; write {_zone_like(timezone)}"
        )
        timezone = "UTC"
    briefing_url = fields.text("briefing_url") or DEFAULT_BRIEFING_URL
    names = set(_URL_FIELDS.findall(briefing_url))
    if (
        "slug" not in names
        or names - _URL_FIELD_NAMES
        or not _URL_PATH.match(_URL_FIELDS.sub("x", briefing_url))
        or NOT_IN_URL.search(_URL_FIELDS.sub("x", briefing_url))
    ):
        fields.error(
            "briefing_url",
            f"briefing_url: {briefing_url!r} must start and end with '/', contain {{slug}} "
            "({year}, {month} and {day} may be used too) and have no '?', '#', '%', '\\', "
            "'//' or a folder starting with '.'; e.g. /briefings/{year}/{slug}/",
        )
        briefing_url = DEFAULT_BRIEFING_URL
    language = fields.text("language") or "en"
    if not _LANGUAGE_TAG.match(language):  # it becomes <html lang>, and every feed's language
        fields.error("language", f"language: {language!r} is not a language tag; write e.g. en, es or pt-BR")
        language = "en"
    section_folders = _section_folders(path, meta, errors, briefing_url)
    raw_html = False
    markdown = meta.get("markdown")
    if isinstance(markdown, LineMap):
        raw_html = FieldReader(path, markdown, ("raw_html",), errors, "markdown.").flag("raw_html")
    elif markdown is not None:
        fields.error("markdown", "markdown: expected a mapping such as {raw_html: false}")
    if not is_absolute_url(base_url):
        base_url = _DEFAULTS.base_url
    return SiteConfig(
        title=title,
        description=fields.text("description") or "",
        base_url=_normalize_base_url(base_url),
        language=language,
        timezone=timezone,
        briefing_url=briefing_url,
        raw_html=raw_html,
        base_url_given=given is not None,
        section_folders=section_folders,
    )


def _written(value: object) -> bool:
    """A value with something written in it: not null, not blank."""
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _section_folders(
    path: Path, meta: LineMap, errors: list[ContentError], briefing_url: str
) -> tuple[str, ...]:
    """`sections: {topics: temas, chronology: cronologia}`: each folder a slug, none twice,
    none the briefings' or the assets'; the rest keep their names. On any mistake, every
    section keeps its own name: a build is not half renamed."""
    given = meta.get("sections")
    if given is None:
        return SECTIONS
    if not isinstance(given, LineMap):
        errors.append(
            ContentError(
                path, meta.key_lines.get("sections"), "sections: expected a mapping such as {topics: temas}"
            )
        )
        return SECTIONS
    said = len(errors)
    fields = FieldReader(path, given, SECTIONS, errors, "sections.")
    folders = {section: fields.text(section) or section for section in SECTIONS}
    for section in (s for s in SECTIONS if s in given and not _written(given[s])):
        fields.error(section, f"sections.{section}: is empty; write a folder name, or remove the line")
    first = briefing_url.split("/")[1]
    taken = {"assets": "the theme's assets", **({first: "the briefings"} if "{" not in first else {})}
    for section in (s for s in SECTIONS if s in given and _written(given[s])):
        folder = folders[section]
        others = [other for other in SECTIONS if other != section and folders[other] == folder]
        if not is_slug(folder):
            fields.error(
                section,
                f"sections.{section}: {folder!r} must be one folder name in lowercase letters, digits "
                f"and hyphens, like {slugify(folder) or section}",
            )
        elif folder in taken:
            fields.error(
                section, f"sections.{section}: {folder!r} is the folder of {taken[folder]}; choose another"
            )
        elif others:
            renamed = "" if others[0] in given else f" (rename that one too: {others[0]}: …)"
            fields.error(
                section, f"sections.{section}: {folder!r} is also the folder of the {others[0]}{renamed}"
            )
    return SECTIONS if len(errors) > said else tuple(folders[section] for section in SECTIONS)
