"""A hostile desk (tests/adversarial/): scripts in every text, traversal slugs, links out of content/.

The built site is searched for anything that would run: a <script> that is not JSON-LD, an
on* attribute, a javascript: or data: link, a feed that is not well-formed. The payloads
must be on the pages as text. A browser opens the pages and no dialog may appear.
"""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

import pytest

from briefings.errors import ContentErrors
from briefings.pipeline import BuildOptions, build

from .conftest import FIXED_NOW

ADVERSARIAL = Path(__file__).parent / "adversarial"
ATOM = "{http://www.w3.org/2005/Atom}"
TITLE = "<script>alert('title')</script> & </title><script>alert('title-2')</script>"


class Scanner(HTMLParser):
    """Everything in a page that a browser would execute, and the text a reader sees."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.dangers: list[str] = []
        self.text: list[str] = []
        self.json_ld: list[str] = []
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            if found.get("type") == "application/ld+json" and "src" not in found:
                self._script = ""
            else:
                self.dangers.append(f"<script {found}>")
        if tag in ("iframe", "object", "embed", "style", "svg", "base", "form", "meta") and tag != "meta":
            self.dangers.append(f"<{tag}>")
        if tag == "meta" and (found.get("http-equiv") or "").lower() == "refresh":
            self.dangers.append("<meta refresh>")
        for name, value in attrs:
            if name.startswith("on"):
                self.dangers.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "srcdoc", "data", "poster") and value:
                scheme = value.strip().split(":", 1)[0].lower()
                if ":" in value and scheme in ("javascript", "vbscript", "data", "file"):
                    self.dangers.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.json_ld.append(self._script)
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script += data
        else:
            self.text.append(data)


def scan(html: str) -> Scanner:
    scanner = Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ADVERSARIAL, root, dirs_exist_ok=True)
    build(BuildOptions(content=root / "content", output=root / "_site", now=FIXED_NOW))
    return root / "_site"


def test_nothing_executable_reaches_any_html_page(hostile):
    pages = sorted(hostile.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        scanner = scan(page.read_text(encoding="utf-8"))
        assert scanner.dangers == [], f"{page.relative_to(hostile)}: {scanner.dangers}"
        for block in scanner.json_ld:
            data = json.loads(block)  # JSON-LD stays valid JSON, and stays in its script
            assert "<" not in block and data


def test_payloads_are_shown_as_text(hostile):
    page = scan((hostile / "briefings/script-title/index.html").read_text(encoding="utf-8"))
    text = "".join(page.text)
    assert TITLE in text  # the <h1>, the <title>
    assert "<script>alert(‘body’)</script>" in text  # Markdown's smart quotes, and still text
    assert "<a href=“javascript:alert(‘raw-a’)”>raw anchor</a>" in text
    assert "<svg onload=alert('author')>" in text
    assert "{{ 7*7 }}" in text and "49" not in text
    home = scan((hostile / "index.html").read_text(encoding="utf-8"))
    assert "Desk <script>alert('site-title')</script>" in "".join(home.text)


def test_feeds_are_well_formed_and_carry_the_text_unchanged(hostile):
    feeds = [hostile / "feed.xml", *hostile.glob("*/*/feed.xml")]
    assert len(feeds) > 3
    for feed in feeds:
        root = ElementTree.parse(feed).getroot()
        for entry in root.iter(f"{ATOM}entry"):
            assert entry.findtext(f"{ATOM}title") == TITLE
            content = entry.findtext(f"{ATOM}content") or ""
            assert scan(content).dangers == []  # what a feed reader renders
    ElementTree.parse(hostile / "sitemap.xml")
    for data in hostile.glob("*.json"):
        assert json.loads(data.read_text(encoding="utf-8"))


def test_no_dialog_opens_in_a_browser(hostile, browser):
    dialogs: list[str] = []
    page = browser.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for html in sorted(hostile.rglob("*.html")):
        page.goto(html.as_uri())
        page.wait_for_load_state("load")
    page.close()
    assert dialogs == []


def test_traversal_and_links_out_of_content_are_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("---\ntitle: Secret\ndate: 2026-03-05\ntopics: [T]\n---\n")
    root = tmp_path / "desk"
    shutil.copytree(ADVERSARIAL, root)
    content = root / "content"
    briefing = "---\ntitle: T\ndate: 2026-03-05\ntopics: [T]\nsources: [{outlet: X}]\nslug: {}\n---\n"
    for name, slug in (("up", "../../escaped"), ("abs", "/tmp/escaped"), ("win", "'..\\\\..\\\\escaped'")):
        (content / f"briefings/{name}.md").write_text(briefing.replace("{}", slug), encoding="utf-8")
    (content / "briefings/linked.md").symlink_to(outside / "secret.md")
    (content / "images").symlink_to(outside)
    (content / "notes").mkdir()
    (content / "notes/a\\b.txt").write_text("windows separator")
    (content / "notes/loop").symlink_to(content)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))

    with pytest.raises(ContentErrors) as caught:
        build(BuildOptions(content=content, output=root / "_site", now=FIXED_NOW))

    messages = {f"{e.path.relative_to(content)}: {e.message}" for e in caught.value.errors}
    assert {m.split(":")[0] for m in messages} == {
        "briefings/up.md",
        "briefings/abs.md",
        "briefings/win.md",
        "briefings/linked.md",
        "images",
        "notes/a\\b.txt",
        "notes/loop",
    }
    assert (
        "briefings/linked.md: a link to a file outside content/ is refused; copy the file in instead"
        in messages
    )
    assert "images: a link to a folder outside content/ is refused; copy the files in instead" in messages
    assert all(e.line for e in caught.value.errors if e.path.suffix == ".md" and not e.path.is_symlink())
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert not (tmp_path / "escaped").exists() and not Path("/tmp/escaped").exists()
    assert os.listdir(outside) == ["secret.md"]


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<p onclick="alert(1)">x</p>',
        '<a href=" JavaScript:alert(1)">x</a>',
        '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
        "<iframe src=x></iframe>",
    ],
)
def test_the_scanner_sees_what_would_run(html):
    assert scan(html).dangers


def test_a_link_to_a_briefing_that_is_read_anyway_is_refused_not_published_twice(example_copy):
    briefings = example_copy.content / "briefings"
    (briefings / "debate-link.md").symlink_to("2026-03-04-burgum-meets-rodriguez-in-caracas.md")
    with pytest.raises(ContentErrors) as caught:
        example_copy.build()
    (error,) = caught.value.errors
    assert error.path.name == "debate-link.md" and "published twice; delete the link" in error.message
    assert "2026-03-04-burgum-meets-rodriguez-in-caracas.md" in error.message
    # Two links to one file that is not read itself (kept in a hidden folder): the same.
    (briefings / "debate-link.md").unlink()
    (example_copy.content / ".kept").mkdir()
    (example_copy.content / ".kept" / "note.md").write_text(
        "---\ntitle: Note\ndate: 2026-03-06\ntopics: [Diplomacy]\n---\nText.\n", encoding="utf-8"
    )
    (briefings / "2026-03-06-a.md").symlink_to("../.kept/note.md")
    (briefings / "2026-03-06-b.md").symlink_to("../.kept/note.md")
    with pytest.raises(ContentErrors) as caught:
        example_copy.build()
    (error,) = caught.value.errors
    assert error.path.name == "2026-03-06-b.md" and "2026-03-06-a.md" in error.message
