"""Load stage: walk content/, parse and validate every file, raise once with every error."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from .config import SiteConfig
from .errors import ContentError, ContentErrors, has_errors, not_utf8, warning
from .frontmatter import NOT_IN_XML, Document, parse_document
from .markdown import RenderedMarkdown, render_inline, render_markdown
from .model import Briefing, Corpus, Page, Profile, ReportedEvent, Source, StaticFile
from .schema import HOST_FILES, FieldReader
from .slugs import MAX_SLUG, is_slug, slugify
from .text_direction import html_direction
from .wording import wording_for

BRIEFING_FIELDS = (
    "title",
    "date",
    "updated",
    "summary",
    "topics",
    "actors",
    "location",
    "authors",
    "sources",
    "events",
    "slug",
    "draft",
    "redirect_from",
)
SOURCE_FIELDS = ("outlet", "url", "title", "date")
EVENT_FIELDS = ("date", "text", "actors")
ACTOR_FIELDS = ("name", "aliases", "kind", "role", "redirect_from")
TOPIC_FIELDS = ("name", "aliases", "redirect_from")
PAGE_FIELDS = ("title", "summary", "slug", "redirect_from")

_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")


def undated_name(path: Path) -> str:
    """A briefing's file name without its date: what its slug is made of, unless it sets one."""
    return _DATE_PREFIX.sub("", path.stem)


# What is read as Markdown in briefings/, actors/, topics/ and pages/ ("x.MD" too).
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
MARKDOWN_SECTIONS = ("briefings", "actors", "topics", "pages")


def is_markdown(path: Path) -> bool:
    return path.suffix.lower() in MARKDOWN_SUFFIXES


def _misnamed(path: Path) -> bool:
    """A briefing saved under another name (x.md.txt, x.md.bak): a file that starts with
    front matter. An attachment beside a briefing (statement.txt) is published as it is."""
    try:
        with path.open("rb") as file:
            return re.match(rb"---[ \t]*\r?\n", file.read(16).removeprefix(b"\xef\xbb\xbf")) is not None
    except OSError:
        return False


# Editors and systems leave these beside content; they are never published.
_IGNORED = re.compile(r"^(?:\..*|.*~|#.*#|Thumbs\.db|desktop\.ini)$")


def ignored(name: str) -> bool:
    """A file or folder name a build passes over."""
    return _IGNORED.match(name) is not None


# Names that would be a different path, or no path, on another system or server.
_UNSAFE_NAME = re.compile(r"[\\:\x00-\x1f\x7f]")


