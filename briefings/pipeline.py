"""The build: load → index → plan → render → write, as one call."""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path, PurePosixPath

from jinja2 import Environment

try:
    import fcntl
except ImportError:  # Windows: builds of one desk are not kept apart
    fcntl = None  # type: ignore[assignment]

from . import body_edits
from .config import SiteConfig, load_config
from .errors import ContentError, ContentErrors, as_error, has_errors, warning
from .incremental import Builder, Progress, quiet
from .index import Article, Site, Term, article_among, build_site
from .inputs import (
    InputState,
    OutputScan,
    Remembered,
    SiteSummary,
    forget,
    input_state,
    output_as_written,
    recall,
    remember,
    scan_output,
    unchanged,
)
from .load import MARKDOWN_SECTIONS, ReadFiles, ignored, is_markdown, read_content_file, read_corpus
from .model import Briefing
from .output import check_output_location, recover_output
from .plan import (
    Asset,
    ComputedFile,
    GeneratedFile,
    Output,
    PlannedPage,
    asset_paths,
    briefing_page,
    clashes_to_come,
    plan_pages,
)
from .render import BUNDLED_TEMPLATES, render_page, start_build
from .urls import Urls


@dataclass(frozen=True, slots=True)
class BuildOptions:
    content: Path
    output: Path
    config_file: Path | None = None  # default: site.yaml beside content/
    templates: Path | None = None  # default: templates/ beside content/, else the bundled theme
    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    now: datetime | None = None  # what "future" is measured against; default: the clock
    strict: bool = False  # warnings count as errors: nothing is written while there are any
    noindex: bool = False  # previews: ask search engines not to index any page
    cache: bool = True  # remember parsed files and rendered pages under .cache/ beside content/
    workers: int | None = None  # processes that parse and render; default: one per core

    @property
    def site_root(self) -> Path:
        return self.content.absolute().parent

    def resolved_config_file(self) -> Path:
        return self.config_file or self.site_root / "site.yaml"

    def resolved_templates(self) -> Path:
        if self.templates:
            return self.templates
        local = self.site_root / "templates"
        return local if local.is_dir() else BUNDLED_TEMPLATES


@dataclass(frozen=True, slots=True)
class BuildReport:
    files_written: int
    pages: int
    seconds: float
    summary: SiteSummary
    warnings: tuple[ContentError, ...]
    files_rewritten: int = -1  # files whose bytes changed; the others were kept as they were
    # The indexed site; a build that found nothing changed indexes it only when asked.
    site_source: Callable[[], Site] = field(default=lambda: _no_site(), repr=False, compare=False)
    # How the output was brought up to date: "unchanged" (nothing was), "bodies" (pages
    # printing edited bodies re-rendered from their plans), "front matter" (pages showing
    # briefings edited beyond their bodies, from the last build's plan), "in place" (changed files
    # replaced within the output) or "swapped" (a whole new output swapped in).
    route: str = "swapped"
    # Pages the last build published into this output that this one does not (WriteReport).
    gone: tuple[str, ...] = ()

    @property
    def site(self) -> Site:
        return self.site_source()


def _no_site() -> Site:
    raise LookupError("this report has no site")


def summarize(site: Site) -> SiteSummary:
    return SiteSummary(len(site.articles), site.left_out_drafts, site.left_out_future, site.config.raw_html)


