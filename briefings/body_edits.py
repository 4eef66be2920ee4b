"""Rebuild after edits that move no briefing: render again only the pages that show them.

An edit that leaves everything of a briefing but its body as it was (title, dates, summary,
names, events, sources, even the lines they sit on) moves nothing on the site: every list,
timeline, relation and address is what the last build made. What can change is only what
prints the body: the briefing's own page and the feeds that carry it. The last build
recorded which pages those are (render.TrackingEnvironment) and kept their plans
(snapshot.py); they are rendered again from those, with the new briefing, and replaced in
place. No other content file is read, and nothing is indexed or planned.

An edit to what a briefing only shows (its title, summary, location, authors, sources) moves
nothing either: indexing and planning read none of it (`_shown_only` says what they do
read). Every page that shows the briefing can change, though: the timeline, the archive,
its topics' and actors' pages, the exports. The last build kept its whole plan
(snapshot.freeze_plan); the pages and exports that hold the briefing are found in it
(mentions.py), and rendered again from it.

Anything else goes the full way (incremental.py), which writes the same bytes: a file
added, deleted or renamed; a changed profile, page, static file, template or setting; a
briefing's date, slug, names, events or old addresses changed; a line added or removed; a
new title for a briefing with old addresses (their pages carry it); a file with a mistake; a
touched output.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from pickle import UnpicklingError
from typing import Literal

from jinja2 import Environment

from .cache import digest, seal
from .config import SiteConfig
from .errors import ContentErrors, has_errors
from .incremental import COSTLY_BYTES, Builder, Manifest, entry_for, load_key, load_settings
from .index import Article
from .inputs import InputState, Remembered, forget, output_as_left, remember
from .load import FileResult, read_content_file
from .mentions import Mentions
from .model import Briefing
from .output import finish_replacements, replace_files
from .parallel import map_unordered
from .plan import Asset, ComputedFile, PlannedPage
from .render import render_tracked, start_build
from .snapshot import Rendered, Resolve, thaw_page, thaw_plan
from .urls import Urls

# More edited files than this at once: the full build is as quick, and simpler to trust.
MAX_EDITED = 50
_SECTION = b"/briefings/"


# Only bodies were edited, or what briefings show too, or nothing (saved with the same bytes).
Edit = Literal["bodies", "front matter", "unchanged"]


@dataclass(frozen=True, slots=True)
class BodyEdits:
    remembered: Remembered  # the new record of the build, as a full build would leave it
    rewritten: int  # files given new bytes
    route: Edit
    # After edits to the front matter: the last build's plan, with the briefings as they are now.
    plan: tuple[Rendered, ...] | None = None

    def articles(self) -> dict[str, Article] | None:
        """Every published briefing's article in the plan, by the absolute path of its file:
        for pages a preview renders ahead of the next build (pipeline.LastBuild)."""
        if self.plan is None:
            return None
        return {
            os.path.abspath(page.context["article"].briefing.path): page.context["article"]
            for page in self.plan
            if isinstance(page, PlannedPage) and isinstance(page.context.get("article"), Article)
        }


class _Missing(Exception):
    """A content item a stored plan names is not in the cache: the full way."""


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
    front_matter = False  # an edit beyond a body: every page showing the briefing is rendered
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
        edit = _edit(old, result) if old is not None else None
        if edit is None:
            return None
        front_matter = front_matter or edit == "front matter"
        fresh[str(path)] = result[1]  # type: ignore[assignment]
        load_keys[str(path)] = key
        results[key] = result

    # Scanned only now: most edits that need the full way were told apart above, cheaply.
    scan = output_as_left(last, output, now)
    if scan is None:
        return None
    if not fresh:
        # Saved again with the same bytes, or touched: the site stands; the new stats are noted.
        return BodyEdits(_record(builder, output, last, inputs, scan.state, now), 0, "unchanged")
    manifest = builder.read_manifest(output)
    if not last.manifest or manifest.token != last.manifest:
        return None  # not the manifest of the remembered build: what prints what is unknown
    resolve = _resolver(builder, load_keys, fresh, many=front_matter)
    plan: tuple[Rendered, ...] | None = None
    pages: list[Rendered] | None
    if front_matter:
        plan = _whole_plan(builder, output, manifest, fresh.keys(), resolve)
        if builder.pack is not None:
            builder.pack.forget_data()  # read whole for the plan: not to be held while rendering
        holds = Mentions(fresh.keys())
        pages = None if plan is None else [item for item in plan if holds(item)]
    else:
        pages = _printing(builder, output, manifest, fresh.keys(), resolve)
    if pages is None or any(str(page.file) not in manifest.entries for page in pages):
        return None  # an entry missing: a file its build could not state

    env = builder.environment(setup.templates, setup.config, setup.urls, setup.noindex)
    start_build(env)
    rendered = _render(builder, env, pages, manifest, output, fresh.keys() if front_matter else ())
    if rendered is None:
        return None  # a template fails on the new text: the full way reports it
    changed = {
        file: data
        for file, (data, content, _) in rendered.items()
        if manifest.entries[str(file)].content != content
    }
    journal = builder.journal_file(output)
    assert journal is not None
    replace_files(output, changed, journal)

    # The stored plans stay as they are: they name briefings by path, not by what they say.
    entries = dict(manifest.entries)
    for page in pages:
        _, content, bodies = rendered[page.file]
        # Never equal to a page key: the next full build renders these pages again once,
        # whatever it finds, and keeps them when the bytes agree.
        entry = entry_for(output / page.file, b"", content, bodies)
        if entry is None:
            return None  # the file vanished under us: the full build writes it
        entries[str(page.file)] = entry
    token = builder.write_manifest(output, replace(manifest, entries=entries))
    for key, result in results.items():
        builder.unsaved.put(key, seal(result, key))
    builder.save_loaded(whole_site=False)

    state = scan.restat(changed)
    if state is None:
        return None
    remembered = _record(builder, output, last, inputs, state, now, load_keys=load_keys, manifest=token)
    return BodyEdits(remembered, len(changed), "front matter" if front_matter else "bodies", plan)


def _record(
    builder: Builder,
    output: Path,
    last: Remembered,
    inputs: InputState,
    state: bytes,
    now: datetime,
    **changed: object,
) -> Remembered:
    """Remember this rebuild as the last build: its inputs and output state, with `changed`
    fields (load keys, manifest) and the rest of the last build's record."""
    assert builder.cache_dir is not None
    remembered = replace(
        last,
        inputs=inputs.key,
        output=state,
        built_at=now,
        content=inputs.files,
        theme=inputs.theme,
        trusted=not inputs.recent,
        **changed,  # type: ignore[arg-type]
    )
    remember(builder.cache_dir, output, remembered)
    return remembered


