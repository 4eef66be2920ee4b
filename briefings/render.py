"""Render stage: the one Jinja environment (strict, autoescaped) and page rendering."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import jinja2
import jinja2.runtime
from markupsafe import Markup

from . import jsonld
from .config import SiteConfig
from .errors import ContentError, ContentErrors
from .index import Article
from .model import Briefing, PartialDate
from .plan import PlannedPage
from .text_direction import direction
from .urls import Urls
from .wording import wording_for

BUNDLED_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def iso_datetime(moment: datetime | PartialDate) -> str:
    if isinstance(moment, PartialDate):
        return moment.iso()
    return moment.isoformat()


class Reads:
    """What a page, or a fragment of one, read while it rendered, beyond its fingerprint."""

    __slots__ = ("bodies", "related")

    def __init__(self) -> None:
        self.bodies: set[str] = set()  # paths of briefings whose body_html it printed
        self.related: set[str] = set()  # paths of articles whose `related` it read

    def update(self, other: Reads) -> None:
        self.bodies |= other.bodies
        self.related |= other.related


# What a page prints of a briefing's body: its text, and the direction the text decides.
_BODY = frozenset({"body_html", "body_direction"})


class TrackingEnvironment(jinja2.Environment):
    """Records what of its briefings the page being rendered reads.

    Templates read every attribute through `getattr`/`getitem`:
    - a page that never reads a briefing's `body_html` shows nothing of that briefing that
      an edit to its body alone can change, so such an edit need not render it again (see
      body_edits.py);
    - an article's `related` is left out of its fingerprint (index.Article), since only its
      own page shows it, where the plan gives it apart. A page that reads another
      article's is told (Rendered.others_related), and never kept by fingerprint.
    """

    reads: Reads | None = None  # while a page renders

    def getattr(self, obj: object, attribute: str) -> object:
        if self.reads is not None:
            self._note(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: object, argument: object) -> object:
        if self.reads is not None and isinstance(argument, str):
            self._note(obj, argument)
        return super().getitem(obj, argument)

    def _note(self, obj: object, name: str) -> None:
        assert self.reads is not None
        if name in _BODY and isinstance(obj, Briefing):
            self.reads.bodies.add(str(obj.path))
        elif isinstance(obj, Article) and (name == "related" or name.startswith("_")):
            # `a.__getattribute__('related')` gets there too: any such name counts as it.
            self.reads.related.add(str(obj.briefing.path))


def make_environment(
    templates: Path, config: SiteConfig, urls: Urls, noindex: bool = False
) -> jinja2.Environment:
    env = TrackingEnvironment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,  # XML feeds too: every text from front matter is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # The theme's own words, and dates ('March 5, 2026', in the site timezone the value
    # already carries), in the site's language (wording.py); never the machine's locale.
    words = wording_for(config.language)
    env.filters.update(
        direction=direction,
        long_date=words.date,
        listed=words.listed,  # names: 'Ana Pérez and Luis Díaz'
        kind=words.kind,  # an actor's kind: 'persona'
        # A heading: capitalised, as 'marzo de 2026' is not in running text.
        month_label=lambda group: _capitalised(words.month_of(group.year, group.month)),
        iso=iso_datetime,
        # Rendered Markdown is the only HTML marked safe; its site-root links follow the base path.
        site_html=lambda html: Markup(urls.rebase_html(html)),
        feed_html=urls.absolute_html,  # stays a str: autoescaped into the feed's XML
        site_link=urls.link,  # a source's link: a site-relative one follows the base path
        structured_data=lambda described: jsonld.structured_data(described, config, urls),
    )
    # JSON-LD in the order it was built, readable (tojson still escapes <, >, & and ').
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
    env.globals.update(
        site=config,
        url_for=urls.url_for,
        absolute_url=urls.absolute,
        noindex=noindex,
        _=words.html,
        _n=words.count,
    )
    env.globals["shared"], env.globals["shared_lines"] = _shared_fragments()
    return env


def _shared_fragments() -> tuple[Callable[..., Markup], Callable[..., Markup]]:
    """`shared(macro, *values)`: the macro's output for these values, rendered once per build.
    `shared_lines(macro, items, *values)`: `shared(macro, item, *values)` for each item, each
    followed by a newline, in one call: what a template's loop over them would print.

    A briefing's line in a list, or an entry of a timeline, appears on many pages (the
    archive, every topic and actor it names, the chronology); rendering it once is most of
    what makes a large site fast. Sound because the values are frozen and a macro imported
    without context sees only its arguments and the environment's globals. A long list is
    printed with `shared_lines`: a template's loop costs more per item than the item itself
    once it is rendered.
    """
    memo: dict[tuple[object, ...], tuple[Markup, Reads, tuple[object, ...]]] = {}

    def fragment(macro: jinja2.runtime.Macro, code: object, values: tuple[object, ...]) -> Markup:
        key = (code, *map(id, values))
        found = memo.get(key)
        env = macro._environment
        outer = getattr(env, "reads", None)
        if found is None:
            # What the fragment reads is kept with it, to count on every page that shows it.
            env.reads = reads = Reads()
            try:
                html = Markup(macro(*values))
            finally:
                env.reads = outer
            # The values are kept with the result, so their ids cannot be reused meanwhile.
            found = memo[key] = (html, reads, values)
        if outer is not None:
            outer.update(found[1])
        return found[0]

    def code_of(macro: jinja2.runtime.Macro) -> object:
        return getattr(getattr(macro, "_func", None), "__code__", macro.name)

    def shared(macro: jinja2.runtime.Macro, *values: object) -> Markup:
        return fragment(macro, code_of(macro), values)

    def shared_lines(macro: jinja2.runtime.Macro, items: Iterable[object], *values: object) -> Markup:
        code = code_of(macro)
        return Markup("".join([f"{fragment(macro, code, (item, *values))}\n" for item in items]))

    shared.clear = memo.clear  # type: ignore[attr-defined]
    return shared, shared_lines


def start_build(env: jinja2.Environment) -> None:
    """Forget fragments of the last build: its values are gone and only hold memory."""
    env.globals["shared"].clear()


class Rendered(NamedTuple):
    data: bytes
    bodies: frozenset[str]  # paths of the briefings whose bodies the page prints
    # It read the related briefings of an article other than its own: its fingerprint,
    # which leaves them out, cannot tell when it changes.
    others_related: bool


def render_tracked(env: jinja2.Environment, page: PlannedPage) -> Rendered:
    """The page's bytes, and what of its briefings it read (TrackingEnvironment)."""
    if not isinstance(env, TrackingEnvironment):
        return Rendered(render_page(env, page), frozenset(), True)
    env.reads = reads = Reads()
    try:
        data = render_page(env, page)
    finally:
        env.reads = None
    own = page.context.get("article")
    others = reads.related - {str(own.briefing.path)} if isinstance(own, Article) else reads.related
    return Rendered(data, frozenset(reads.bodies), bool(others))