def read_corpus(
    root: Path, config: SiteConfig, read_files: ReadFiles | None = None
) -> tuple[Corpus, tuple[ContentError, ...]]:
    """Everything under `root` that is valid, and an error for everything that is not.

    Later stages can still check what did load, so one run reports every mistake.
    `read_files` reads the Markdown files (default: one by one, here); a build passes
    one that uses its cache and every core.
    """
    errors: list[ContentError] = []
    briefings: list[Briefing] = []
    actors: list[Profile] = []
    topics: list[Profile] = []
    pages: list[Page] = []
    static: list[StaticFile] = []
    jobs: list[tuple[Path, str]] = []
    if not root.is_dir():
        raise ContentErrors([ContentError(root, None, "content folder not found")])
    for path in _walk(root, errors):
        relative = path.relative_to(root).as_posix()
        section = relative.split("/", 1)[0] if "/" in relative else ""
        if section in MARKDOWN_SECTIONS and not is_markdown(path) and _misnamed(path):
            original = path.with_suffix("")  # x.md.bak → x.md, x.MD.txt → x.MD
            fix = (
                f"it looks like a copy of {original.name}, which is read: delete it, or move it out of content/"
                if is_markdown(original) and original.exists()
                else f"rename it to {(original.with_suffix('') if is_markdown(original) else original).name}.md"
            )
            errors.append(
                ContentError(
                    path,
                    1,
                    "this file has front matter but is not read: only .md and .markdown files are; "
                    f"as it is, it would be published unread: {fix}",
                )
            )
            continue
        if not is_markdown(path) or section not in MARKDOWN_SECTIONS:
            if relative.split("/", 1)[0] in HOST_FILES:
                errors.append(
                    ContentError(
                        path,
                        None,
                        "a file of this name at the top of the site tells the host how to serve "
                        "all of it (redirects, proxies, headers, server code), so it is not "
                        "published from content/; put redirects and headers in netlify.toml "
                        "beside site.yaml, where they are reviewed with the site's settings",
                    )
                )
                continue
            if _UNSAFE_NAME.search(relative):
                errors.append(
                    ContentError(
                        path,
                        None,
                        "this file name has a backslash, colon or control character, which many "
                        "servers and systems refuse; rename it with letters, digits, '-' and '.'",
                    )
                )
                continue
            if not os.access(path, os.R_OK):  # copied only once the site is written: told now
                errors.append(_unreadable(path, "Permission denied"))
                continue
            static.append(StaticFile(path, relative))
            continue
        if section != "briefings" and relative.count("/") > 1:
            errors.append(
                ContentError(
                    path,
                    None,
                    f"{section}/ takes no sub-folders; move this file to content/{section}/",
                )
            )
            continue
        jobs.append((path, section))
    found = {"briefings": briefings, "pages": pages, "actors": actors, "topics": topics}
    unread: dict[str, set[str]] = {"actors": set(), "topics": set()}
    for (path, _), (section, item, problems) in zip(
        jobs, (read_files or read_one_by_one)(jobs, config), strict=True
    ):
        errors.extend(problems)
        if item is not None:
            found[section].append(item)  # type: ignore[arg-type]
        elif section in unread:
            unread[section] |= _names_of_unread_profile(path)
    corpus = Corpus(
        root=root,
        briefings=tuple(sorted(briefings, key=lambda b: str(b.path))),
        actors=tuple(sorted(actors, key=lambda p: p.slug)),
        topics=tuple(sorted(topics, key=lambda p: p.slug)),
        pages=tuple(sorted(pages, key=lambda p: p.slug)),
        static_files=tuple(sorted(static, key=lambda s: s.relative)),
        unread_actors=frozenset(unread["actors"]),
        unread_topics=frozenset(unread["topics"]),
    )
    return corpus, tuple(errors)


# What reading one Markdown file gives: its section, the item (or None) and its messages.
FileResult = tuple[str, "Briefing | Profile | Page | None", tuple[ContentError, ...]]
ReadFiles = Callable[[list[tuple[Path, str]], SiteConfig], Iterable[FileResult]]
# The SiteConfig fields that reading a file depends on: cached reads are keyed by them.
LOAD_SETTINGS = ("timezone", "raw_html", "language")  # language: quotes, the footnotes' heading


def read_one_by_one(jobs: list[tuple[Path, str]], config: SiteConfig) -> Iterator[FileResult]:
    for path, section in jobs:
        yield read_content_file(path, section, config)


def _unreadable(path: Path, reason: str) -> ContentError:
    return ContentError(path, None, f"cannot read this file ({reason}); check its permissions")


def read_content_file(path: Path, section: str, config: SiteConfig, data: bytes | None = None) -> FileResult:
    """Parse and validate one Markdown file of `section` (briefings, actors, topics, pages)."""
    errors: list[ContentError] = []
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return section, None, (_unreadable(path, exc.strerror or type(exc).__name__),)
    try:
        raw = data.decode("utf-8")
        text = raw.replace("\r\n", "\n").replace("\r", "\n")  # as read_text() would
        document = parse_document(path, text)
    except UnicodeDecodeError as exc:
        return section, None, (not_utf8(path, data, exc),)
    except ContentErrors as exc:
        return section, None, tuple(exc.errors)
    errors.extend(document.meta.problems)
    _check_body(document, errors)
    item: Briefing | Profile | Page | None
    if section == "briefings":
        item = read_briefing(document, config, errors)
    elif section == "pages":
        item = read_page(document, config, errors)
    else:
        item = read_profile(document, ACTOR_FIELDS if section == "actors" else TOPIC_FIELDS, config, errors)
    return section, item, tuple(errors)


