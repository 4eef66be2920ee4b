"""The build: load → index → plan → render → write, as one call."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment

from .config import SiteConfig, load_config
from .errors import ContentError, ContentErrors, as_error
from .incremental import Builder
from .index import Site, build_site
from .load import ReadFiles, read_corpus
from .output import recover_output
from .plan import (
    Asset,
    GeneratedFile,
    Output,
    PlannedPage,
    asset_paths,
    plan_pages,
)
from .render import BUNDLED_TEMPLATES, make_environment, render_page
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
    site: Site
    warnings: tuple[ContentError, ...]
    files_rewritten: int = -1  # files whose bytes changed; the others were kept as they were


def load_assets(templates: Path) -> tuple[Asset, ...]:
    folder = templates / "assets"
    if not folder.is_dir():
        return ()
    return tuple(Asset(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file())


def prepare(
    options: BuildOptions, read_files: ReadFiles | None = None
) -> tuple[SiteConfig, Site, Urls, tuple[Output, ...], Path]:
    """Everything up to rendering; raises ContentErrors with every content error found."""
    config = load_config(options.resolved_config_file())
    if options.base_url:
        config = config.with_base_url(options.base_url)
    # What loaded cleanly still goes through index and plan, so one run reports
    # a YAML slip in one file and a duplicate slug in two others together.
    corpus, load_errors = read_corpus(options.content, config, read_files)
    now = options.now or datetime.now(UTC)
    try:
        site = build_site(
            corpus,
            config,
            now,
            include_drafts=options.drafts,
            include_future=options.future,
        )
    except ContentErrors as exc:
        raise ContentErrors([*load_errors, *exc.errors], exc.warnings) from None
    templates = options.resolved_templates()
    assets = load_assets(templates)
    urls = Urls(config, asset_paths(assets))
    try:
        outputs = plan_pages(site, urls, assets, noindex=options.noindex)
    except ContentErrors as exc:
        raise ContentErrors([*load_errors, *exc.errors], site.warnings) from None
    promoted = [as_error(w) for w in site.warnings] if options.strict else []
    if load_errors or promoted:
        raise ContentErrors([*load_errors, *promoted], () if options.strict else site.warnings)
    return config, site, urls, outputs, templates


def render_output(env: Environment, output: Output) -> bytes | Path:
    """The bytes of one output, or the content file it copies."""
    if isinstance(output, PlannedPage):
        return render_page(env, output)
    if isinstance(output, GeneratedFile):
        return output.data
    return output.source


def build(options: BuildOptions) -> BuildReport:
    started = time.perf_counter()
    recover_output(options.output)  # a build killed mid-swap left its old site beside it
    builder = builder_for(options)
    config, site, urls, outputs, templates = prepare(options, builder.read_files)
    env = make_environment(templates, config, urls, noindex=options.noindex)
    written = builder.write(options.output, outputs, env, templates)
    pages = sum(1 for o in outputs if isinstance(o, PlannedPage))
    return BuildReport(
        written.files, pages, time.perf_counter() - started, site, site.warnings, written.rewritten
    )


_builders: dict[tuple[Path | None, int | None], Builder] = {}


def builder_for(options: BuildOptions) -> Builder:
    """The process's Builder for this site: a preview server that builds on every save
    reuses what the last build read and rendered."""
    cache_dir = options.site_root / ".cache" if options.cache else None
    key = (cache_dir, options.workers)
    if key not in _builders:
        _builders.clear()  # one site at a time is kept warm
        _builders[key] = Builder(cache_dir, options.workers)
    return _builders[key]