def render_page(env: jinja2.Environment, page: PlannedPage) -> bytes:
    """Render one page; a template mistake becomes a ContentError at the template's line."""
    try:
        return env.get_template(page.template).render(page.context).encode("utf-8")
    except jinja2.TemplateSyntaxError as exc:
        raise ContentErrors(
            [
                ContentError(
                    Path(exc.filename or page.template),
                    exc.lineno,
                    f"template error: {exc.message}",
                )
            ]
        ) from None
    except UnicodeDecodeError:
        raise ContentErrors(
            [ContentError(Path(page.template), None, "a template is not UTF-8 text; save it as UTF-8")]
        ) from None
    except jinja2.TemplateNotFound as exc:
        # At the include, import or extends that names it, when a template does.
        where = _template_frame(exc)
        hint = ""
        if (BUNDLED_TEMPLATES / str(exc.name)).is_file():
            hint = (
                "; a templates/ folder beside content/ replaces the whole bundled theme: copy "
                f"{exc.name} (or all of them) from {BUNDLED_TEMPLATES} into it"
            )
        raise ContentErrors(
            [
                ContentError(
                    Path(where[0]) if where else Path(page.template),
                    where[1] if where else None,
                    f"template not found: {exc.name}{hint}",
                )
            ]
        ) from None
    except Exception as exc:  # a runtime error inside a template, reported at its line
        where = _template_frame(exc)
        if where is None:
            raise
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
        suffix = f" (rendering {page.source})" if page.source else f" (rendering /{page.file})"
        raise ContentErrors(
            [ContentError(Path(where[0]), where[1], f"template error: {message}{suffix}")]
        ) from None


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """The innermost traceback frame that is a template (Jinja rewrites them to the template's file and line)."""
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".txt", ".json")) and frame.lineno:
            found = (frame.filename, frame.lineno)
    return found
