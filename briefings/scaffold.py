"""`new`: start a briefing or a profile with complete front matter, never overwriting."""

from __future__ import annotations

import contextlib
import json
import re
from datetime import date, datetime
from pathlib import Path

from .actor_kinds import guess_type
from .config import SiteConfig
from .errors import ContentError, ContentErrors
from .frontmatter import parse_document
from .load import NEW_BODY, is_markdown, read_profile, undated_name
from .model import Profile
from .slugs import normalize_name, slugify

_SLUG_LINE = re.compile(r"""^slug:[ \t]*["']?([a-z0-9-]+)["']?[ \t]*(?:#.*)?$""", re.MULTILINE)


def known_profiles(content: Path, section: str, config: SiteConfig) -> list[Profile]:
    """The readable profiles of a section; a broken one is skipped, `build` reports it."""
    profiles = []
    for path in sorted(p for p in (content / section).glob("*") if is_markdown(p) and p.is_file()):
        try:
            document = parse_document(path, path.read_text(encoding="utf-8"))
        except (ContentErrors, UnicodeDecodeError):
            continue
        profile = read_profile(document, ("name", "aliases", "kind", "role"), config, [])
        if profile:
            profiles.append(profile)
    return profiles


def by_spelling(profiles: list[Profile]) -> dict[str, Profile]:
    """Profiles by the slug of each way they are written: slug, name and aliases."""
    return {slugify(spelling): p for p in profiles for spelling in (p.slug, p.name, *p.aliases)}


def canonical(names: tuple[str, ...], profiles: list[Profile]) -> list[str]:
    """Names written as their profile's name when they match it by name, alias or slug."""
    found = by_spelling(profiles)
    return list(
        dict.fromkeys(found[slugify(n)].name if slugify(n) in found else normalize_name(n) for n in names)
    )


# A file name stays well under the 255 bytes most disks allow, with room for a suffix.
SLUG_LIMIT = 80


def _short(slug: str, room: int = 0) -> str:
    """The slug cut at a hyphen to fit SLUG_LIMIT less `room`."""
    limit = SLUG_LIMIT - room
    if len(slug) <= limit:
        return slug
    cut = slug[:limit]
    return cut.rsplit("-", 1)[0] if "-" in cut else cut


def taken_slugs(content: Path) -> set[str]:
    """The slugs of the briefings already written: from a `slug:` line of the front matter,
    else from the file name, as the load stage has them."""
    taken = set()
    for path in (p for p in (content / "briefings").rglob("*") if is_markdown(p) and p.is_file()):
        slug = slugify(undated_name(path))
        with contextlib.suppress(OSError, UnicodeDecodeError):
            head = path.read_text(encoding="utf-8").split("\n---", 1)[0]
            written = _SLUG_LINE.search(head)
            if written and written.group(1) != "null":  # YAML's null: no slug of its own
                slug = written.group(1)
        taken.add(slug)
    return taken


def _yaml_list(names: list[str]) -> str:
    # JSON strings are valid YAML and quote whatever needs quoting (colons, NO, #).
    return "[" + ", ".join(json.dumps(n, ensure_ascii=False) for n in names) + "]"


def new_briefing(
    content: Path,
    config: SiteConfig,
    title: str,
    topics: tuple[str, ...],
    actors: tuple[str, ...],
    when: datetime | date,
) -> Path:
    """A draft briefing dated `when`: an instant (written in the site's timezone, with its
    offset), a local time with no offset (written so: the site's timezone reads it), or a
    day (written as one, which stays that day whatever the timezone becomes)."""
    slug = _short(slugify(title))
    if not slug:
        raise ContentErrors(
            [ContentError(Path(title), None, "the title leaves no letters or digits for a file name")]
        )
    if not isinstance(when, datetime):
        local, written = datetime(when.year, when.month, when.day), when.isoformat()
    else:
        local = (when if when.tzinfo is None else when.astimezone(config.zone)).replace(microsecond=0)
        written = local.isoformat()
    day = local.date().isoformat()
    path = content / "briefings" / f"{day}-{slug}.md"
    # Another day's briefing with this title (a weekly roundup): a slug of its own. One of
    # the same day, numbered or not, is refused below as a file that exists.
    taken = taken_slugs(content)
    number = 2
    while slug in taken and not path.exists():
        slug = f"{_short(slugify(title), len(str(number)) + 1)}-{number}"
        path = content / "briefings" / f"{day}-{slug}.md"
        number += 1
    topic_names = canonical(topics, known_profiles(content, "topics", config))
    actor_names = canonical(actors, known_profiles(content, "actors", config))
    # No made-up topic: one the site would publish as a page. Left empty, the build warns at
    # this line while the briefing is a draft, and refuses to publish it so.
    topics_line = (
        f"topics: {_yaml_list(topic_names)}"
        if topic_names
        else "topics: []                   # at least one before publishing, e.g. [Diplomacy]"
    )
    # Lists as blocks, their examples as comments: a writer uncomments a line and it reads.
    text = f"""---
title: {json.dumps(normalize_name(title), ensure_ascii=False)}
date: {written}
summary: ""                  # one or two sentences; leave empty to use the first paragraph
{topics_line}
actors: {_yaml_list(actor_names)}
location: ""                 # the dateline: where it was reported from
authors: []
sources:
  # - {{outlet: Outlet name, title: "Headline", url: "https://…", date: {local.date().isoformat()}}}
events:
  # - date: {local.date().isoformat()}          # YYYY-MM-DD, YYYY-MM or YYYY
  #   text: What happened, in one sentence.
  #   actors: [Name]
draft: true
---
{NEW_BODY}
"""
    return _create(path, text)


def new_profile(content: Path, config: SiteConfig, section: str, name: str) -> Path:
    # The name, an alias or the slug of a profile already written, whatever its file is
    # called: a second profile for it would fail the next build.
    profile = by_spelling(known_profiles(content, section, config)).get(slugify(name))
    if profile is not None:
        written_as = "" if normalize_name(name) == profile.name else f" as {profile.name!r}"
        raise FileExistsError(f"{name!r} already has a profile{written_as}: {profile.path}")
    slug = _short(slugify(name))
    if not slug:
        raise ContentErrors(
            [ContentError(Path(name), None, "the name leaves no letters or digits for a file name")]
        )
    # What to write goes in a YAML comment: a placeholder in the body would be published.
    fields = (
        "# Below the closing ---: who or what this is, in a sentence or two, in Markdown.\n"
        f"name: {json.dumps(normalize_name(name), ensure_ascii=False)}\naliases: []\n"
    )
    if section == "actors":
        # The name's likely kind (see jsonld): "Ministry of …" is no person.
        kind = {"Person": "person", "Organization": "organization"}.get(guess_type(name, ""), '""')
        fields += f'kind: {kind:<22}# person, government, organization, agency, country…\nrole: ""\n'

    return _create(content / section / f"{slug}.md", f"---\n{fields}---\n")


def _create(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("x", encoding="utf-8")  # "x": never overwrite
    try:
        with handle:
            handle.write(text)
    except OSError as exc:  # a full disk: no half-written file, which the next run would keep
        path.unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    return path
