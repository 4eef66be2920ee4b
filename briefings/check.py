"""Check: every validation of a build, then every internal link of the rendered site, writing nothing."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from .errors import ContentError, ContentErrors
from .load import is_markdown
from .pipeline import BuildOptions, prepare, render_output
from .plan import PlannedPage
from .render import make_environment
from .urls import output_file, site_path_of

# Attributes that point a browser at another file.
_LINK_ATTRIBUTES = {
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("img", "src"),
    ("script", "src"),
    ("source", "src"),
    ("iframe", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("video", "poster"),
}


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Everything a check found; `ok` decides the exit code."""

    problems: tuple[ContentError, ...]  # errors and warnings, by file and line
    strict: bool
    raw_html: bool = False
    pages: int = 0  # rendered pages whose links were followed
    links: int = 0  # internal links followed

    @property
    def errors(self) -> tuple[ContentError, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[ContentError, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors and not (self.strict and self.warnings)


def check_site(options: BuildOptions) -> CheckReport:
    """Load, index, plan and render the site in memory, then follow every internal link."""
    strict = options.strict
    try:
        config, site, urls, outputs, templates = prepare(replace(options, strict=False))
    except ContentErrors as exc:
        return CheckReport(_sorted((*exc.errors, *exc.warnings)), strict)
    env = make_environment(templates, config, urls, noindex=options.noindex)
    problems: list[ContentError] = list(site.warnings)
    rendered: dict[PurePosixPath, bytes | None] = {}
    failed: dict[tuple[Path, int | None, str], list[str]] = defaultdict(list)
    unrendered = 0
    for output in outputs:
        try:
            data = render_output(env, output)
        except ContentErrors as exc:
            unrendered += 1
            for error in exc.errors:
                # One template mistake fails every page that uses it: said once, with a count.
                found = _RENDERING.search(error.message)
                message = error.message[: found.start()] if found else error.message
                failed[(error.path, error.line, message)].append(found.group(1) if found else "")
            # Present, but unread: a link to it is not broken, its anchors are not known.
            rendered[output.file] = None
            continue
        rendered[output.file] = data if isinstance(data, bytes) else None  # copied files: present
    for (path, line, message), where in failed.items():
        named = [page for page in where if page]
        also = f" and {len(where) - 1} other page(s)" if len(where) > 1 else ""
        problems.append(
            ContentError(path, line, f"{message} (rendering {named[0]}{also})" if named else message)
        )
    pages = sum(1 for o in outputs if isinstance(o, PlannedPage)) - unrendered
    sources = {o.file: o for o in outputs}
    # A link to a draft or a scheduled briefing: why nothing is there yet, and when it will be.
    coming = {}
    for briefing in site.unpublished:
        when = (
            "a draft (draft: true)" if briefing.draft else f"scheduled for {briefing.date.date().isoformat()}"
        )
        coming[output_file(urls.path_of(briefing))] = f"{briefing.path} is {when}"
    links = _LinkChecker(rendered, sources, config.base_url, templates, coming)
    problems.extend(links.check())
    return CheckReport(_sorted(problems), strict, config.raw_html, pages, links.followed)


# How render_page names the page a template failed on: said once for them all.
_RENDERING = re.compile(r" \(rendering (.+)\)$")


def _sorted(problems: tuple[ContentError, ...] | list[ContentError]) -> tuple[ContentError, ...]:
    unique = {(p.path, p.line, p.message, p.severity): p for p in problems}
    return tuple(sorted(unique.values(), key=lambda p: p.sort_key))


# -- links -----------------------------------------------------------------


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif (tag, name) in _LINK_ATTRIBUTES:
                self.links.append(value.strip())


@dataclass(frozen=True, slots=True)
class _Parsed:
    ids: frozenset[str]
    links: tuple[str, ...]


class _LinkChecker:
    """Follows every link that stays on the site: its file must exist, its #anchor too."""

    def __init__(
        self,
        rendered: dict[PurePosixPath, bytes | None],
        sources: dict[PurePosixPath, object],
        base_url: str,
        templates: Path,
        unpublished: Mapping[PurePosixPath, str] | None = None,
    ) -> None:
        self.rendered = rendered
        self.unpublished = unpublished or {}  # output file → what the briefing there waits for
        self.sources = sources
        self.base_url = base_url
        self.base_path = urlsplit(base_url).path or "/"
        self.templates = templates
        self.parsed: dict[PurePosixPath, _Parsed] = {}
        self.followed = 0
        self._source_text: dict[Path, list[str]] = {}
        self._writers: dict[tuple[str, ...], tuple[Path, int] | None] = {}  # by how a link is written
        self.malformed: list[ContentError] = []

    def check(self) -> list[ContentError]:
        found: dict[tuple[Path, int | None, str], list[str]] = defaultdict(list)
        for file in sorted(self.rendered):
            parsed = self._parse(file)
            if parsed is None:
                continue
            page_url = self.base_path + site_path_of(file)[1:]
            for link in dict.fromkeys(parsed.links):
                problem = self._follow(page_url, link, file)
                if problem:
                    path, line = self._origin(file, link)
                    found[(path, line, f"link to {self._quoted(link, path, line)} {problem}")].append(
                        f"/{file}"
                    )
        problems = list(self.malformed)
        for (path, line, message), pages in found.items():
            where = pages[0] if len(pages) == 1 else f"{pages[0]} and {len(pages) - 1} other page(s)"
            problems.append(ContentError(path, line, f"{message} (on {where})"))
        return problems

    def _parse(self, file: PurePosixPath) -> _Parsed | None:
        if file in self.parsed:
            return self.parsed[file]
        data = self.rendered.get(file)
        if data is None:
            return None
        text = data.decode("utf-8", errors="replace")
        if file.suffix == ".html":
            parser = _PageParser()
            parser.feed(text)
            parser.close()
            result = _Parsed(frozenset(parser.ids), tuple(parser.links))
        elif file.suffix == ".xml":
            try:
                result = _Parsed(frozenset(), tuple(_xml_links(text)))
            except ElementTree.ParseError as exc:
                path, _ = self._origin(file, "")
                self.malformed.append(ContentError(path, None, f"/{file} is not well-formed XML: {exc}"))
                result = _Parsed(frozenset(), ())
        else:
            return None
        self.parsed[file] = result
        return result

    def _follow(self, page_url: str, link: str, page: PurePosixPath) -> str | None:
        """None when the link resolves (or leaves the site); otherwise what is wrong."""
        if link.startswith(self.base_url):
            link = self.base_path + link[len(self.base_url) :]
        parts = urlsplit(link)
        if parts.scheme or parts.netloc:
            return None  # another site, mailto:, tel:
        target = urlsplit(urljoin(page_url, link))
        self.followed += 1
        if not target.path.startswith(self.base_path):
            return f"leads outside the site, which is served under {self.base_path}; start the link with {self.base_path}"
        relative = unquote(target.path[len(self.base_path) :])
        normalized = posixpath.normpath("/" + relative)
        if normalized.startswith("//") or ".." in normalized.split("/"):
            return "leads outside the site"
        if relative.endswith("/") or not relative:
            candidates = [PurePosixPath(relative, "index.html")]
        else:
            candidates = [PurePosixPath(relative), PurePosixPath(relative, "index.html")]
        file = next((c for c in candidates if c in self.rendered), None)
        if file is None:
            waiting = next((self.unpublished[c] for c in candidates if c in self.unpublished), None)
            if waiting is not None:
                return f"leads nowhere yet: {waiting}"
            return f"leads nowhere: nothing is published at {self.base_path}{relative}"
        if target.fragment:
            parsed = self._parse(file)
            anchor = unquote(target.fragment)
            if parsed is not None and file.suffix == ".html" and anchor not in parsed.ids:
                where = "this page" if file == page else f"{self.base_path}{relative}"
                return f'leads nowhere: {where} has no anchor id="{anchor}"'
        return None

    def _origin(self, file: PurePosixPath, link: str) -> tuple[Path, int | None]:
        """The content file (and line) a link was written in, else the page's template."""
        output = self.sources.get(file)
        source = getattr(output, "source", None)
        needles = self._as_written(link)
        if isinstance(source, Path) and is_markdown(source):
            # Where it is written as a link first (`](/about/)`, `url: /about/`), then anywhere:
            # the same text may also sit in an unrelated field above.
            for targets in (_as_link_targets, lambda needle: [needle]):
                found = self._written_in(source, needles, targets)
                if found is not None:
                    return source, found
        if link:
            # A page prints what other files wrote too (an event's text on the chronology, on
            # a topic's page): the file that wrote the link as a link is to blame.
            blamed = self._writer_of(tuple(needles))
            if blamed is not None:
                return blamed
        template = getattr(output, "template", None)
        if template:
            return self.templates / template, None
        return Path(str(file)), None

    def _written_in(
        self, source: Path, needles: list[str], targets: Callable[[str], list[str]]
    ) -> int | None:
        for needle in needles:
            for number, line in enumerate(self._lines(source), 1):
                if any(target in line for target in targets(needle)):
                    return number
        return None

    def _writer_of(self, needles: tuple[str, ...]) -> tuple[Path, int] | None:
        """The first content file (and line) writing one of these links; asked once per link,
        however many pages print it."""
        if needles not in self._writers:
            self._writers[needles] = None
            found = {getattr(o, "source", None) for o in self.sources.values()}
            for source in sorted(p for p in found if isinstance(p, Path) and is_markdown(p)):
                line = self._written_in(source, list(needles), _as_link_targets)
                if line is not None:
                    self._writers[needles] = (source, line)
                    break
        return self._writers[needles]

    def _as_written(self, link: str) -> list[str]:
        """How a writer may have typed a link the page prints: as printed, without the base
        path the build put in front (`/desk/about/` was `/about/`), with its non-ASCII
        characters as typed rather than %-encoded, and each without its #fragment."""
        forms = [link]
        if self.base_path != "/" and link.startswith(self.base_path):
            forms.append("/" + link[len(self.base_path) :])
        forms += [unquote(form) for form in forms]
        found: list[str] = []
        for form in forms:
            found += [form, form.split("#", 1)[0] or form]
        return list(dict.fromkeys(found))

    def _quoted(self, link: str, path: Path, line: int | None) -> str:
        """The link as its writer typed it at `path:line`, so that it can be found there,
        rather than as the page prints it (`_as_written`): without the base path the build
        put in front, with its letters rather than %-escapes."""
        lines = self._lines(path)
        if line is None or not 0 < line <= len(lines):
            return link
        # Each form with the #fragment the link has, if it has one.
        whole = [form for form in self._as_written(link) if "#" in form or "#" not in link]
        return next((form for form in whole if form in lines[line - 1]), link)

    def _lines(self, path: Path) -> list[str]:
        if path not in self._source_text:
            try:
                self._source_text[path] = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._source_text[path] = []
        return self._source_text[path]


def _as_link_targets(url: str) -> list[str]:
    """How Markdown, HTML and a source's `url:` write a link to `url`."""
    return [f"]({url}", f"<{url}>", f"]: {url}", f'="{url}"', f"url: {url}", f"url: '{url}'", f'url: "{url}"']


def _xml_links(text: str) -> list[str]:
    """href attributes and <loc> of a feed or sitemap; ParseError when it is not XML."""
    root = ElementTree.fromstring(text)
    links = []
    for element in root.iter():
        href = element.get("href")
        if href:
            links.append(href.strip())
        if element.tag.endswith("}loc") and element.text:
            links.append(element.text.strip())
    return links