def load_assets(templates: Path) -> tuple[Asset, ...]:
    folder = templates / "assets"
    if not folder.is_dir():
        return ()
    # An editor's backup or a .DS_Store is no asset, as in content/: never published.
    return tuple(
        Asset(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file() and not ignored(p.name)
    )


def prepare(
    options: BuildOptions, read_files: ReadFiles | None = None, progress: Progress = quiet
) -> tuple[SiteConfig, Site, Urls, tuple[Output, ...], Path]:
    """Everything up to rendering; raises ContentErrors with every content error found."""
    # Mistakes in site.yaml are reported with those in content: the content is read with
    # what in the settings is sound, and defaults for the rest.
    config_errors: list[ContentError] = []
    setup = set_up(options, config_errors)
    config = setup.config
    # What loaded cleanly still goes through index and plan, so one run reports
    # a YAML slip in one file and a duplicate slug in two others together.
    try:
        corpus, load_problems = read_corpus(options.content, config, read_files)
    except ContentErrors as exc:  # no content folder at all: said with what site.yaml lacks
        raise ContentErrors([*config_errors, *exc.errors]) from None
    load_errors = [p for p in load_problems if p.severity == "error"]
    now = options.now or datetime.now(UTC)
    progress("Indexing", 0, 0)
    index_errors: list[ContentError] = []
    site = build_site(
        corpus,
        config,
        now,
        include_drafts=options.drafts,
        include_future=options.future,
        errors=index_errors,
    )
    load_warnings = tuple(p for p in load_problems if p.severity == "warning")
    if load_warnings:
        site = replace(site, warnings=(*load_warnings, *site.warnings))
    if not config.base_url_given and not config_errors:
        site = replace(
            site,
            warnings=(
                *site.warnings,
                warning(
                    options.resolved_config_file(),
                    None,
                    "no base_url: feeds, the sitemap and canonical links point at "
                    f"{config.base_url}; add 'base_url: https://…/' with the published address",
                ),
            ),
        )
    errors = [*config_errors, *load_errors, *index_errors]
    templates, urls = setup.templates, setup.urls
    progress("Planning", 0, 0)
    try:
        outputs = plan_pages(site, urls, setup.assets, noindex=options.noindex)
    except ContentErrors as exc:
        raise ContentErrors([*errors, *exc.errors], (*site.warnings, *exc.warnings)) from None
    coming = clashes_to_come(site, urls, outputs)
    if coming:
        site = replace(site, warnings=(*site.warnings, *coming))
    promoted = [as_error(w) for w in site.warnings] if options.strict else []
    if errors or promoted:
        raise ContentErrors([*errors, *promoted], () if options.strict else site.warnings)
    return config, site, urls, outputs, templates


def render_output(env: Environment, output: Output) -> bytes | Path:
    """The bytes of one output, or the content file it copies."""
    if isinstance(output, PlannedPage):
        return render_page(env, output)
    if isinstance(output, GeneratedFile):
        return output.data
    if isinstance(output, ComputedFile):
        return output.make()
    return output.source


# Told the outputs of a build once they are planned, and the environment that will render
# them: before any is rendered or written (serve shows a moved briefing's page from there).
Planned = Callable[[Sequence[Output], Environment], None]


def build(
    options: BuildOptions, progress: Progress | None = None, planned: Planned | None = None
) -> BuildReport:
    """Build the site; `progress` is told (stage, done, total) as files are read and pages
    rendered; `planned`, the outputs once planned, when the build goes the whole way."""
    builder = builder_for(options)
    builder.progress = progress or quiet
    # A build makes millions of objects that live until it ends and form almost no cycles;
    # the collector would walk them all again and again (a third of indexing and planning
    # on a large archive). Cycles left behind are collected once it is over.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with _one_build_at_a_time(options.site_root, builder.progress):
            return _build(options, builder, planned)
    finally:
        builder.progress = quiet
        if collecting:
            gc.enable()


@contextlib.contextmanager
def _one_build_at_a_time(desk: Path, progress: Progress) -> Iterator[None]:
    """Hold the desk's lock for the build: a second build of the same desk (a writer's,
    beside `serve`'s or a script's) waits for the first to end. Run together, each could
    write what the other read older, in the output and in the cache they share. The lock
    is on the desk's folder itself (the one content/ is in): no file is left behind."""
    try:
        folder = os.open(desk, os.O_RDONLY) if fcntl is not None else None
    except OSError:
        folder = None  # the build reports what is wrong with the folder
    try:
        if folder is not None:
            try:
                fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                progress("Waiting for another build of this site to finish", 0, 0)
                fcntl.flock(folder, fcntl.LOCK_EX)
            except OSError:
                pass  # a file system without such locks (some network mounts): builds as before
        yield
    finally:
        if folder is not None:
            os.close(folder)  # lets the next build go


def check_output(options: BuildOptions) -> None:
    """Refuse (UnsafePath) an output folder that building, or serving, must not touch."""
    check_output_location(
        options.output,
        (
            options.content,
            options.resolved_templates(),
            options.resolved_config_file(),
            options.site_root / "templates",  # where a theme is looked for, made or not
        ),
    )


def _build(options: BuildOptions, builder: Builder, planned: Planned | None = None) -> BuildReport:
    started = time.perf_counter()
    if options.output.is_symlink():
        # A web root linked from the desk (_site → /var/www/desk): the site goes where the
        # link leads. Swapped in at the link's own name, it would replace the link.
        options = replace(options, output=Path(os.path.realpath(options.output)))
    check_output(options)
    recover_output(options.output)  # a build killed mid-swap left its old site beside it
    options = replace(options, now=options.now or datetime.now(UTC))
    assert options.now is not None
    if builder.cache_dir is not None:
        body_edits.finish_interrupted(builder, options.output)
    # What the last build into this output remembered, read once for every use below.
    previous = recall(builder.cache_dir, options.output) if options.cache and builder.cache_dir else None
    inputs = _input_state(options, previous)
    if inputs is None:
        previous = None
    if inputs is not None and builder.cache_dir is not None:
        last = unchanged(previous, options.output, inputs, options.now)
        rewritten = 0
        edits = None
        if last is None:
            try:
                setup = set_up(options)
            except ContentErrors:
                setup = None  # a mistake in site.yaml: the full way reports it, with the rest
            if setup is not None:
                edits = body_edits.rebuild(
                    builder, options.output, options.content, inputs, options.now, setup, previous
                )
            if edits is not None:
                last, rewritten = edits.remembered, edits.rewritten
                articles = edits.articles() if isinstance(builder.last, LastBuild) else None
                if articles is not None:
                    # Pages a preview renders ahead show related briefings' titles as they are now.
                    builder.last = replace(builder.last, articles=articles)
        if last is not None:
            route = edits.route if edits is not None else "unchanged"
            return BuildReport(
                last.files,
                last.pages,
                time.perf_counter() - started,
                last.summary,
                last.warnings,
                rewritten,
                _once(lambda: _keep_last(builder, options, *prepare(options, builder.read_files)[:4])),
                route,
            )
    read_files = builder.read_files
    if inputs is not None and builder.cache_dir is not None:
        read_files = partial(builder.read_files, unchanged=_unchanged_load_keys(previous, options, inputs))
    config, site, urls, outputs, templates = prepare(options, read_files, builder.progress)
    env = builder.environment(templates, config, urls, options.noindex)
    if planned is not None:
        planned(outputs, env)
    recorded = _as_recorded(previous, options.output)
    in_place = recorded[0] if recorded else None
    # A file the last build read is gone (removed, renamed), or what it read is not known:
    # a plan it stored for a page kept now may name such a file.
    gone = previous is None or not set(previous.load_keys) <= {str(path) for path in builder.load_keys}
    written = builder.write(options.output, outputs, env, templates, in_place, plans_anew=gone)
    pages = sum(1 for o in outputs if isinstance(o, PlannedPage))
    summary = summarize(site)
    if builder.cache_dir is not None:
        if recorded and written.replaced is not None:
            state = recorded[1].restat(written.replaced)  # a few files replaced: no new scan
        else:
            # A kept file that no longer looks as the build found it was edited meanwhile:
            # nothing is recorded, and the next build checks every file.
            scan = scan_output(options.output)
            state = scan.state if scan is not None and scan.shows(written.kept) else None
        if inputs is None or state is None:
            forget(builder.cache_dir, options.output)
        else:
            due = builder.first_date_after(options.now)
            remembered = Remembered(
                inputs.key,
                state,
                options.now,
                due,
                written.files,
                pages,
                summary,
                site.warnings,
                trusted=not inputs.recent,
                fixed=inputs.fixed,
                theme=inputs.theme,
                content=inputs.files,
                load_keys={str(path): key for path, key in builder.load_keys.items()},
                load_settings=builder.load_settings,
                manifest=written.manifest,
            )
            remember(builder.cache_dir, options.output, remembered)
    _keep_last(builder, options, config, site, urls, outputs)
    return BuildReport(
        written.files,
        pages,
        time.perf_counter() - started,
        summary,
        site.warnings,
        written.rewritten,
        lambda: site,
        "in place" if written.in_place else "swapped",
        written.gone,
    )


@dataclass(frozen=True, slots=True)
class LastBuild:
    """What the last successful build made, for pages rendered ahead of the next one."""

    options: BuildOptions
    config: SiteConfig
    urls: Urls
    articles: Mapping[str, Article]  # by the absolute path of their file
    pages: frozenset[PurePosixPath]
    topics: tuple[Term, ...]
    actors: tuple[Term, ...]


def _keep_last(
    builder: Builder,
    options: BuildOptions,
    config: SiteConfig,
    site: Site,
    urls: Urls,
    outputs: tuple[Output, ...],
) -> Site:
    articles = {os.path.abspath(a.briefing.path): a for a in site.articles}
    pages = frozenset(o.file for o in outputs)
    topics = tuple(index.term for index in site.topics)
    actors = tuple(index.term for index in site.actors)
    builder.last = LastBuild(replace(options, now=None), config, urls, articles, pages, topics, actors)
    return site


def briefing_addresses(options: BuildOptions) -> dict[str, str]:
    """Where the last build published each briefing: the absolute path of its file → its
    site path ('/briefings/x/')."""
    last = builder_for(options).last
    if not isinstance(last, LastBuild):
        return {}
    return {source: last.urls.path_of(article) for source, article in last.articles.items()}


def quick_pages(options: BuildOptions, changed: Iterable[Path]) -> dict[str, tuple[PurePosixPath, bytes]]:
    """The pages of saved briefings, rendered against the last build's site, for a preview
    to show while the full build runs.

    Only for briefings whose place in the site cannot have moved: the same slug, date,
    draft flag, topics, actors and events as in the last build, so their page differs from
    what the full build will write only in what the file itself says. Returns
    {absolute source path: (output file, bytes)}, or nothing when any changed file is not
    such a briefing, has an error, or the templates or settings changed.
    """
    builder = builder_for(options)
    last = builder.last
    if not isinstance(last, LastBuild) or last.options != replace(options, now=None):
        return {}
    found: dict[str, tuple[PurePosixPath, bytes]] = {}
    for path in changed:
        source = os.path.abspath(path)
        article = last.articles.get(source)
        if article is None:
            return {}
        _, item, problems = read_content_file(article.briefing.path, "briefings", last.config)
        if not isinstance(item, Briefing) or has_errors(problems):
            return {}
        old = article.briefing
        if _placement(item) != _placement(old):
            return {}
        fresh = replace(
            article,
            briefing=item,
            events=tuple(
                replace(e, briefings=tuple(item if b is old else b for b in e.briefings))
                for e in article.events
            ),
        )
        page = briefing_page(fresh, last.config, last.urls)
        if page.file not in last.pages:
            return {}
        try:
            found[source] = (page.file, _render_ahead(builder, options, last, page))
        except ContentErrors:
            return {}
    return found


def likely_pages(options: BuildOptions, changed: Sequence[Path]) -> dict[str, tuple[PurePosixPath, bytes]]:
    """The page of a briefing saved alone whose place in the site moved (new topics, actors,
    date or events; a new file), rendered against the last build's site with the briefing
    put in its new place (index.article_among), for a preview to show at once.

    Unlike quick_pages, not certain: the build may write it otherwise, and a preview must
    then show the build's. Returns {absolute source path: (output file, bytes)}, or nothing
    for anything else, an error, or a briefing that leaves the site (a draft, say)."""
    builder = builder_for(options)
    last = builder.last
    if len(changed) != 1 or not isinstance(last, LastBuild) or last.options != replace(options, now=None):
        return {}
    source = os.path.abspath(changed[0])
    known = last.articles.get(source)
    if known is not None:
        path = known.briefing.path
    else:
        found = _as_read(options.content, source)
        if found is None or found[1] != "briefings":
            return {}
        path = found[0]
    _, item, problems = read_content_file(path, "briefings", last.config)
    if not isinstance(item, Briefing) or has_errors(problems):
        return {}
    now = options.now or datetime.now(UTC)
    if (item.draft and not options.drafts) or (item.date > now and not options.future):
        return {}
    others = (article for file, article in last.articles.items() if file != source)
    article = article_among(item, others, last.topics, last.actors, now)
    if article is None:
        return {}
    page = briefing_page(article, last.config, last.urls)
    try:
        return {source: (page.file, _render_ahead(builder, options, last, page))}
    except ContentErrors:
        return {}


def errors_in_file(options: BuildOptions, path: Path) -> tuple[ContentError, ...]:
    """The errors the next build will report in one saved content file (a briefing, a
    profile, a page), found by reading that file alone: for a preview to show them before
    the whole site is built. Only the file's own: none for any other file, or before a
    first build."""
    last = builder_for(options).last
    found = _as_read(options.content, os.path.abspath(path))
    if not isinstance(last, LastBuild) or last.options != replace(options, now=None) or found is None:
        return ()
    _, _, problems = read_content_file(*found, last.config)
    return tuple(problem for problem in problems if problem.severity == "error")


def _as_read(content: Path, source: str) -> tuple[Path, str] | None:
    """`source` as a build finds it: its path under `content` and its section (briefings,
    actors, topics, pages); None for a file no build reads as Markdown, under a name it
    passes over, or a link (the build reads some, the page is then not shown ahead)."""
    try:
        relative = Path(source).relative_to(os.path.abspath(content))
    except ValueError:
        return None
    path = content / relative
    if len(relative.parts) < 2 or relative.parts[0] not in MARKDOWN_SECTIONS:
        return None
    if not is_markdown(path) or path.is_symlink() or not path.is_file():
        return None
    if not path.resolve().is_relative_to(Path(content).resolve()):  # through a linked folder
        return None
    if any(ignored(part) for part in relative.parts):
        return None
    return path, relative.parts[0]


def warm_quick_pages(options: BuildOptions) -> None:
    """Compile and run the templates `quick_pages` renders with, once, so that the first save
    in a preview shows as quickly as the next ones. Call it from the thread that will call
    `quick_pages`: the environment is that thread's own."""
    builder = builder_for(options)
    last = builder.last
    if not isinstance(last, LastBuild) or not last.articles:
        return
    article = next(iter(last.articles.values()))
    _render_ahead(builder, options, last, briefing_page(article, last.config, last.urls))


def _render_ahead(builder: Builder, options: BuildOptions, last: LastBuild, page: PlannedPage) -> bytes:
    """A page rendered against the last build's site, in the preview's own environment."""
    templates = options.resolved_templates()
    env = builder.environment(templates, last.config, last.urls, options.noindex, use="preview")
    start_build(env)
    return render_page(env, page)


def _placement(briefing: Briefing) -> tuple[object, ...]:
    """What decides where a briefing appears, besides itself: its address and its relations."""
    events = tuple((e.when, e.text, e.actors) for e in briefing.events)
    return (briefing.slug, briefing.date, briefing.draft, briefing.topics, briefing.actors, events)


def set_up(options: BuildOptions, errors: list[ContentError] | None = None) -> body_edits.SetUp:
    """The settings, the theme and the addresses a build renders with; mistakes in the
    settings are raised, or added to `errors` (see config.load_config)."""
    config = load_config(options.resolved_config_file(), errors)
    if options.base_url is not None:  # given empty (an unset variable), it is refused, not ignored
        config = config.with_base_url(options.base_url)
    templates = options.resolved_templates()
    assets = load_assets(templates)
    return body_edits.SetUp(config, Urls(config, asset_paths(assets)), templates, assets, options.noindex)


def _input_state(options: BuildOptions, previous: Remembered | None) -> InputState | None:
    """What this build reads, by stat; None when the build cannot be skipped."""
    if not options.cache:
        return None
    settings = (
        str(options.content),  # as given: content paths are remembered as the build wrote them
        options.content.absolute(),
        options.output.resolve(),  # one folder, however it is written
        options.resolved_config_file().absolute(),
        options.resolved_templates().absolute(),
        options.drafts,
        options.future,
        options.base_url,
        options.strict,
        options.noindex,
    )
    return input_state(
        repr(settings).encode(),
        options.content,
        options.resolved_templates(),
        options.resolved_config_file(),
        previous.theme if previous is not None else None,
    )


def _unchanged_load_keys(
    last: Remembered | None, options: BuildOptions, inputs: InputState
) -> tuple[bytes, dict[str, bytes]] | None:
    """The load keys the last build into this output found for content files whose stat is
    the same now (and was not too recent then to tell), with the settings they were made
    with: such files need not be read again. The stat includes the inode and the change
    time, which every write moves, so a file saved with its date put back is read anyway."""
    if last is None or not last.load_keys or not last.load_settings:
        return None
    trusted: dict[str, bytes] = {}
    for name, line in inputs.files.items():
        if line is None or last.content.get(name) != line:
            continue
        path = str(options.content.joinpath(*os.fsdecode(name).split("/")[1:]))
        key = last.load_keys.get(path)
        if key is not None:
            trusted[path] = key
    return last.load_settings, trusted


def _as_recorded(last: Remembered | None, output: Path) -> tuple[bytes, OutputScan] | None:
    """The manifest token of the last build into `output` (`last`, as recalled), and the
    scan of the folder, if it is exactly as that build left it: then its files are known,
    and the changed ones can be replaced in place."""
    if last is None or not last.manifest:
        return None
    scan = output_as_written(last, output)
    return None if scan is None else (last.manifest, scan)


def _once(make: Callable[[], Site]) -> Callable[[], Site]:
    found: list[Site] = []

    def site() -> Site:
        if not found:
            found.append(make())
        return found[0]

    return site


_builders: dict[tuple[Path | None, int | None], Builder] = {}


def builder_for(options: BuildOptions) -> Builder:
    """The process's Builder for this site: a preview server that builds on every save
    reuses what the last build read and rendered."""
    cache_dir = options.site_root / ".cache" if options.cache else None
    if cache_dir is not None and cache_dir.is_symlink():
        # Written into and cleaned up: through a link, that would be somewhere else entirely.
        cache_dir = None
    key = (cache_dir, options.workers)
    if key not in _builders:
        _builders.clear()  # one site at a time is kept warm
        _builders[key] = Builder(cache_dir, options.workers)
    return _builders[key]
