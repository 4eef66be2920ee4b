"""Load stage: the one configured Markdown renderer (CommonMark, tables, footnotes, anchors, smart quotes)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .errors import printable
from .slugs import slugify


@dataclass(frozen=True, slots=True)
class RenderedMarkdown:
    html: str
    first_paragraph: str  # plain text, for summaries and descriptions (inline: all of it)
    # A heading's `{#id}` left as text, and why: (its line within the text, from 0; the fix).
    refused_ids: tuple[tuple[int, str], ...] = ()


# Ids the templates give their own parts of a page; a body heading never takes one.
TEMPLATE_IDS = frozenset({"main", "latest", "in-play", "briefings", "chronology"})
TEMPLATE_ID_PREFIXES = ("facts-", "e-", "y-", "archive-", "fn-", "fnref-")


def _heading_id(title: str) -> str:
    # ASCII ids, like every URL on the site; never empty, never one of the page's own.
    slug = slugify(title) or "section"
    if slug in TEMPLATE_IDS or slug.startswith(TEMPLATE_ID_PREFIXES):
        return f"section-{slug}"
    return slug


# Typographic quotes as English sets them: “double”, then ‘single’ within.
ENGLISH_QUOTES = ("“", "”", "‘", "’")


@lru_cache(maxsize=8)
def renderer(raw_html: bool, quotes: tuple[str, str, str, str] = ENGLISH_QUOTES) -> MarkdownIt:
    """`quotes`: what straight quotes become, opening and closing, double then single."""
    md = (
        MarkdownIt(
            "commonmark", {"html": raw_html, "typographer": True, "xhtmlOut": False, "quotes": list(quotes)}
        )
        .enable(["table", "replacements", "smartquotes"])
        .use(footnote_plugin)
        .use(anchors_plugin, min_level=1, max_level=4, slug_func=_heading_id)
    )
    md.core.ruler.before("anchor", "explicit_heading_ids", _explicit_heading_ids)
    md.core.ruler.after("anchor", "keep_explicit_heading_ids", _keep_explicit_heading_ids)
    md.core.ruler.push("demote_headings", _demote_headings)
    md.core.ruler.push("align_by_class", _align_by_class)
    md.add_render_rule("footnote_block_open", _footnote_block_open)
    # An HTML comment (`<!--more-->`, a note to an editor) is left out, raw HTML or not.
    md.block.ruler.before("table", "comment_block", _comment_block)
    md.inline.ruler.before("autolink", "comment", _inline_comment)
    # markdown-it's own validateLink already refuses javascript:, vbscript:, file:
    # and data: (but images); such links are left as plain text.
    return md


# `## Background {#background}`, as Hugo, Pandoc and kramdown write a heading's own id.
_EXPLICIT_ID = re.compile(r"\s*\{#([A-Za-z][A-Za-z0-9_-]*)\}\s*$")
_ID_LIKE = re.compile(r"\{#([^{}]*)\}\s*$")  # meant as one, if not one: the writer is told


def _explicit_heading_ids(state: StateCore) -> None:
    """A heading's trailing `{#id}` becomes its id instead of text. Ids the templates give
    their own parts, or one a heading above has taken, are left as text: the page would
    hold two of one id."""
    taken: set[str] = set()
    refused: list[tuple[int, str]] = state.env.setdefault("refused_ids", [])
    for opener, inline in pairwise(state.tokens):
        if opener.type != "heading_open" or not inline.children:
            continue
        last = inline.children[-1]
        written = _ID_LIKE.search(last.content) if last.type == "text" else None
        if written is None:
            continue
        found = _EXPLICIT_ID.search(last.content)
        why = _refused_id(written[1], found is not None, taken)
        if why is not None:
            refused.append((opener.map[0] if opener.map else 0, why))
            continue
        assert found is not None  # well formed
        taken.add(found[1])
        last.content = last.content[: found.start()]
        inline.content = _EXPLICIT_ID.sub("", inline.content)
        opener.attrSet("id", found[1])
        opener.meta["explicit_id"] = found[1]


def _refused_id(written: str, well_formed: bool, taken: set[str]) -> str | None:
    """Why a heading's `{#written}` cannot be its id, with the fix; None if it can."""
    shown = printable(written)
    if not well_formed:
        return (
            f"{{#{shown}}} is left in the heading as text: an id starts with a letter a-z or A-Z and "
            "has only those, digits, '-' and '_' (no accents or spaces), like {#talks-2026}"
        )
    if written in taken:
        return (
            f"{{#{shown}}} is left in the heading as text: a heading above has that id; give this one another"
        )
    if written in TEMPLATE_IDS or written.startswith(TEMPLATE_ID_PREFIXES):
        return (
            f"{{#{shown}}} is left in the heading as text: the page gives that id to a part of its "
            f"own; choose another, like {{#section-{shown}}}"
        )
    return None