def _edit(old: FileResult, new: FileResult) -> Edit | None:
    """Whether only the body changed, which only the briefing's page and its feeds print, or
    what the briefing shows too, but nothing that places it on the site; None: the full way."""
    before, after = old[1], new[1]
    if not isinstance(before, Briefing) or not isinstance(after, Briefing):
        return None
    # The same messages at the same lines: every warning of the last build still stands.
    if old[2] != new[2] or has_errors(new[2]) or before.lines != after.lines:
        return None
    if replace(before, body_html="", body_direction="") == replace(after, body_html="", body_direction=""):
        return "bodies"
    # A redirect's page is planned with the title in it; a briefing with no sources is warned about.
    if (after.redirect_from and before.title != after.title) or bool(before.sources) != bool(after.sources):
        return None
    return "front matter" if _shown_only(before) == _shown_only(after) else None


def _shown_only(briefing: Briefing) -> Briefing:
    """The briefing without what only pages show of it: what indexing and planning read.

    Neither the order of any list nor a relation, an anchor, an address or a warning
    depends on these fields (index.py and plan.py read none of them)."""
    return replace(
        briefing,
        title="",
        summary="",
        summary_written=False,
        location=None,
        authors=(),
        sources=(),
        body_html="",
        body_direction="",
    )


def _printing(
    builder: Builder, output: Path, manifest: Manifest, edited: Collection[str], resolve: Resolve
) -> list[Rendered] | None:
    """The pages that print the edited bodies, from their own stored plans."""
    names = sorted(name for name, entry in manifest.entries.items() if entry.bodies & edited)
    # A file printing the body without a stored plan needs the full way.
    snapshots = builder.read_snapshots(output, manifest, names)
    if snapshots is None:
        return None
    try:
        return [thaw_page(snapshots[name], resolve) for name in names]
    except (_Missing, UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None  # content it names no longer cached, or written by another engine


def _whole_plan(
    builder: Builder, output: Path, manifest: Manifest, edited: Collection[str], resolve: Resolve
) -> tuple[Rendered, ...] | None:
    """The last build's whole plan, with the edited briefings in it; None if it was not kept
    whole, or if a file made while planning (GeneratedFile) holds one of them."""
    data = builder.read_plan(output, manifest)
    if data is None:
        return None
    try:
        plan = thaw_plan(data, resolve)
    except (_Missing, UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None  # content it names no longer cached, or written by another engine
    planned = {str(item.file) for item in plan}
    if any(entry.bodies & edited for name, entry in manifest.entries.items() if name not in planned):
        return None
    return plan


def _render(
    builder: Builder,
    env: Environment,
    pages: list[Rendered],
    manifest: Manifest,
    output: Path,
    shown: Collection[str],
) -> dict[PurePosixPath, tuple[bytes, bytes, frozenset[str]]] | None:
    """Each page's bytes, their digest and the briefings whose bodies it printed; None if a
    template fails. The timeline, the archive and the exports (large last time) are rendered
    on every core, the largest first. An export that can (ComputedFile.edit) is made from the
    file last written, with the entries of the briefings edited in what they show made anew."""
    sizes = {str(page.file): manifest.entries[str(page.file)].size for page in pages}
    costly = sum(sizes.values()) >= COSTLY_BYTES
    if costly:
        pages = sorted(pages, key=lambda page: -sizes[str(page.file)])

    def render(page: Rendered) -> tuple[bytes, bytes, frozenset[str]] | None:
        if not isinstance(page, PlannedPage):
            data = _edited(page, manifest, output, shown) if page.edit and shown else None
            data = page.make() if data is None else data
            return data, digest(data), page.bodies
        try:
            data, bodies, _ = render_tracked(env, page)
        except ContentErrors:
            return None
        return data, digest(data), bodies

    made = {}
    for n, result in map_unordered(render, pages, builder.workers, chunk=1, costly=costly):
        made[n] = result
        builder.progress("Rendering", len(made), len(pages))
    if any(result is None for result in made.values()):
        return None
    return {pages[n].file: result for n, result in made.items()}  # type: ignore[misc]


def _edited(page: ComputedFile, manifest: Manifest, output: Path, shown: Collection[str]) -> bytes | None:
    """The export made from the file last written, if that file is the one its build wrote."""
    try:
        old = (output / page.file).read_bytes()
    except OSError:
        return None
    if digest(old) != manifest.entries[str(page.file)].content:
        return None
    return page.edit(old, shown)  # type: ignore[misc]


def _resolver(
    builder: Builder, load_keys: Mapping[str, bytes], fresh: Mapping[str, Briefing], many: bool
) -> Resolve:
    """Content items by path: the edited briefings as they are now, the rest from the cache.
    `many`: most of the site will be asked for (the whole plan)."""
    found: dict[tuple[str, str], object] = {}

    def resolve(kind: str, path: str) -> object:
        item = found.get((kind, path))
        if item is None:
            item = fresh.get(path) if kind == "briefing" else None
            if item is None:
                key = load_keys.get(path)
                result = builder.cached(key, many) if key else None
                item = result[1] if result else None
                if item is None:
                    raise _Missing  # a cache entry is gone: the full way
            found[(kind, path)] = item
        return item

    return resolve
