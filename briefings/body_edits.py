"""Rebuild after edits to briefing bodies alone: render again only the pages that print them.

An edit that leaves everything of a briefing but its body as it was (title, dates, summary,
names, events, sources, even the lines they sit on) moves nothing on the site: every list,
timeline, relation and address is what the last build made. What can change is only what
prints the body: the briefing's own page and the feeds that carry it. The last build
recorded which pages those are (render.TrackingEnvironment) and kept their plans
(snapshot.py); they are rendered again from those, with the new briefing, and replaced in
place. Nothing else is read, indexed, planned or written.

Anything else goes the full way (incremental.py), which writes the same bytes: a file
added, deleted or renamed; a changed profile, page, static file, template or setting; an
edit beyond the body; a file with a mistake; a briefing in the JSON feed; a touched output.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from .cache import digest, seal
from .config import SiteConfig
from .errors import has_errors
from .incremental import Builder, Manifest, entry_for, load_key, load_settings
from .inputs import InputState, Remembered, forget, output_as_left, remember
from .load import FileResult, read_content_file
from .model import Briefing
from .output import finish_replacements, replace_files
from .plan import Asset
from .render import render_tracked, start_build
from .snapshot import thaw_page
from .urls import Urls

# More edited files than this at once: the full build is as quick, and simpler to trust.
MAX_EDITED = 50
_SECTION = b"/briefings/"


@dataclass(frozen=True, slots=True)
class BodyEdits:
    remembered: Remembered  # the new record of the build, as a full build would leave it
    rewritten: int  # files given new bytes


class _NotBodyOnly(Exception):
    """This change needs the full build."""


def finish_interrupted(builder: Builder, output: Path) -> None:
    """Complete the in-place replacements of a build that was killed halfway through them.

    Ones that cannot be completed (a rename the disk refuses) are given up: the output is
    then not what any build left, and this build makes a whole new one, which it swaps in."""
    journal = builder.journal_file(output)
    if journal is None or not journal.exists():
        return
    try:
        finish_replacements(journal)
    except OSError:
        journal.unlink(missing_ok=True)
        assert builder.cache_dir is not None
        forget(builder.cache_dir, output)


@dataclass(frozen=True, slots=True)
class SetUp:
    """What rendering needs: the settings, the addresses and the templates."""

    config: SiteConfig
    urls: Urls
    templates: Path
    assets: tuple[Asset, ...]
    noindex: bool


def rebuild(
    builder: Builder,
    output: Path,
    content: Path,
    inputs: InputState,
    now: datetime,
    setup: SetUp,
    last: Remembered | None,
) -> BodyEdits | None:
    """Rebuild by replacing the pages that print edited bodies; None when that is not enough.
    `last`: what the last build into `output` remembered (inputs.recall)."""
    output = output.absolute()
    assert builder.cache_dir is not None
    if (
        last is None
        or not last.load_keys
        or last.fixed != inputs.fixed
        or inputs.files.keys() != last.content.keys()
    ):
        return None
    # Files whose stat changed, or was too recent to tell: each is read to see if it did.
    edited = [
        name
        for name, line in inputs.files.items()
        if line is None or last.content[name] is None or line != last.content[name]
    ]
    settings = load_settings(setup.config)
    load_keys = dict(last.load_keys)
    fresh: dict[str, Briefing] = {}
    results: dict[bytes, FileResult] = {}
    for name in edited:
        path = content.joinpath(*os.fsdecode(name).split("/")[1:])
        old_key = load_keys.get(str(path))
        if old_key is None:
            return None  # not a Markdown file the last build read: a static file, say
        section = os.fsdecode(name).split("/")[1]
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        key = load_key(settings, path, section, raw)
        if key == old_key:
            continue  # saved again, or touched, with the same bytes
        if not name.startswith(_SECTION) or len(fresh) >= MAX_EDITED:
            return None  # a profile or a page shows on many pages; many edits, on most
        result = read_content_file(path, section, setup.config, raw)
        old = builder.cached(old_key)
        if old is None or not _same_but_body(old, result):
            return None
        fresh[str(path)] = result[1]  # type: ignore[assignment]
        load_keys[str(path)] = key
        results[key] = result

    # Scanned only now: most edits that need the full way were told apart above, cheaply.
    scan = output_as_left(last, output, now)
    if scan is None:
        return None
    manifest = builder.read_manifest(output)
    if not last.manifest or manifest.token != last.manifest:
        return None  # not the manifest of the remembered build: what prints what is unknown
    names = sorted(name for name, entry in manifest.entries.items() if entry.bodies & fresh.keys())
    # A file printing the body without a stored plan (the JSON feed) needs the full way.
    snapshots = builder.read_snapshots(output, manifest, names)
    if snapshots is None:
        return None
    resolve = _resolver(builder, load_keys, fresh)
    try:
        pages = [thaw_page(snapshots[name], resolve) for name in names]
    except Exception:  # a damaged snapshot, or content it names no longer cached
        return None

    env = builder.environment(setup.templates, setup.config, setup.urls, setup.noindex)
    start_build(env)
    rendered = {page.file: render_tracked(env, page) for page in pages}
    changed = {
        file: data
        for file, (data, _, _) in rendered.items()
        if manifest.entries[str(file)].content != digest(data)
    }
    journal = builder.journal_file(output)
    assert journal is not None
    replace_files(output, changed, journal)

    # The stored plans stay as they are: they name briefings by path, not by what they say.
    entries = dict(manifest.entries)
    for page in pages:
        data, bodies, _ = rendered[page.file]
        # Never equal to a page key: the next full build renders these pages again once,
        # whatever it finds, and keeps them when the bytes agree.
        entry = entry_for(output / page.file, b"", digest(data), bodies)
        if entry is None:
            return None  # the file vanished under us: the full build writes it
        entries[str(page.file)] = entry
    token = builder.write_manifest(output, Manifest(entries, manifest.snapshots))
    for key, result in results.items():
        builder.unsaved.put(key, seal(result, key))
    builder.save_loaded(whole_site=False)

    state = scan.restat(changed)
    if state is None:
        return None
    remembered = replace(
        last,
        inputs=inputs.key,
        output=state,
        built_at=now,
        content=inputs.files,
        load_keys=load_keys,
        trusted=not inputs.recent,
        manifest=token,
    )
    remember(builder.cache_dir, output, remembered)
    return BodyEdits(remembered, len(changed))


def _same_but_body(old: FileResult, new: FileResult) -> bool:
    """Everything a page other than the briefing's own (and its feeds) could show is as it was."""
    before, after = old[1], new[1]
    if not isinstance(before, Briefing) or not isinstance(after, Briefing):
        return False
    if old[2] != new[2] or has_errors(new[2]):
        return False
    return replace(before, body_html="") == replace(after, body_html="") and before.lines == after.lines


def _resolver(builder: Builder, load_keys: Mapping[str, bytes], fresh: Mapping[str, Briefing]):  # type: ignore[no-untyped-def]
    found: dict[tuple[str, str], object] = {}

    def resolve(kind: str, path: str) -> object:
        item = found.get((kind, path))
        if item is None:
            item = fresh.get(path) if kind == "briefing" else None
            if item is None:
                key = load_keys.get(path)
                result = builder.cached(key) if key else None
                item = result[1] if result else None
                if item is None:
                    raise _NotBodyOnly  # a cache entry is gone: the full way
            found[(kind, path)] = item
        return item

    return resolve