def _names_of_unread_profile(path: Path) -> set[str]:
    """The slugs a profile with a mistake would answer to: its file name's, and its name's
    and aliases' when its front matter can be read at all."""
    slugs = {path.stem}
    with contextlib.suppress(OSError, UnicodeDecodeError, ContentErrors):
        meta = parse_document(path, path.read_text(encoding="utf-8")).meta
        aliases = meta.get("aliases")
        names = [meta.get("name"), *(aliases if isinstance(aliases, list) else [aliases])]
        slugs |= {slugify(name) for name in names if isinstance(name, str)}
    return slugs - {""}


def _check_body(document: Document, errors: list[ContentError]) -> None:
    for offset, line in enumerate(document.body.split("\n")):
        found = NOT_IN_XML.search(line)  # pasted from a word processor: it would break every feed
        if found:
            errors.append(
                ContentError(
                    document.path,
                    document.body_line + offset,
                    f"an invisible control character (U+{ord(found.group()):04X}) is in the text, "
                    "often pasted from a word processor; delete it",
                )
            )


def _refused_ids(document: Document, body: RenderedMarkdown, errors: list[ContentError]) -> None:
    for offset, message in body.refused_ids:
        errors.append(ContentError(document.path, document.body_line + offset, message, "warning"))


def _walk(root: Path, errors: list[ContentError]) -> list[Path]:
    """Every file under root, sorted; links that lead outside root are refused."""
    real_root = root.resolve()
    found: list[Path] = []
    linked: list[Path] = []  # Markdown files that are links to others in content/
    visited = {real_root}

    def unreadable(exc: OSError) -> None:
        # Skipped without a word, a folder's briefings would vanish from the site.
        where = Path(exc.filename) if exc.filename else root
        reason = exc.strerror or type(exc).__name__
        errors.append(
            ContentError(
                where,
                None,
                f"cannot read this folder ({reason}); check its permissions",
            )
        )

    for folder, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=True):
        here = Path(folder)
        for name in list(dirnames):
            target = (here / name).resolve()
            if _IGNORED.match(name):
                dirnames.remove(name)
            elif not target.is_relative_to(real_root):
                dirnames.remove(name)
                errors.append(
                    ContentError(
                        here / name,
                        None,
                        "a link to a folder outside content/ is refused; copy the files in instead",
                    )
                )
            elif target in visited:
                dirnames.remove(name)
                errors.append(
                    ContentError(
                        here / name,
                        None,
                        "this link leads to a folder that is already read (a loop or a second copy); delete the link",
                    )
                )
            else:
                visited.add(target)
        dirnames.sort()
        for name in sorted(filenames):
            path = here / name
            if _IGNORED.match(name):
                continue
            link = path.is_symlink()
            if link and not path.resolve().is_relative_to(real_root):
                errors.append(
                    ContentError(
                        path,
                        None,
                        "a link to a file outside content/ is refused; copy the file in instead",
                    )
                )
                continue
            if path.is_file():
                found.append(path)
                if link and is_markdown(path):
                    linked.append(path)
            elif link:
                errors.append(
                    ContentError(path, None, "this link leads to a file that does not exist; delete the link")
                )
    # A link to a briefing (or page, or profile) that is read anyway would publish it twice;
    # so would two links to one file. Only the links are resolved: a desk has few.
    read = set(found)
    first: dict[Path, Path] = {}
    for path in linked:
        target = path.resolve()
        twin = root / target.relative_to(real_root)
        if twin not in read or twin.is_symlink():  # not read itself: the first link to it is
            twin = first.setdefault(target, path)
            if twin == path:
                continue
        found.remove(path)
        errors.append(
            ContentError(
                path,
                None,
                f"this link leads to the same file as {twin}, which is read too: it would be published "
                "twice; delete the link",
            )
        )
    return found


