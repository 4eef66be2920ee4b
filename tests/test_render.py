"""Fragments a theme shares between pages: rendered once per build, printed as a loop would."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from briefings.config import load_config
from briefings.plan import PlannedPage
from briefings.render import direction, make_environment, render_tracked, start_build
from briefings.text_direction import html_direction
from briefings.urls import Urls

from .conftest import SITE_YAML


class Item:
    def __init__(self, name: str, body_html: str):
        self.name, self.body_html = name, body_html


def environment(tmp_path: Path, rendered: list[str]):
    (tmp_path / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    config = load_config(tmp_path / "site.yaml")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "_m.html").write_text(
        "{% macro item(x, mark) %}<li>{{ mark }} {{ x.name }}{{ count(x.name) }}</li>{% endmacro %}\n",
        encoding="utf-8",
    )
    (templates / "loop.html").write_text(
        '{% import "_m.html" as m %}<ol>\n{% for x in items %}\n{{ shared(m.item, x, "·") }}\n{% endfor %}\n</ol>\n',
        encoding="utf-8",
    )
    (templates / "lines.html").write_text(
        '{% import "_m.html" as m %}<ol>\n{{ shared_lines(m.item, items, "·") }}</ol>\n', encoding="utf-8"
    )
    env = make_environment(templates, config, Urls(config, {}))
    env.globals["count"] = lambda name: rendered.append(name) or ""
    return env


def page(template: str, items: list[Item]) -> PlannedPage:
    return PlannedPage(PurePosixPath(f"{template}/index.html"), template, {"items": items})


def test_shared_lines_prints_what_the_loop_prints_and_renders_each_item_once(tmp_path):
    rendered: list[str] = []
    env = environment(tmp_path, rendered)
    items = [Item("Caracas <talks>", "<p>a</p>"), Item("Oil & gas", "<p>b</p>")]
    start_build(env)
    looped = render_tracked(env, page("loop.html", items)).data
    lined = render_tracked(env, page("lines.html", items)).data
    assert lined == looped
    assert lined.decode() == "<ol>\n<li>· Caracas &lt;talks&gt;</li>\n<li>· Oil &amp; gas</li>\n</ol>\n"
    # Both pages showed both items; each was rendered once.
    assert rendered == ["Caracas <talks>", "Oil & gas"]
    assert render_tracked(env, page("lines.html", []))[0] == b"<ol>\n</ol>\n"
    start_build(env)  # a new build renders them again
    render_tracked(env, page("lines.html", items))
    assert len(rendered) == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Talks resume in Caracas", "ltr"),
        ("«فنزويلا والولايات المتحدة تستأنفان العلاقات؟»", "rtl"),
        ("حزب الله ties to Maduro probed by Treasury", "ltr"),  # most of it is English
        ("2026: שיחות בקראקס", "rtl"),  # opens with digits, then Hebrew
        ("ترامب يلتقي Delcy Rodríguez في Caracas", "rtl"),  # Arabic, with two Latin names
        ("PDVSA توقع اتفاقًا مع Chevron", "rtl"),
        ("اجتماع OPEC في Wien", "rtl"),  # as many words each way: the first decides
        ("Delcy Rodríguez", "ltr"),
        ("", "ltr"),
    ],
)
def test_a_text_runs_in_the_direction_of_most_of_its_letters(text, expected):
    assert direction(text) == expected


def test_a_body_runs_in_the_direction_of_its_text_not_of_its_markup():
    arabic = '<p>نص <a href="https://example.org/caracas-talks">قصير</a> &amp; <em>جدا</em>.</p>\n'
    assert html_direction(arabic) == "rtl"  # the link's address and the tags are no words
    assert html_direction('<p>Talks <a href="https://example.org/">resume</a>.</p>') == "ltr"
    assert html_direction("<p>Maduro, in Arabic: مادورو</p>") == "ltr"
    # Code is no prose; a character reference is the letters it stands for.
    assert html_direction("<p>استخدم <code>git commit --amend --no-edit</code> ثم</p>") == "rtl"
    assert html_direction("<p>AT&amp;T وقعت عقدا</p>") == "rtl"
