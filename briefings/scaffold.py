"""`new`: start a briefing or a profile with complete front matter, never overwriting."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from .config import SiteConfig
from .errors import ContentError, ContentErrors
from .frontmatter import parse_document
from .load import read_profile
from .model import Profile
from .slugs import normalize_name, slugify


def known_profiles(content: Path, section: str, config: SiteConfig) -> list[Profile]:
    """The readable profiles of a section; a broken one is skipped, `build` reports it."""
    profiles = []
    for path in sorted((content / section).glob("*.md")):
        try:
            document = parse_document(path, path.read_text(encoding="utf-8"))
        except (ContentErrors, UnicodeDecodeError):
            continue
        profile = read_profile(document, ("name", "aliases", "kind", "role"), config, [])
        if profile:
            profiles.append(profile)
    return profiles


def canonical(names: tuple[str, ...], profiles: list[Profile]) -> list[str]:
    """Names written as their profile's name when they match it by name, alias or slug."""
    by_key = {slugify(spelling): p.name for p in profiles for spelling in (p.slug, p.name, *p.aliases)}
    return list(dict.fromkeys(by_key.get(slugify(n), normalize_name(n)) for n in names))


def _yaml_list(names: list[str]) -> str:
    # JSON strings are valid YAML and quote whatever needs quoting (colons, NO, #).
    return "[" + ", ".join(json.dumps(n, ensure_ascii=False) for n in names) + "]"


def new_briefing(
    content: Path,
    config: SiteConfig,
    title: str,
    topics: tuple[str, ...],
    actors: tuple[str, ...],
    when: datetime,
) -> Path:
    slug = slugify(title)
    if not slug:
        raise ContentErrors(
            [ContentError(Path(title), None, "the title leaves no letters or digits for a file name")]
        )
    local = when.astimezone(config.zone).replace(microsecond=0)
    path = content / "briefings" / f"{local.date().isoformat()}-{slug}.md"
    topic_names = canonical(topics, known_profiles(content, "topics", config)) or ["Topic"]
    actor_names = canonical(actors, known_profiles(content, "actors", config))
    text = f"""---
title: {json.dumps(normalize_name(title), ensure_ascii=False)}
date: {local.isoformat()}
summary: ""                  # one or two sentences; leave empty to use the first paragraph
topics: {_yaml_list(topic_names)}
actors: {_yaml_list(actor_names)}
location: ""                 # the dateline, e.g. Caracas
authors: []
sources: []
  # - {{outlet: Outlet name, title: "Headline", url: "https://…", date: {local.date().isoformat()}}}
events: []
  # - date: {local.date().isoformat()}          # YYYY-MM-DD, YYYY-MM or YYYY
  #   text: What happened, in one sentence.
  #   actors: [Name]
draft: true
---
Write the briefing here. The first paragraph is the summary unless `summary` is set.
"""
    return _create(path, text)


def new_profile(content: Path, config: SiteConfig, section: str, name: str) -> Path:
    profiles = known_profiles(content, section, config)
    existing = canonical((name,), profiles)[0]
    if existing != normalize_name(name):
        raise FileExistsError(f"{name!r} already has a profile, as {existing!r}")
    slug = slugify(name)
    if not slug:
        raise ContentErrors(
            [ContentError(Path(name), None, "the name leaves no letters or digits for a file name")]
        )
    fields = f"name: {json.dumps(normalize_name(name), ensure_ascii=False)}\naliases: []\n"
    if section == "actors":
        fields += (
            'kind: person               # person, government, organization, agency, country…\nrole: ""\n'
        )
    return _create(
        content / section / f"{slug}.md", f"---\n{fields}---\nWho or what this is, in a sentence or two.\n"
    )


def _create(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite
        handle.write(text)
    return path