def _slug_field(fields: FieldReader, default_name: str) -> str | None:
    custom = fields.text("slug")
    if custom is not None:
        if not is_slug(custom):
            suggestion = slugify(custom)
            fix = f"; write {suggestion!r}" if suggestion else ""
            rule = f"at most {MAX_SLUG} of " if len(custom) > MAX_SLUG else ""
            fields.error(
                "slug",
                f"slug: {custom!r} is not a slug: use {rule}lowercase letters, digits and single hyphens{fix}",
            )
            return None
        return custom
    slug = slugify(default_name)
    if not slug:
        fields.error(
            "slug",
            f"the file name {default_name!r} gives no slug; rename the file or add 'slug: …'",
            1,
        )
        return None
    return slug


# The body `build.py new` starts a briefing with (scaffold.py): never meant to be published.
NEW_BODY = "Write the briefing here. The first paragraph is the summary unless `summary` is set."


def _body(document: Document, doc_id: str, config: SiteConfig) -> RenderedMarkdown:
    """A file's body, set as the site's language sets text: its quotes, its footnotes' heading."""
    words = wording_for(config.language)
    return render_markdown(document.body, doc_id, config.raw_html, words("Notes"), words.quotes)


def read_briefing(document: Document, config: SiteConfig, errors: list[ContentError]) -> Briefing | None:
    mistakes: list[ContentError] = []
    fields = FieldReader(document.path, document.meta, BRIEFING_FIELDS, mistakes)
    zone = config.zone
    title = fields.text("title", required=True)
    published = fields.moment("date", zone, required=True)
    updated = fields.moment("updated", zone)
    draft = fields.flag("draft")
    # A draft is left out of the site: one started without a topic must not stop the desk's build.
    said = len(mistakes)
    topics = fields.names("topics", required=not draft)
    if draft and not topics and len(mistakes) == said:  # nothing said of its topics yet
        mistakes.append(
            warning(
                document.path,
                fields.line("topics"),
                "topics: none yet; give at least one, like topics: [Topic name], before removing 'draft: true'",
            )
        )
    actors = fields.names("actors")
    for key, names in (("topics", topics), ("actors", actors)):
        for name in names:
            if not slugify(name):
                fields.error(
                    key,
                    f"{key}: {name!r} leaves no letters or digits to make a page address from; spell the name out",
                )
    slug = _slug_field(fields, undated_name(document.path))
    sources = tuple(
        _read_source(document, item, line, n, mistakes)
        for n, (item, line) in enumerate(fields.maps("sources"), 1)
    )
    events = tuple(
        _read_event(document, item, line, n, config, mistakes)
        for n, (item, line) in enumerate(fields.maps("events"), 1)
    )
    summary = fields.text("summary")
    body = _body(document, slug or "body", config)
    _refused_ids(document, body, mistakes)
    briefing_fields = {
        "location": fields.text("location"),
        "authors": fields.names("authors"),
        "draft": draft,
        "redirect_from": fields.site_paths("redirect_from"),
    }
    if not draft and NEW_BODY in document.body:
        line = document.body_line + document.body[: document.body.index(NEW_BODY)].count("\n")
        mistakes.append(
            warning(
                document.path, line, "the body is still the placeholder 'new' wrote; write the briefing there"
            )
        )
    elif not draft and not summary and not body.html.strip():
        # Nothing to read but the title, in the page, the feeds and every list's summary.
        mistakes.append(
            warning(
                document.path,
                document.body_line - 1,
                "the briefing has no body and no summary; write it below this closing ---",
            )
        )
    # A date without a time means "that day", not midnight: same-day updates are fine.
    if updated and published and updated.date() < published.date():
        fields.error(
            "updated",
            "updated: is earlier than date; an update comes after publication",
        )
    errors.extend(mistakes)
    if has_errors(mistakes) or title is None or published is None or slug is None:
        return None
    return Briefing(
        path=document.path,
        slug=slug,
        title=title,
        date=published,
        updated=updated,
        summary=summary or body.first_paragraph,
        summary_written=bool(summary),
        topics=topics,
        actors=actors,
        location=briefing_fields["location"],  # type: ignore[arg-type]
        authors=briefing_fields["authors"],  # type: ignore[arg-type]
        sources=tuple(s for s in sources if s),  # type: ignore[misc]
        events=tuple(e for e in events if e),  # type: ignore[misc]
        draft=bool(briefing_fields["draft"]),
        timed=frozenset(key for key in ("date", "updated") if fields.has_time(key)),
        redirect_from=briefing_fields["redirect_from"],  # type: ignore[arg-type]
        body_html=body.html,
        lines={**document.meta.key_lines, **fields.item_lines},
        body_direction=html_direction(body.html),
    )