def _keep_explicit_heading_ids(state: StateCore) -> None:
    """Written ids win; a made id that one of them already has gets a number. Older
    mdit-py-plugins give every heading a made id, and do not step aside for written ones."""
    headings = [t for t in state.tokens if t.type == "heading_open"]
    used = {t.meta["explicit_id"] for t in headings if t.meta.get("explicit_id")}
    for token in headings:
        wanted = token.meta.get("explicit_id")
        if wanted:
            token.attrSet("id", wanted)
            continue
        made = token.attrGet("id")
        if made is None:
            continue
        unique, n = str(made), 1
        while unique in used:
            unique, n = f"{made}-{n}", n + 1
        used.add(unique)
        token.attrSet("id", unique)


def _demote_headings(state: StateCore) -> None:
    """The page title is the one h1; a body that uses '#' moves down a level."""
    tokens = state.tokens
    if not any(t.type == "heading_open" and t.tag == "h1" for t in tokens):
        return
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


def _align_by_class(state: StateCore) -> None:
    """A table column's alignment as a class, not an inline style: the site's
    Content-Security-Policy allows no inline style, and the browser would drop it."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            style = token.attrs.pop("style", None)
            if isinstance(style, str) and style.startswith("text-align:"):
                token.attrSet("class", f"align-{style.removeprefix('text-align:')}")


def _comment_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Lines that hold nothing but a closed comment: no block at all. Not a paragraph's
    interruption; inside one, `_inline_comment` leaves the comment out."""
    if state.sCount[start] - state.blkIndent >= 4:  # indented code
        return False
    begin = state.bMarks[start] + state.tShift[start]
    if not state.src.startswith("<!--", begin):
        return False
    close = state.src.find("-->", begin + 4)
    if close < 0:  # never closed: shown as written
        return False
    line = start
    while line < end and state.eMarks[line] < close + 3:
        line += 1
    if line >= end or state.src[close + 3 : state.eMarks[line]].strip():
        return False  # text after it on its line: a paragraph, without the comment
    if not silent:
        state.line = line + 1
    return True


def _inline_comment(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("<!--", state.pos):
        return False
    close = state.src.find("-->", state.pos + 4)
    if close < 0:
        return False
    state.pos = close + 3  # nothing is added: the comment is not shown
    return True


def _footnote_block_open(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    # A titled section: readers (and screen readers) see what the list is.
    heading = escape_html(env.get("notes", "Notes"))
    return f'<section class="footnotes">\n<h2 class="footnotes-title">{heading}</h2>\n<ol class="footnotes-list">\n'


def render_markdown(
    text: str,
    doc_id: str,
    raw_html: bool = False,
    notes: str = "Notes",
    quotes: tuple[str, str, str, str] = ENGLISH_QUOTES,
) -> RenderedMarkdown:
    """Render a body; footnote ids carry `doc_id`, so two bodies on one page never clash.
    `notes`: the footnotes' heading, and `quotes` the quotation marks, of the site's language."""
    md = renderer(raw_html, quotes)
    env = {"docId": doc_id, "notes": notes}
    tokens = md.parse(text, env)
    return RenderedMarkdown(
        html=md.renderer.render(tokens, md.options, env),
        first_paragraph=_first_paragraph(tokens),
        refused_ids=tuple(env.get("refused_ids", ())),
    )


def render_inline(
    text: str, raw_html: bool = False, quotes: tuple[str, str, str, str] = ENGLISH_QUOTES
) -> RenderedMarkdown:
    """One line of inline Markdown (an event): its HTML and its plain words, from one parse."""
    md = renderer(raw_html, quotes)
    env: dict[str, object] = {}
    tokens = md.parseInline(text, env)
    children = (tokens[0].children or []) if tokens else []
    return RenderedMarkdown(
        html=md.renderer.render(tokens, md.options, env), first_paragraph=_inline_text(children)
    )


def _first_paragraph(tokens: list[Token]) -> str:
    """The first paragraph's words; in a body with none (a list, a table), the first words
    of any block, so that a page is never left without a description."""
    inline = [(opener, token) for opener, token in pairwise(tokens) if token.type == "inline"]

    def first(openers: Callable[[Token], bool]) -> str:
        found = (_inline_text(token.children or []) for opener, token in inline if openers(opener))
        return next((text for text in found if text), "")

    return (
        first(lambda o: o.type == "paragraph_open" and o.level == 0)  # almost always found
        or first(lambda o: o.type == "paragraph_open")  # in a list, a quote
        or first(lambda o: True)
    )


def _inline_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())
