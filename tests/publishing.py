"""Helpers for the publishing tests: read built pages, resolve their links, serve a folder as Netlify would."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src"}


@dataclass
class ParsedPage:
    """What a crawler reads from one HTML page."""

    links: list[tuple[str, str]] = field(default_factory=list)  # (tag, URL) for href/src
    ids: set[str] = field(default_factory=set)
    meta: dict[str, list[str]] = field(default_factory=dict)  # name or property → contents
    link_rels: dict[str, list[str]] = field(default_factory=dict)  # rel → hrefs
    json_ld: list[dict] = field(default_factory=list)
    scripts: list[dict[str, str]] = field(default_factory=list)  # attributes of every <script>
    styles: int = 0  # <style> elements
    style_attributes: int = 0
    event_handlers: int = 0
    text: dict[str, str] = field(default_factory=dict)  # first h1, title


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._capture: str | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        page = self.page
        if "id" in a:
            page.ids.add(a["id"])
        if tag == "a" and "name" in a:
            page.ids.add(a["name"])
        if "style" in a:
            page.style_attributes += 1
        page.event_handlers += sum(1 for k in a if k.startswith("on"))
        attribute = LINK_ATTRIBUTES.get(tag)
        if attribute and attribute in a:
            page.links.append((tag, a[attribute]))
        if tag == "meta":
            key = a.get("property") or a.get("name")
            if key:
                page.meta.setdefault(key, []).append(a.get("content", ""))
        if tag == "link":
            for rel in a.get("rel", "").split():
                page.link_rels.setdefault(rel, []).append(a.get("href", ""))
        if tag == "style":
            page.styles += 1
        if tag == "script":
            page.scripts.append(a)
            if a.get("type") == "application/ld+json":
                self._capture, self._buffer = "json_ld", []
        if tag in ("h1", "title") and tag not in page.text:
            self._capture, self._buffer = tag, []

    def handle_data(self, data: str) -> None:
        if self._capture:
            self._buffer.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._capture == "json_ld" and tag == "script":
            self.page.json_ld.append(json.loads("".join(self._buffer)))
            self._capture = None
        elif self._capture == tag:
            self.page.text[tag] = " ".join("".join(self._buffer).split())
            self._capture = None


def parse_page(path: Path) -> ParsedPage:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.page


def html_pages(folder: Path) -> dict[str, Path]:
    """Site path ('/briefings/x/', '/404.html') → file, for every HTML page in a built folder."""
    pages = {}
    for path in sorted(folder.rglob("*.html")):
        relative = path.relative_to(folder).as_posix()
        site_path = "/" + (relative[: -len("index.html")] if relative.endswith("index.html") else relative)
        pages[site_path] = path
    return pages


def file_for(folder: Path, site_path: str) -> Path | None:
    """The built file a site path is served from, as a static host would find it; None if missing."""
    relative = site_path.lstrip("/")
    candidate = folder / relative
    if site_path.endswith("/") or not relative:
        candidate = candidate / "index.html"
    if candidate.is_file():
        return candidate
    return None


# -- Netlify's _headers ------------------------------------------------------


def read_headers_file(path: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """Netlify `_headers`: a path pattern, then its indented `Name: value` lines."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), []))
        else:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def headers_for(rules: list[tuple[str, list[tuple[str, str]]]], site_path: str) -> dict[str, str]:
    """The custom headers Netlify adds to a response for `site_path` (exact paths, or a trailing `*` splat)."""
    found: dict[str, str] = {}
    for pattern, headers in rules:
        matches = site_path.startswith(pattern[:-1]) if pattern.endswith("*") else site_path == pattern
        if matches:
            for name, value in headers:
                found[name] = f"{found[name]}, {value}" if name in found else value
    return found


# -- a local static host ---------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    rules: ClassVar[list[tuple[str, list[tuple[str, str]]]]] = []

    def end_headers(self) -> None:
        for name, value in headers_for(self.rules, self.path.split("?", 1)[0]).items():
            if name.lower() != "content-type":
                self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path, with_headers: bool = True) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 at a free port, adding the headers of its `_headers`; yields the base URL."""
    rules = read_headers_file(folder / "_headers") if with_headers and (folder / "_headers").is_file() else []
    handler = type("Handler", (_Handler,), {"rules": rules})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