def _read_source(document, item, line, number, errors) -> Source | None:  # type: ignore[no-untyped-def]
    fields = FieldReader(document.path, item, SOURCE_FIELDS, errors, f"sources[{number}].")
    outlet = fields.text("outlet", required=True)
    source = Source(
        outlet=outlet or "",
        url=fields.url("url"),
        title=fields.text("title"),
        date=fields.partial_date("date"),
    )
    return source if outlet else None


def _read_event(document, item, line, number, config, errors) -> ReportedEvent | None:  # type: ignore[no-untyped-def]
    fields = FieldReader(document.path, item, EVENT_FIELDS, errors, f"events[{number}].")
    when = fields.partial_date("date", required=True)
    text = fields.text("text", required=True)
    actors = fields.names("actors")
    for name in actors:
        if not slugify(name):
            fields.error(
                "actors",
                f"events[{number}].actors: {name!r} leaves no letters or digits to make a page address from; spell the name out",
            )
    if when is None or text is None:
        return None
    inline = render_inline(text, config.raw_html, wording_for(config.language).quotes)
    return ReportedEvent(
        when=when,
        text=text,
        text_html=inline.html,
        text_plain=inline.first_paragraph,
        actors=actors,
        line=line,
    )


def read_profile(
    document: Document,
    known: tuple[str, ...],
    config: SiteConfig,
    errors: list[ContentError],
) -> Profile | None:
    mistakes: list[ContentError] = []
    fields = FieldReader(document.path, document.meta, known, mistakes)
    name = fields.text("name", required=True)
    aliases = fields.names("aliases")
    for alias in aliases:
        if alias.startswith("/") or re.match(r"(?i)https?://", alias):  # Hugo's `aliases` are old addresses
            fields.error(
                "aliases",
                f"aliases: {alias!r} is an address, not another name; an old address goes in "
                f"redirect_from: [{urlsplit(alias).path or '/'}]",
            )
    kind = fields.text("kind") if "kind" in known else None
    role = fields.text("role") if "role" in known else None
    redirect_from = fields.site_paths("redirect_from")
    slug = document.path.stem
    if not is_slug(slug):
        mistakes.append(
            ContentError(
                document.path,
                fields.line("name"),  # what the name, and the rename, go by
                f"profile file names are slugs; rename it to {slugify(name or slug) or 'a-name'}.md",
            )
        )
    body = _body(document, slug, config)
    _refused_ids(document, body, mistakes)
    errors.extend(mistakes)
    if has_errors(mistakes) or name is None:
        return None
    return Profile(
        path=document.path,
        slug=slug,
        name=name,
        aliases=aliases,
        kind=kind,
        role=role,
        redirect_from=redirect_from,
        body_html=body.html,
        lines={**document.meta.key_lines, **fields.item_lines},
        body_direction=html_direction(body.html),
    )


def read_page(document: Document, config: SiteConfig, errors: list[ContentError]) -> Page | None:
    mistakes: list[ContentError] = []
    fields = FieldReader(document.path, document.meta, PAGE_FIELDS, mistakes)
    title = fields.text("title", required=True)
    slug = _slug_field(fields, document.path.stem)
    summary = fields.text("summary")
    redirect_from = fields.site_paths("redirect_from")
    body = _body(document, slug or "page", config)
    _refused_ids(document, body, mistakes)
    errors.extend(mistakes)
    if has_errors(mistakes) or title is None or slug is None:
        return None
    return Page(
        path=document.path,
        slug=slug,
        title=title,
        summary=summary or body.first_paragraph,
        body_html=body.html,
        redirect_from=redirect_from,
        lines={**document.meta.key_lines, **fields.item_lines},
        body_direction=html_direction(body.html),
    )
