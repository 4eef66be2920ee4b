"""Load stage: the one configured Markdown renderer (CommonMark, tables, footnotes, anchors, smart quotes)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .slugs import slugify


@dataclass(frozen=True, slots=True)
class RenderedMarkdown:
    html: str
    first_paragraph: str  # plain text, for summaries and descriptions (inline: all of it)


# Ids the templates give their own parts of a page; a body heading never takes one.
TEMPLATE_IDS = frozenset({"main", "latest", "in-play", "briefings", "chronology"})
TEMPLATE_ID_PREFIXES = ("facts-", "e-", "y-", "archive-", "fn-", "fnref-")


def _heading_id(title: str) -> str:
    # ASCII ids, like every URL on the site; never empty, never one of the page's own.
    slug = slugify(title) or "section"
    if slug in TEMPLATE_IDS or slug.startswith(TEMPLATE_ID_PREFIXES):
        return f"section-{slug}"
    return slug


@lru_cache(maxsize=3)
def renderer(raw_html: bool, comments: bool = False) -> MarkdownIt:
    """The renderer; with `comments` (and no raw_html), HTML is parsed so that comments
    can be left out, and every other tag is printed as the text it is."""
    md = (
        MarkdownIt("commonmark", {"html": raw_html or comments, "typographer": True, "xhtmlOut": False})
        .enable(["table", "replacements", "smartquotes"])
        .use(footnote_plugin)
        .use(anchors_plugin, min_level=1, max_level=4, slug_func=_heading_id)
    )
    md.core.ruler.before("anchor", "explicit_heading_ids", _explicit_heading_ids)
    md.core.ruler.after("anchor", "keep_explicit_heading_ids", _keep_explicit_heading_ids)
    md.core.ruler.push("demote_headings", _demote_headings)
    md.core.ruler.push("align_by_class", _align_by_class)
    md.add_render_rule("footnote_block_open", _footnote_block_open)
    if comments and not raw_html:
        md.add_render_rule("html_block", _html_block_as_text)
        md.add_render_rule("html_inline", _html_inline_as_text)
    # markdown-it's own validateLink already refuses javascript:, vbscript:, file:
    # and data: (but images); such links are left as plain text.
    return md


# `## Background {#background}`, as Hugo, Pandoc and kramdown write a heading's own id.
_EXPLICIT_ID = re.compile(r"\s*\{#([A-Za-z][A-Za-z0-9_-]*)\}\s*$")


def _explicit_heading_ids(state: StateCore) -> None:
    """A heading's trailing `{#id}` becomes its id instead of text. Ids the templates give
    their own parts, or one a heading above has taken, are left as text: the page would
    hold two of one id."""
    taken: set[str] = set()
    for opener, inline in pairwise(state.tokens):
        if opener.type != "heading_open" or not inline.children:
            continue
        last = inline.children[-1]
        found = _EXPLICIT_ID.search(last.content) if last.type == "text" else None
        if (
            found is None
            or found[1] in taken
            or found[1] in TEMPLATE_IDS
            or found[1].startswith(TEMPLATE_ID_PREFIXES)
        ):
            continue
        taken.add(found[1])
        last.content = last.content[: found.start()]
        inline.content = _EXPLICIT_ID.sub("", inline.content)
        opener.attrSet("id", found[1])
        opener.meta["explicit_id"] = found[1]


def _keep_explicit_heading_ids(state: StateCore) -> None:
    # Older mdit-py-plugins give every heading a made id, written ones too.
    taken = {t.attrGet("id") for t in state.tokens if t.type == "heading_open"}
    for token in state.tokens:
        wanted = token.meta.get("explicit_id") if token.type == "heading_open" else None
        if wanted and token.attrGet("id") != wanted and wanted not in taken:
            token.attrSet("id", wanted)


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


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _for(text: str, raw_html: bool) -> MarkdownIt:
    """A body with HTML comments (`<!--more-->`, a note to an editor) has them left out.
    Only when each is closed: one left open would hide, as HTML, all that follows it."""
    comments = not raw_html and "<!--" in text and "<!--" not in _COMMENT.sub("", text)
    return renderer(raw_html, comments)


def _html_block_as_text(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    text = _COMMENT.sub("", tokens[idx].content).strip()
    return f"<p>{escapeHtml(text)}</p>\n" if text else ""


def _html_inline_as_text(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    return escapeHtml(_COMMENT.sub("", tokens[idx].content))


def _footnote_block_open(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    # A titled section: readers (and screen readers) see what the list is.
    return (
        '<section class="footnotes">\n<h2 class="footnotes-title">Notes</h2>\n<ol class="footnotes-list">\n'
    )


def render_markdown(text: str, doc_id: str, raw_html: bool = False) -> RenderedMarkdown:
    """Render a body; footnote ids carry `doc_id`, so two bodies on one page never clash."""
    md = _for(text, raw_html)
    env = {"docId": doc_id}
    tokens = md.parse(text, env)
    return RenderedMarkdown(
        html=md.renderer.render(tokens, md.options, env),
        first_paragraph=_first_paragraph(tokens),
    )


def render_inline(text: str, raw_html: bool = False) -> RenderedMarkdown:
    """One line of inline Markdown (an event): its HTML and its plain words, from one parse."""
    md = _for(text, raw_html)
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
