"""Whole builds through the CLI and the pipeline: what a writer and a maintainer see."""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefings import inputs
from briefings.errors import ContentErrors

from .conftest import ROOT, SiteDir
from .test_incremental import files_under

BRIEFING = """
title: US and Venezuela agree to restore relations
date: 2026-03-05T14:00:00-05:00
topics: [US–Venezuela, Diplomacy]
actors: [Delcy Rodríguez]
"""


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_cli_builds_and_prints_one_line_summary(site):
    site.briefing("2026-03-05-relations", BRIEFING)
    result = run_cli("build", cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built 1 briefing into _site:")
    assert "pages" in result.stdout and result.stdout.strip().endswith("s.")
    assert (site.output / "briefings/relations/index.html").is_file()
    assert "rewritten" not in result.stdout  # a first build writes every file


def test_a_rebuild_says_how_many_files_it_rewrote(site):
    site.briefing("2026-03-05-relations", BRIEFING)
    site.briefing("2026-03-06-follow-up", BRIEFING.replace("title: ", "title: Follow-up, ", 1))
    first = run_cli("build", cwd=site.root)
    total = int(re.search(r"(\d+) files", first.stdout).group(1))
    assert " (0 rewritten) " in run_cli("build", cwd=site.root).stdout
    path = site.content / "briefings/2026-03-06-follow-up.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA correction.\n", encoding="utf-8")
    again = run_cli("build", cwd=site.root)
    rewritten = int(re.search(r"\((\d+) rewritten\)", again.stdout).group(1))
    assert 0 < rewritten < total, again.stdout


def test_cli_reports_every_error_with_file_and_line_and_keeps_the_old_site(site):
    site.briefing("2026-03-05-relations", BRIEFING)
    assert run_cli("build", cwd=site.root).returncode == 0
    before = {p: p.read_bytes() for p in site.output.rglob("*") if p.is_file()}
    site.briefing("2026-03-06-bad-date", "title: Bad\ndate: March 5, 2026\ntopics: [T]")
    site.briefing("2026-03-07-no-title", "date: 2026-03-07\ntopics: [T]")
    site.briefing("2026-03-08-typo", "title: Typo\ndate: 2026-03-08\ntopcis: [T]")
    result = run_cli("build", cwd=site.root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert (
        "content/briefings/2026-03-06-bad-date.md:3: date: 'March 5, 2026' is not an ISO 8601 date; write 2026-03-05"
        in lines
    )
    assert (
        "content/briefings/2026-03-07-no-title.md:2: title: required field is missing; add a line 'title: …'"
        in lines
    )
    assert any(
        line.startswith(
            "content/briefings/2026-03-08-typo.md:4: unknown field 'topcis'; did you mean 'topics'?"
        )
        for line in lines
    )
    after = {p: p.read_bytes() for p in site.output.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in site.root.iterdir() if p.name.startswith("._site")]


def test_two_builds_are_byte_identical(example_copy, tmp_path):
    first = example_copy.build()
    copy = tmp_path / "first"
    example_copy.output.rename(copy)
    example_copy.build()
    comparison = filecmp.dircmp(copy, example_copy.output)
    assert first.files_written > 20

    def differences(cmp: filecmp.dircmp) -> list[str]:
        found = cmp.left_only + cmp.right_only + cmp.diff_files
        for sub in cmp.subdirs.values():
            found += differences(sub)
        return found

    assert differences(comparison) == []
    # filecmp compares contents shallowly by stat; check bytes too.
    for path in copy.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (example_copy.output / path.relative_to(copy)).read_bytes()


def test_spellings_with_one_slug_are_one_term_named_by_profile_or_majority(site):
    site.write(
        "actors/delcy-rodriguez.md",
        "---\nname: Delcy Rodríguez\naliases: [Delcy Rodriguez]\nkind: person\n---\nInterim president.\n",
    )
    site.briefing(
        "2026-03-01-a", "title: A\ndate: 2026-03-01\ntopics: [US–Venezuela]\nactors: [Delcy Rodriguez]"
    )
    site.briefing("2026-03-02-b", "title: B\ndate: 2026-03-02\ntopics: [US-Venezuela]")
    site.briefing("2026-03-03-c", "title: C\ndate: 2026-03-03\ntopics: [US-Venezuela]")
    report = site.build()
    assert [t.term.name for t in report.site.topics] == ["US-Venezuela"]
    assert [t.term.name for t in report.site.actors] == ["Delcy Rodríguez"]
    page = site.read("actors/delcy-rodriguez/index.html")
    assert '<h1 dir="ltr">Delcy Rodríguez</h1>' in page and "Interim president." in page
    assert len(report.site.topics[0].articles) == 3


def test_a_tie_between_spellings_keeps_the_accents_and_not_the_capitals(site):
    # One use of each spelling, no profile: the accented spelling, in ordinary capitals,
    # names the page, whichever briefing is read first.
    site.briefing("2026-03-01-a", "title: A\ndate: 2026-03-01\ntopics: [PETRÓLEO]\nactors: [Delcy Rodriguez]")
    site.briefing("2026-03-02-b", "title: B\ndate: 2026-03-02\ntopics: [Petroleo]\nactors: [DELCY RODRÍGUEZ]")
    site.briefing("2026-03-03-c", "title: C\ndate: 2026-03-03\ntopics: [Petróleo]\nactors: [Delcy Rodríguez]")
    site.briefing("2026-03-04-d", "title: D\ndate: 2026-03-04\ntopics: [Energia]\nactors: [Nicolás Maduro]")
    site.briefing("2026-03-05-e", "title: E\ndate: 2026-03-05\ntopics: [Energía]\nactors: [Nicolas Maduro]")
    report = site.build()
    assert [t.term.name for t in report.site.actors] == ["Delcy Rodríguez", "Nicolás Maduro"]
    assert [t.term.name for t in report.site.topics] == ["Energía", "Petróleo"]


def test_topic_and_actor_indexes_are_in_alphabetical_order_whatever_the_accents(site):
    names = [
        "Tribunal Supremo",
        "Ángela Zambrano",
        "Asamblea Nacional",
        "Ñañez Ávila",
        "Numa Rojas",
        "Óscar Ochoa",
        "Łukasz Nowak",
    ]
    site.briefing(
        "2026-03-01-a",
        f"title: A\ndate: 2026-03-01\ntopics: [Ética pública, Economía, Ávila y urbanismo]\nactors: [{', '.join(names)}]",
    )
    report = site.build()
    assert [t.term.name for t in report.site.actors] == [
        "Ángela Zambrano",
        "Asamblea Nacional",
        "Łukasz Nowak",
        "Ñañez Ávila",
        "Numa Rojas",
        "Óscar Ochoa",
        "Tribunal Supremo",
    ]
    assert [t.term.name for t in report.site.topics] == ["Ávila y urbanismo", "Economía", "Ética pública"]
    page = site.read("actors/index.html")
    assert page.index("Ángela Zambrano") < page.index("Asamblea Nacional") < page.index("Tribunal Supremo")


def test_term_without_profile_still_gets_a_page(site):
    site.briefing("2026-03-01-a", "title: A\ndate: 2026-03-01\ntopics: [Oil]\nactors: [Владимир Путин]")
    site.build()
    assert '<h1 dir="ltr">Владимир Путин</h1>' in site.read("actors/vladimir-putin/index.html")
    assert '<h1 dir="ltr">Oil</h1>' in site.read("topics/oil/index.html")


def test_briefing_page_shows_what_a_reader_needs(site):
    site.briefing(
        "2026-03-05-relations",
        BRIEFING
        + """updated: 2026-03-06
location: Caracas
authors: [Americas desk]
sources:
  - {outlet: Fox News Digital, title: "Restored ties", url: "https://example.com/a", date: 2026-03-05}
""",
        "First paragraph is the summary.\n\nMore text.\n",
    )
    site.build()
    page = site.read("briefings/relations/index.html")
    assert '<time datetime="2026-03-05T14:00:00-05:00">March 5, 2026</time>' in page
    assert '<time datetime="2026-03-06">March 6, 2026</time>' in page  # written without a time
    assert "Caracas" in page and "By Americas desk" in page
    # A summary taken from the first paragraph is not shown twice: once, in the body; lists
    # and the description carry it.
    assert 'class="summary"' not in page and page.count("<p>First paragraph is the summary.</p>") == 1
    assert '<meta name="description" content="First paragraph is the summary.">' in page
    assert '<p class="summary" dir="ltr">First paragraph is the summary.</p>' in site.read("index.html")
    assert '<a dir="ltr" href="/actors/delcy-rodriguez/">Delcy Rodríguez</a>' in page
    assert '<a dir="ltr" href="/topics/diplomacy/">Diplomacy</a>' in page
    assert (
        '<a href="https://example.com/a" rel="noopener">Restored ties</a></cite>, <bdi>Fox News Digital</bdi>'
        in page
    )
    assert page.count("<h1") == 1 and '<html lang="en">' in page


def test_dates_are_shown_in_the_site_timezone(site):
    site.briefing("a", "title: Late\ndate: 2026-03-06T02:00:00Z\ntopics: [T]")
    site.build()
    # 02:00 UTC is still March 5 in New York.
    assert '<time datetime="2026-03-05T21:00:00-05:00">March 5, 2026</time>' in site.read(
        "briefings/a/index.html"
    )


def test_briefing_url_pattern_from_site_yaml(site):
    site.config("title: D\nbase_url: https://d.example/\nbriefing_url: /{year}/{month}/{day}/{slug}/\n")
    site.briefing("2026-03-05-relations", BRIEFING)
    site.build()
    assert (site.output / "2026/03/05/relations/index.html").is_file()
    assert 'href="/2026/03/05/relations/"' in site.read("index.html")


@pytest.mark.parametrize(
    "pattern",
    ["//{slug}/", "/news?id=/{slug}/", "/b#/{slug}/", "/b%2F/{slug}/", "/b\\\\x/{slug}/", "/b/{slug}"],
)
def test_a_briefing_url_that_would_lead_elsewhere_is_an_error_at_its_line(site, pattern):
    site.config(f"title: D\nbase_url: https://d.example/\nbriefing_url: '{pattern}'\n")
    site.briefing("2026-03-05-relations", BRIEFING)
    with pytest.raises(ContentErrors) as caught:
        site.build()
    (error,) = caught.value.errors
    assert (error.path.name, error.line) == ("site.yaml", 3)
    assert "must start and end with '/'" in error.message


@pytest.mark.parametrize(
    "pattern", ["/análisis/{slug}/", "/b/@{slug}/", "/b/{year}+{slug}/", "/~desk/{slug}/"]
)
def test_a_briefing_url_with_any_other_characters_is_accepted(site, pattern):
    site.config(f"title: D\nbase_url: https://d.example/\nbriefing_url: '{pattern}'\n")
    site.briefing("2026-03-05-relations", BRIEFING)
    site.build()
    assert site.read("index.html").count("relations") >= 1


def test_a_base_url_with_a_space_is_an_error(site):
    site.config("title: D\nbase_url: https://venezuela desk.example/\n")
    site.briefing("2026-03-05-relations", BRIEFING)
    with pytest.raises(ContentErrors) as caught:
        site.build()
    assert [(e.path.name, e.line) for e in caught.value.errors] == [("site.yaml", 2)]


def test_a_missing_base_url_is_a_warning_naming_site_yaml(site):
    site.config("title: D\n")
    site.briefing("2026-03-05-relations", BRIEFING)
    report = site.build()
    (warned,) = [w for w in report.warnings if w.path.name == "site.yaml"]
    assert "no base_url" in warned.message and "http://localhost:8000/" in warned.message
    assert not [w for w in site.build(base_url="https://d.example/").warnings if w.path.name == "site.yaml"]


def test_site_under_a_sub_path_links_under_it(site):
    site.briefing("2026-03-05-relations", BRIEFING)
    site.build(base_url="https://example.org/desk/")
    home = site.read("index.html")
    assert 'href="/desk/briefings/relations/"' in home
    assert 'href="/desk/assets/style.' in home
    assert '<link rel="canonical" href="https://example.org/desk/">' in home
    assert 'href="/briefings/' not in home


def test_markdown_features_and_unsafe_links(site):
    site.briefing(
        "a",
        "title: A\ndate: 2026-03-05\ntopics: [T]",
        '# Top\n\n"Quoted" text[^1] and [bad](javascript:alert(1)) <b>raw</b>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: A note.\n',
    )
    site.build()
    page = site.read("briefings/a/index.html")
    assert page.count("<h1") == 1 and '<h2 id="top">Top</h2>' in page
    assert "“Quoted”" in page and "<table>" in page
    assert 'id="fn-a-1"' in page
    assert 'href="javascript:' not in page
    assert "&lt;b&gt;raw&lt;/b&gt;" in page


def test_html_comments_are_notes_left_out_of_the_page(site):
    body = (
        "<!-- TODO: a better lede -->\nThe lede.\n\n<!--more-->\n\nMore, <!-- check the figure --> with "
        '`<!-- code -->` kept, "support" in **Caracas**, per [the note](/about/).\n\n'
        "<!-- a note to the editor\nover two lines -->\n<?xml not a tag?>\n## Background {#why}\n"
    )
    site.briefing(
        "a",
        "title: A\ndate: 2026-03-05\ntopics: [T]\nevents: [{date: 2026-03-04, text: 'Talks <!-- verify --> end'}]",
        body,
    )
    site.build()
    page = site.read("briefings/a/index.html")
    main = page.split("<main", 1)[1]
    assert "more--" not in page and "more–" not in page and "check the figure" not in page
    assert "the editor" not in page and "verify" not in page and "TODO" not in page and "<!--" not in main
    assert "<code>&lt;!-- code --&gt;</code>" in page  # in code it is what it shows
    # The rest of the body is Markdown as ever: a comment changes nothing around it.
    assert '“support” in <strong>Caracas</strong>, per <a href="/about/">the note</a>' in page
    assert '<h2 id="why">Background</h2>' in page and "<p>&lt;?xml not a tag?&gt;</p>" in page
    assert '<meta name="description" content="The lede.">' in page
    assert "Talks  end" in site.read("chronology/index.html")


def test_an_html_comment_left_open_hides_nothing_after_it(site):
    site.briefing("a", "title: A\ndate: 2026-03-05\ntopics: [T]", "Lede.\n\n<!-- oops\n\nThe *rest* of it.\n")
    site.build()
    page = site.read("briefings/a/index.html")
    assert "<p>&lt;!-- oops</p>" in page and "<p>The <em>rest</em> of it.</p>" in page


def test_raw_html_only_when_site_yaml_allows_it(site):
    site.config("title: D\nmarkdown: {raw_html: true}\n")
    site.briefing("a", "title: A\ndate: 2026-03-05\ntopics: [T]", "<b>raw</b>\n")
    site.build()
    assert "<b>raw</b>" in site.read("briefings/a/index.html")


def test_two_briefings_with_one_slug_name_both_files(site):
    site.briefing("2026-03-05-same", "title: A\ndate: 2026-03-05\ntopics: [T]")
    site.briefing("2026-03-06-same", "title: B\ndate: 2026-03-06\ntopics: [T]")
    with pytest.raises(ContentErrors) as caught:
        site.build()
    (error,) = caught.value.errors
    assert "2026-03-05-same.md" in error.message and error.path.name == "2026-03-06-same.md"


def test_static_files_are_copied_and_pages_get_their_own_address(site):
    site.briefing("a", "title: A\ndate: 2026-03-05\ntopics: [T]")
    site.write("pages/about.md", "---\ntitle: About us\n---\nWho we are.\n")
    (site.content / "images").mkdir()
    (site.content / "images/map.png").write_bytes(b"\x89PNG fake")
    site.build()
    assert '<h1 dir="ltr">About us</h1>' in site.read("about/index.html")
    assert (site.output / "images/map.png").read_bytes() == b"\x89PNG fake"


def test_template_mistakes_name_the_template_and_line(example_copy):
    import shutil

    shutil.copytree(ROOT / "templates", example_copy.root / "templates")
    template = example_copy.root / "templates/briefing.html"
    original = template.read_text(encoding="utf-8")
    line = next(n for n, text in enumerate(original.splitlines(), 1) if "{{ b.title }}</h1>" in text)
    for broken, words in (("{{ b.title }", "unexpected '}'"), ("{{ b.titel }}", "has no attribute 'titel'")):
        template.write_text(original.replace("{{ b.title }}</h1>", broken + "</h1>"), encoding="utf-8")
        result = run_cli("build", cwd=example_copy.root)
        assert result.returncode == 1
        assert f"templates/briefing.html:{line}: template error:" in result.stderr
        assert words in result.stderr and "Traceback" not in result.stderr
        # A first build that fails leaves neither an output nor a cache behind.
        assert not example_copy.output.exists() and not (example_copy.root / ".cache").exists()


def test_a_missing_template_is_reported_where_it_is_named(example_copy):
    import shutil

    shutil.copytree(ROOT / "templates", example_copy.root / "templates")
    base = example_copy.root / "templates/base.html"
    lines = base.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(2, '{% include "partials/masthead.html" %}\n')
    base.write_text("".join(lines), encoding="utf-8")
    result = run_cli("build", cwd=example_copy.root)
    assert result.returncode == 1
    assert "templates/base.html:3: template not found: partials/masthead.html" in result.stderr


def test_pasted_control_characters_are_reported_at_their_line(site):
    site.briefing("a", "title: A\ndate: 2026-03-05\ntopics: [T]", "Fine line.\n\nPasted\x0ctext.\n")
    with pytest.raises(ContentErrors) as caught:
        site.build()
    (error,) = caught.value.errors
    assert (error.path.name, error.line) == ("a.md", 8)
    assert "U+000C" in error.message and "delete it" in error.message


def test_a_same_day_update_without_a_time_is_accepted(site):
    site.briefing("a", "title: A\ndate: 2026-03-05T14:00:00-05:00\nupdated: 2026-03-05\ntopics: [T]")
    site.build()
    page = site.read("briefings/a/index.html")
    assert "Updated <time" in page
    # Metadata and feeds never say it was modified before it was published.
    assert '"dateModified": "2026-03-05T14:00:00-05:00"' in page
    assert '<meta property="article:modified_time" content="2026-03-05T14:00:00-05:00">' in page
    assert "<updated>2026-03-05T14:00:00-05:00</updated>" in site.read("feed.xml")


def test_event_years_out_of_range_are_errors_not_crashes(site):
    site.briefing(
        "a",
        "title: A\ndate: 2026-03-05\ntopics: [T]\nevents: [{date: 0000, text: X}, {date: 9999-12, text: Y}]",
    )
    with pytest.raises(ContentErrors) as caught:
        site.build()
    assert [e.line for e in caught.value.errors] == [5, 5]
    assert all("write a year from 0001 to 9998" in e.message for e in caught.value.errors)


def test_body_headings_never_take_an_id_the_page_uses(site):
    site.briefing(
        "a", "title: A\ndate: 2026-03-05\ntopics: [T]", "## Main\n\n## Facts events\n\n## Background\n"
    )
    site.build()
    page = site.read("briefings/a/index.html")
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert '<h2 id="section-main">Main</h2>' in page and '<h2 id="background">Background</h2>' in page


def test_a_heading_may_give_its_own_id_as_hugo_and_pandoc_write_it(site):
    body = (
        "## Metodo\n\n## Metodología {#metodo}\n\nText.\n\n## Again {#metodo}\n\n## Ours {#main}\n\n"
        "## metodo\n\n## Dates {#2026 talks}\n\n## Años {#años}\n"
    )
    written = site.briefing("a", "title: A\ndate: 2026-03-05\ntopics: [T]", body)
    report = site.build()
    page = site.read("briefings/a/index.html")
    assert '<h2 id="metodo">Metodología</h2>' in page
    # Taken already, by a heading above or by the page itself, or not an id: left as written,
    # to be seen, and the writer is told where, and what to write instead.
    assert ">Again {#metodo}</h2>" in page and ">Ours {#main}</h2>" in page
    assert ">Dates {#2026 talks}</h2>" in page
    lines = written.read_text(encoding="utf-8").split("\n")
    told = {(w.line, w.severity): w.message for w in report.warnings if w.path == written}
    assert "a heading above has that id" in told[(lines.index("## Again {#metodo}") + 1, "warning")]
    assert "{#section-main}" in told[(lines.index("## Ours {#main}") + 1, "warning")]
    assert "starts with a letter" in told[(lines.index("## Dates {#2026 talks}") + 1, "warning")]
    assert "no accents" in told[(lines.index("## Años {#años}") + 1, "warning")]
    assert sum("{#" in message for message in told.values()) == 4  # not the id it took
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # the heading above, made "metodo" before, steps aside


def test_a_base_url_that_is_not_absolute_is_refused(site):
    site.briefing("a", "title: A\ndate: 2026-03-05\ntopics: [T]")
    result = run_cli("build", "--base-url", "example.org/desk", cwd=site.root)
    assert result.returncode == 1
    assert "must be an absolute http(s) URL" in result.stderr and "Traceback" not in result.stderr
    # Absolute, but with what no URL holds: the character is named, with the fix.
    result = run_cli("build", "--base-url", "https://example.org/my desk/", cwd=site.root)
    assert result.returncode == 1 and "has a space, which a URL cannot hold" in result.stderr
    assert "a space is %20" in result.stderr


def test_an_empty_base_url_is_refused_not_ignored(site):
    # `--base-url "$DEPLOY_PRIME_URL"` with the variable unset: a preview must not get production's addresses.
    site.briefing("a", "title: A\ndate: 2026-03-05\ntopics: [T]")
    for command in ("build", "check"):
        result = run_cli(command, "--base-url", "", cwd=site.root)
        assert result.returncode == 1, command
        assert "is empty (was it given by a variable that is not set?)" in result.stderr + result.stdout
    assert not site.output.exists()


def test_site_root_links_are_absolute_in_feeds(site):
    import feedparser

    site.briefing("a", "title: A\ndate: 2026-03-05\ntopics: [T]", "See [about](/about/).\n")
    site.build(base_url="https://example.org/desk/")
    (entry,) = feedparser.parse(site.read("feed.xml")).entries
    assert 'href="https://example.org/desk/about/"' in entry.content[0].value
    assert '<a href="/desk/about/">about</a>' in site.read("briefings/a/index.html")


def test_missing_site_yaml_says_what_to_create(site):
    site.briefing("a", "title: A\ndate: 2026-03-05\ntopics: [T]")
    (site.root / "site.yaml").unlink()
    result = run_cli("build", cwd=site.root)
    assert result.returncode == 1
    assert "site.yaml: site settings not found: create site.yaml beside content/" in result.stderr


@pytest.mark.parametrize("output", [".", "content", "content/site", "templates"])
def test_an_output_folder_that_would_destroy_sources_is_refused(site, output):
    site.briefing("a", "title: A\ndate: 2026-03-05\ntopics: [T]")
    (site.root / "templates").mkdir()
    (site.root / "templates/NOTES.txt").write_text("mine")
    before = sorted(p.relative_to(site.root) for p in site.root.rglob("*"))
    result = run_cli("build", "--output", output, cwd=site.root)
    assert result.returncode == 1 and "refusing to build into" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.relative_to(site.root) for p in site.root.rglob("*")) == before


def test_a_folder_of_other_files_is_not_replaced(site):
    site.briefing("a", "title: A\ndate: 2026-03-05\ntopics: [T]")
    (site.root / "Documents").mkdir()
    (site.root / "Documents/letter.txt").write_text("keep me")
    result = run_cli("build", "--output", "Documents", cwd=site.root)
    assert result.returncode == 1 and "holds files but is no site a build wrote" in result.stderr
    assert (site.root / "Documents/letter.txt").read_text() == "keep me"
    (site.root / "Documents/index.html").write_text("<p>My own page</p>")  # made by hand, not built
    result = run_cli("build", "--output", "Documents", cwd=site.root)
    assert result.returncode == 1 and "holds files but is no site a build wrote" in result.stderr
    assert (site.root / "Documents/letter.txt").read_text() == "keep me"
    assert run_cli("build", "--output", "_site", cwd=site.root).returncode == 0
    assert run_cli("build", "--output", "_site", cwd=site.root).returncode == 0  # its own site: replaced


def test_builds_in_different_environments_are_byte_identical(tmp_path):
    # Separate copies, so no cache is shared; different hash seeds, clocks' zones and locales.
    import os
    import shutil

    outputs = []
    for n, env in enumerate(
        (
            {"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C"},
            {"PYTHONHASHSEED": "2", "TZ": "Asia/Tokyo", "LC_ALL": "C.UTF-8"},
        )
    ):
        root = tmp_path / f"copy{n}"
        shutil.copytree(ROOT / "content", root / "content")
        shutil.copy(ROOT / "site.yaml", root / "site.yaml")
        result = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "build"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, **env},
        )
        assert result.returncode == 0, result.stderr
        outputs.append(
            {
                p.relative_to(root / "_site"): p.read_bytes()
                for p in (root / "_site").rglob("*")
                if p.is_file()
            }
        )
    assert outputs[0].keys() == outputs[1].keys()
    assert [name for name in outputs[0] if outputs[0][name] != outputs[1][name]] == []


def test_a_duplicate_key_does_not_hide_the_other_mistakes_in_the_file(site):
    site.briefing(
        "2026-03-07-bad",
        'title: A\ndate: 2026-02-30\ntopics: [T]\ntopics: [U]\nslug: ../../etc/x\nsources: [{outlet: X, url: "javascript:alert(1)"}]',
    )
    with pytest.raises(ContentErrors) as caught:
        site.build()
    assert [(e.line, e.message.split(":")[0]) for e in caught.value.errors] == [
        (3, "date"),
        (5, "topics"),
        (6, "slug"),
        (7, "sources[1].url"),
    ]


def test_a_date_is_shown_as_precise_as_it_was_written(site):
    """`date: 2026-03-05` is that day, not midnight; a time of day, when given, is kept."""
    site.briefing("2026-03-05-day", "title: A day\ndate: 2026-03-05\nupdated: 2026-03-06\ntopics: [Oil]")
    site.briefing("2026-03-05-hour", "title: An hour\ndate: 2026-03-05T14:30:00-05:00\ntopics: [Oil]")
    site.build()
    day, hour = site.read("briefings/day/index.html"), site.read("briefings/hour/index.html")
    assert 'Published <time datetime="2026-03-05">March 5, 2026</time>' in day
    assert 'Updated <time datetime="2026-03-06">March 6, 2026</time>' in day
    assert 'Published <time datetime="2026-03-05T14:30:00-05:00">March 5, 2026</time>' in hour
    # feeds need a full date-time: a day is its start in the site's timezone
    assert "<published>2026-03-05T00:00:00" in site.read("feed.xml")


def test_previews_mark_drafts_and_scheduled_briefings_in_every_list(site):
    site.briefing("2026-03-05-done", "title: Done\ndate: 2026-03-05\ntopics: [Oil]")
    site.briefing("2026-03-06-wip", "title: Work in progress\ndate: 2026-03-06\ntopics: [Oil]\ndraft: true")
    site.briefing("2026-12-01-later", "title: Later\ndate: 2026-12-01\ntopics: [Oil]")
    site.build(drafts=True, future=True)  # as `serve` builds
    for page in ("index.html", "topics/oil/index.html", "archive/index.html", "chronology/index.html"):
        html = site.read(page)
        assert 'Work in progress</a> <span class="flag">Draft</span>' in html, page
        assert 'Later</a> <span class="flag">Scheduled</span>' in html, page
        ends = {"chronology": "</span>", "archive": "</h4>"}.get(page.split("/")[0], "</h3>")
        done = f"Done</a>{ends}"  # no flag
        assert done in html, page
    site.build()  # published: neither is in the site, and nothing is flagged
    assert 'class="flag"' not in site.read("topics/oil/index.html")
    assert 'class="flag"' not in site.read("chronology/index.html")


def test_a_scheduled_briefing_that_comes_due_loses_its_flag_in_the_chronology(site):
    site.briefing("2026-12-01-later", "title: Later\ndate: 2026-12-01\ntopics: [Oil]")
    site.build(future=True)
    assert 'Later</a> <span class="flag">Scheduled</span>' in site.read("chronology/index.html")
    site.build(future=True, now=datetime(2026, 12, 2, tzinfo=UTC))
    chronology = site.read("chronology/index.html")
    assert "Later</a></span>" in chronology and 'class="flag"' not in chronology


def test_a_control_character_in_front_matter_hides_none_of_the_files_other_mistakes(site):
    site.briefing("a", "title: A\x08 pasted\ndate: 2026-02-30\ntopcis: [T]\nlocation: Cara\x00cas", "Body.\n")
    with pytest.raises(ContentErrors) as caught:
        site.build()
    found = sorted((e.line, e.message) for e in caught.value.errors)
    assert [line for line, _ in found] == [2, 3, 4, 5]
    assert "U+0008" in found[0][1] and "delete it" in found[0][1]
    assert "2026-02-30" in found[1][1]
    assert "topcis" in found[2][1] and "topics" in found[2][1]
    assert "U+0000" in found[3][1]


def test_markdown_named_otherwise_is_read_or_refused_never_published_as_it_is(site):
    site.briefing("2026-03-05-a", "title: A\ndate: 2026-03-05\ntopics: [T]")
    site.write(
        "briefings/2026-03-06-embargoed.MD",
        "---\ntitle: Embargoed\ndate: 2026-03-06\ntopics: [T]\ndraft: true\n---\nSecret.\n",
    )
    site.write(
        "briefings/2026-03-07-long.markdown",
        "---\ntitle: Long name\ndate: 2026-03-07\ntopics: [T]\n---\nText.\n",
    )
    report = site.build()
    assert report.summary.left_out_drafts == 1
    assert not list(site.output.rglob("*.MD")) and not list(site.output.rglob("*.markdown"))
    assert "Long name" in site.read("briefings/long/index.html")
    # An attachment beside a briefing, and a page's companion file, are published as they are.
    site.write("briefings/2026-03-05-a/statement.txt", "The ministry's statement, in full.\n")
    site.write("pages/humans.txt", "Made by the desk.\n")
    site.build()
    assert (site.output / "briefings" / "2026-03-05-a" / "statement.txt").is_file()
    site.write("briefings/2026-03-08-notes.md.txt", "---\ntitle: Notes\ndraft: true\n---\nSecret.\n")
    site.write(
        "briefings/2026-03-09-embargo.md.bak", "---\r\ntitle: Embargo\r\ndraft: true\r\n---\r\nSecret.\r\n"
    )
    with pytest.raises(ContentErrors) as caught:
        site.build()
    errors = sorted(caught.value.errors, key=lambda e: e.path.name)
    assert [(e.path.name, e.line) for e in errors] == [
        ("2026-03-08-notes.md.txt", 1),
        ("2026-03-09-embargo.md.bak", 1),
    ]
    assert "rename it to 2026-03-08-notes.md" in errors[0].message
    assert not (site.output / "briefings" / "2026-03-08-notes.md.txt").exists()


def test_a_profile_with_a_mistake_is_reported_once_not_as_a_missing_profile_everywhere(site):
    site.write(
        "actors/us-department-of-the-interior.md", "---\nname: U.S. Department of the Interior\n---\nX.\n"
    )
    site.write(
        "actors/us-department-of-state.md",
        "---\nname: U.S. Department of State\nrole: Ministry: foreign\n---\nX.\n",
    )
    for day in ("05", "06"):
        site.briefing(
            f"2026-03-{day}-a{day}",
            f"title: A\ndate: 2026-03-{day}\ntopics: [T]\nactors: [U.S. Department of State]",
        )
    with pytest.raises(ContentErrors) as caught:
        site.build()
    assert [(e.path.name, e.line) for e in caught.value.errors] == [("us-department-of-state.md", 3)]
    assert not [w for w in caught.value.warnings if "has no profile" in w.message]


def test_mistakes_in_site_yaml_and_in_content_are_reported_in_one_run(site):
    site.config("title: D\nbase_url: https://d.example/\nlangauge: en\n")
    site.briefing("2026-03-05-talks", "title: Talks\ndate: 2026-3-5\ntopics: [T]")
    with pytest.raises(ContentErrors) as caught:
        site.build()
    assert sorted((e.path.name, e.line) for e in caught.value.errors) == [
        ("2026-03-05-talks.md", 3),
        ("site.yaml", 3),
    ]
    # Even when site.yaml is not YAML at all: the content is read with default settings.
    site.config("title: [D\n")
    with pytest.raises(ContentErrors) as caught:
        site.build()
    assert sorted(e.path.name for e in caught.value.errors) == ["2026-03-05-talks.md", "site.yaml"]
    assert not [w for w in caught.value.warnings if "base_url" in w.message]


def test_a_comma_in_a_single_name_is_a_warning_that_shows_the_list(site, monkeypatch):
    site.briefing("2026-03-05-a", 'title: A\ndate: 2026-03-05\ntopics: "Diplomacy, US–Venezuela"')
    report = site.build()
    (warned,) = [w for w in report.warnings if "one name" in w.message]
    assert (warned.path.name, warned.line) == ("2026-03-05-a.md", 4)
    assert "write topics: [Diplomacy, US–Venezuela]" in warned.message
    assert (site.output / "topics" / "diplomacy-us-venezuela" / "index.html").is_file()
    with pytest.raises(ContentErrors):
        site.build(strict=True)
    # When nothing changed, the build is skipped and reports the warning it recorded (the
    # files just written count as settled, as a writer's are by the next build).
    monkeypatch.setattr(inputs, "RECENT_NS", 0)
    site.build()
    again = site.build()
    assert again.route == "unchanged"
    assert [w for w in again.warnings if "one name" in w.message]


@pytest.mark.parametrize(
    ("zone", "front"),
    [
        ("America/New_York", "date: 2026-03-05\nupdated: 9999-12-31T23:00"),
        ("Europe/Berlin", "date: 0001-01-01"),
        ("UTC", "date: 9999-12-31"),
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_errors_in_any_timezone(site, zone, front):
    # Feeds and the calendar export move every date to UTC: these would fall off the calendar.
    site.config(f"title: D\nbase_url: https://d.example/\ntimezone: {zone}\n")
    site.briefing("a", f"title: A\n{front}\ntopics: [T]")
    with pytest.raises(ContentErrors) as caught:
        site.build(future=True)
    (error,) = caught.value.errors
    assert "write a year from 0002 to 9998" in error.message


def test_names_of_a_profile_with_a_mistake_are_known_whatever_its_file_is_called(site):
    site.write(
        "actors/us-department-of-the-interior.md", "---\nname: U.S. Department of the Interior\n---\nX.\n"
    )
    site.write(
        "topics/state.md",
        "---\nname: U.S. Department of State\naliases: State Department\nrole: x\n---\nX.\n",
    )
    site.write(
        "actors/state-department.md",
        "---\nname: U.S. Department of State\naliases: [State Dept]\nkind: [agency]\n---\nX.\n",
    )
    site.briefing(
        "2026-03-05-a",
        "title: A\ndate: 2026-03-05\ntopics: [T]\nactors: [U.S. Department of State, State Dept]",
    )
    with pytest.raises(ContentErrors) as caught:
        site.build()
    assert sorted(e.path.name for e in caught.value.errors) == ["state-department.md", "state.md"]
    assert not [w for w in caught.value.warnings if "has no profile" in w.message]


def test_a_file_saved_as_utf16_says_so(site):
    path = site.content / "briefings" / "2026-03-05-a.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("---\ntitle: A\ndate: 2026-03-05\ntopics: [T]\n---\nText.\n".encode("utf-16"))
    with pytest.raises(ContentErrors) as caught:
        site.build()
    (error,) = caught.value.errors
    assert (error.line, error.message) == (1, "the file is saved as UTF-16; save it as UTF-8")


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        # It would become <html lang="English">.
        (b"title: D\nbase_url: https://d.example/\nlanguage: English\n", "write e.g. en"),
        # Windows line endings: lines are counted as an editor shows them.
        (b"title: D\r\nbase_url: https://d.example/\r\nlangauge: en\r\n", "langauge"),
        # A city for a zone: the zone named after it.
        (b"title: D\nbase_url: https://d.example/\ntimezone: Madrid\n", "timezone; write Europe/Madrid"),
        # A slip in the spelling, or the case: the zone meant.
        (
            b"title: D\nbase_url: https://d.example/\ntimezone: Europe/Sofiya\n",
            "timezone; write Europe/Sofia",
        ),
        (
            b"title: D\nbase_url: https://d.example/\ntimezone: america/caracas\n",
            "timezone; write America/Caracas",
        ),
        # Left empty: every date would be shown in UTC without a word.
        (b"title: D\nbase_url: https://d.example/\ntimezone:\n", "timezone: is empty; write a value"),
        (b"title: D\nbase_url: https://d.example/\nlanguage: ''\n", "language: is empty"),
        # Sections' folders: one slug each, none twice, none another part's.
        (
            b"title: D\nbase_url: https://d.example/\nsections: {topics: Temas}\n",
            "sections.topics: 'Temas' must be one folder",
        ),
        (
            b"title: D\nbase_url: https://d.example/\nsections: {actors: briefings}\n",
            "the folder of the briefings",
        ),
        (
            b"title: D\nbase_url: https://d.example/\nsections: {topics: actors}\n",
            "also the folder of the actors (rename",
        ),
        (
            b"title: D\nbase_url: https://d.example/\nsections: {tags: temas}\n",
            "unknown field 'sections.tags'",
        ),
        (b"title: D\nbase_url: https://d.example/\nsections: {topics: ''}\n", "sections.topics: is empty"),
        # Hugo's names for our settings.
        (b"title: D\nlanguage: en\nbaseURL: https://d.example/\n", "'baseURL'; did you mean 'base_url'?"),
        (b"title: D\nbase_url: https://d.example/\nlanguageCode: en\n", "did you mean 'language'?"),
    ],
)
def test_a_site_yaml_mistake_on_its_third_line(site, settings, words):
    (site.root / "site.yaml").write_bytes(settings)
    site.briefing("2026-03-05-relations", BRIEFING)
    with pytest.raises(ContentErrors) as caught:
        site.build()
    (error,) = caught.value.errors
    assert (error.path.name, error.line) == ("site.yaml", 3) and words in error.message


def test_sections_may_be_published_under_folders_of_the_desks_own(example_copy):
    settings = example_copy.root / "site.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + "sections: {topics: temas, actors: actores, chronology: cronologia, archive: archivo}\n"
    )
    example_copy.build()
    out = example_copy.output
    assert {p.name for p in out.iterdir() if p.is_dir()} >= {"temas", "actores", "cronologia", "archivo"}
    assert not any((out / old).exists() for old in ("topics", "actors", "chronology", "archive"))
    assert (out / "temas/diplomacy/feed.xml").is_file() and (
        out / "actores/delcy-rodriguez/index.html"
    ).is_file()
    home = example_copy.read("index.html")
    assert all(f'href="/{folder}/"' in home for folder in ("temas", "actores", "cronologia", "archivo"))
    assert 'href="/cronologia/#e-' in example_copy.read(
        "briefings/burgum-meets-rodriguez-in-caracas/index.html"
    )
    assert "https://venezuela-desk.netlify.app/temas/diplomacy/" in example_copy.read("sitemap.xml")
    # Every link on the site leads somewhere.
    result = run_cli("check", cwd=example_copy.root)
    assert result.returncode == 0, result.stdout


def test_a_written_summary_is_the_pages_lede(site):
    site.briefing(
        "2026-03-05-a", "title: A\ndate: 2026-03-05\ntopics: [T]\nsummary: In short, talks resumed."
    )
    site.build()
    assert '<p class="summary" dir="ltr">In short, talks resumed.</p>' in site.read("briefings/a/index.html")


def test_a_theme_folder_missing_templates_says_it_replaces_the_bundled_one(site):
    site.briefing("2026-03-05-relations", BRIEFING)
    (site.root / "templates").mkdir()
    (site.root / "templates" / "base.html").write_text((ROOT / "templates" / "base.html").read_text())
    with pytest.raises(ContentErrors) as caught:
        site.build()
    assert any("replaces the whole bundled theme" in e.message for e in caught.value.errors)


def test_an_empty_folder_is_told_both_what_is_missing(tmp_path):
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 1
    assert "site.yaml" in result.stderr and "content folder not found" in result.stderr


def test_a_copy_of_a_briefing_saved_as_text_is_not_to_be_renamed_over_it(site):
    site.briefing("2026-03-05-a", "title: A\ndate: 2026-03-05\ntopics: [T]")
    site.write("briefings/2026-03-05-a.md.txt", "---\ntitle: A\n---\nOld.\n")
    site.write("briefings/2026-03-06-b.markdown", "---\ntitle: B\ndate: 2026-03-06\ntopics: [T]\n---\nB.\n")
    site.write("briefings/2026-03-06-b.markdown.bak", "---\ntitle: B\n---\nOld.\n")
    site.write("briefings/2026-03-07-c.MD.txt", "---\ntitle: C\n---\nNew.\n")
    with pytest.raises(ContentErrors) as caught:
        site.build()
    fixes = {e.path.name: e.message.split("unread: ")[-1] for e in caught.value.errors}
    assert fixes == {
        "2026-03-05-a.md.txt": "it looks like a copy of 2026-03-05-a.md, which is read: delete it, or move it out of content/",
        "2026-03-06-b.markdown.bak": "it looks like a copy of 2026-03-06-b.markdown, which is read: delete it, or move it out of content/",
        "2026-03-07-c.MD.txt": "rename it to 2026-03-07-c.md",
    }


def test_messages_show_control_characters_instead_of_obeying_them(site):
    # A file name or a key can carry what a terminal obeys: clear the screen, hide the
    # lines after it, set the window's title.
    site.briefing("2026-03-05-talks", 'title: Talks\ndate: 2026-03-05\n"\\e[2J\\e]0;pwned\\a": 1')
    site.write("briefings/2026-03-06-a\x1b[8mhidden.md", "---\ntitle: [unclosed\n---\n")
    result = run_cli("build", cwd=site.root)
    assert result.returncode == 1
    shown = result.stdout + result.stderr
    assert "\x1b" not in shown and "\x07" not in shown
    assert "\\x1b[2J\\x1b]0;pwned\\x07" in shown
    assert "2026-03-06-a\\x1b[8mhidden.md:2:" in shown
    checked = run_cli("check", cwd=site.root)
    shown = checked.stdout + checked.stderr
    assert checked.returncode == 1 and "\x1b" not in shown and "\x07" not in shown
    assert "\\x1b[2J\\x1b]0;pwned\\x07" in shown and "\\x1b[8mhidden.md" in shown


def test_an_output_folder_where_a_theme_would_be_looked_for_is_refused(site):
    # With no templates/ yet, a site built there would become the theme of the next build.
    site.briefing("a", "title: A\ndate: 2026-03-05\ntopics: [T]")
    result = run_cli("build", "--output", "templates", cwd=site.root)
    assert result.returncode == 1 and "refusing to build into templates" in result.stderr
    assert not (site.root / "templates").exists()


def test_a_file_that_cannot_be_read_is_an_error_naming_it(site, tmp_path):
    from briefings.config import load_config
    from briefings.load import read_content_file

    config = load_config(site.root / "site.yaml")
    # A folder where a file was expected: reading it fails even for root.
    _, item, problems = read_content_file(tmp_path, "briefings", config)
    assert item is None
    assert [p.format() for p in problems] == [
        f"{tmp_path}: cannot read this file (Is a directory); check its permissions"
    ]


NOBODY = 65534


@pytest.fixture
def refusable_site():
    """A site and a `build.py` runner for a user the file system can refuse. Root reads any
    file, so under root the runner is `nobody` (with setpriv), and the site is theirs."""
    root = Path(tempfile.mkdtemp(prefix="briefings-perm-"))
    root.chmod(0o755)
    site = SiteDir(root)
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("root reads any file, and setpriv is missing to run as another user")
        prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        probe = subprocess.run([*prefix, sys.executable, "-c", "import click"], cwd=ROOT, capture_output=True)
        if probe.returncode != 0:
            pytest.skip(f"root reads any file, and nobody cannot run this Python: {probe.stderr[-200:]!r}")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        if prefix:
            for path in (root, *root.rglob("*")):
                os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
        return subprocess.run(
            [*prefix, sys.executable, str(ROOT / "build.py"), *args],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "XDG_CACHE_HOME": str(root / ".user-cache")},
        )

    try:
        yield site, run
    finally:
        for path in (root, *root.rglob("*")):
            if not path.is_symlink():
                path.chmod(0o700)
        shutil.rmtree(root)


def test_an_unreadable_briefing_is_reported_with_the_rest(refusable_site):
    site, run = refusable_site
    site.briefing("2026-03-05-talks", "title: Talks\ndate: 2026-03-05\ntopics: [T]")
    locked = site.briefing("2026-03-06-locked", "title: Locked\ndate: 2026-03-06\ntopics: [T]")
    locked.chmod(0)
    result = run("build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "2026-03-06-locked.md: cannot read this file (Permission denied)" in result.stderr


def test_an_unreadable_folder_is_an_error_not_a_folder_with_nothing_in_it(refusable_site):
    site, run = refusable_site
    site.briefing("2026-03-05-talks", "title: Talks\ndate: 2026-03-05\ntopics: [T]")
    site.briefing("2026/2026-03-06-visit", "title: Visit\ndate: 2026-03-06\ntopics: [T]")
    assert run("build").returncode == 0
    (site.content / "briefings/2026").chmod(0)
    before = files_under(site.output)
    result = run("build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "content/briefings/2026: cannot read this folder (Permission denied)" in result.stderr
    assert files_under(site.output) == before  # the visit is still published


def test_a_rebuild_says_which_pages_are_gone_since_the_last(site):
    site.briefing("2026-03-05-talks", "title: Talks\ndate: 2026-03-05\ntopics: [Oil]")
    renamed = site.briefing("2026-03-06-visit", "title: Visit\ndate: 2026-03-06\ntopics: [Oil]")
    assert run_cli("build", cwd=site.root).returncode == 0
    renamed.rename(renamed.with_name("2026-03-06-state-visit.md"))
    result = run_cli("build", cwd=site.root)
    assert result.returncode == 0
    assert "Gone since the last build: /briefings/visit/. Links to it now find nothing" in result.stdout
    assert "'redirect_from: [/old/address/]'" in result.stdout  # how to keep it
    again = run_cli("build", cwd=site.root)  # said once
    assert "Gone" not in again.stdout
    moved = renamed.with_name("2026-03-06-state-visit.md")
    moved.write_text(
        moved.read_text(encoding="utf-8").replace("title:", "redirect_from: /briefings/visit/\ntitle:")
    )
    assert run_cli("build", cwd=site.root).returncode == 0
    assert "/briefings/state-visit/" in site.read("briefings/visit/index.html")


def test_warnings_are_printed_in_the_order_of_their_lines(site):
    # Found by different stages (a body by loading, a source and a near name by indexing).
    site.write("actors/delcy-rodriguez.md", "---\nname: Delcy Rodríguez\n---\n")
    site.write(
        "briefings/2026-03-01-order.md",
        "---\ntitle: Order\ndate: 2026-03-01\ntopics: [A]\nactors: [Delcy Rodrigues]\n---\n\n",
    )
    result = run_cli("build", cwd=site.root)
    assert result.returncode == 0, result.stderr
    lines = [int(line.split(":")[1]) for line in result.stderr.splitlines() if "2026-03-01-order.md:" in line]
    assert len(lines) == 3 and lines == sorted(lines), result.stderr


def test_an_old_html_address_dropped_is_named_among_the_pages_gone(site):
    front = "title: Talks\ndate: 2026-03-05\ntopics: [Oil]"
    path = site.briefing("2026-03-05-talks", front + "\nredirect_from: [/old.html, /older/page.html]")
    assert run_cli("build", cwd=site.root).returncode == 0
    assert (site.output / "old.html").is_file()
    path.write_text(
        path.read_text(encoding="utf-8").replace("\nredirect_from: [/old.html, /older/page.html]", "")
    )
    result = run_cli("build", cwd=site.root)
    assert (
        "Gone since the last build: /old.html, /older/page.html. Links to them now find nothing"
        in result.stdout
    )
    assert not (site.output / "old.html").exists()


def test_one_output_folder_however_it_is_written_is_one_to_the_cache(site):
    site.briefing("2026-03-05-talks", "title: Talks\ndate: 2026-03-05\ntopics: [Oil]")
    gone = site.briefing("2026-03-06-visit", "title: Visit\ndate: 2026-03-06\ntopics: [Oil]")
    assert run_cli("build", cwd=site.root).returncode == 0
    gone.unlink()
    result = run_cli("build", "--output", f"../{site.root.name}/_site", cwd=site.root)
    assert "Gone since the last build: /briefings/visit/." in result.stdout
    assert "rewritten" in result.stdout  # in place: the same folder, known as built


def test_site_settings_that_are_a_folder_are_one_clear_error(site):
    (site.root / "site.yaml").unlink()
    (site.root / "site.yaml").mkdir()
    result = run_cli("build", cwd=site.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "site.yaml: is a folder; the site settings are one YAML file" in result.stderr


def test_an_output_folder_that_cannot_be_written_is_one_clear_line(refusable_site):
    site, run = refusable_site
    site.briefing("2026-03-05-talks", "title: Talks\ndate: 2026-03-05\ntopics: [T]")
    (site.root / "locked").mkdir()
    (site.root / "locked").chmod(0o555)
    result = run("build", "--output", "locked/site")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        "Build failed: " in result.stderr
        and "Permission denied; locked/site left unchanged." in result.stderr
    )


def test_no_color_turns_off_colored_errors_on_a_terminal(site, monkeypatch):
    from click.testing import CliRunner

    from briefings.cli import main

    monkeypatch.chdir(site.root)
    runner = CliRunner()
    colored = runner.invoke(main, ["build", "--base-url", "x"], color=True)
    plain = runner.invoke(main, ["build", "--base-url", "x"], color=True, env={"NO_COLOR": "1"})
    assert colored.exit_code == plain.exit_code == 1
    assert "\x1b[31m" in colored.output and "must be an absolute http(s) URL" in colored.output
    assert "\x1b[" not in plain.output and "must be an absolute http(s) URL" in plain.output


@pytest.mark.parametrize(("name", "status"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_build_stopped_by_a_signal_says_so_and_exits_with_its_status(example_copy, name, status):
    example_copy.build()
    before = files_under(example_copy.output)
    # A theme whose 404 page takes seconds to render: the build is surely under way.
    shutil.copytree(ROOT / "templates", example_copy.root / "templates")
    (example_copy.root / "templates/404.html").write_text(
        '{% extends "base.html" %}{% block main %}{% set ns = namespace(n=0) %}'
        "{% for i in range(8000000) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}{% endblock %}",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "build"],
        cwd=example_copy.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    process.send_signal(getattr(signal, name))
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == status
    assert "Build interrupted; _site left unchanged." in stderr and "Traceback" not in stderr
    assert files_under(example_copy.output) == before
    assert [p.name for p in example_copy.root.iterdir() if ".new-" in p.name] == []


def test_a_themes_assets_leave_out_editors_files_and_name_a_missing_one(site):
    # As in content/: a backup, a swap file or a .DS_Store is never published (here, for a
    # year, as an immutable asset).
    site.briefing("2026-03-05-relations", BRIEFING)
    shutil.copytree(ROOT / "templates", site.root / "templates")
    assets = site.root / "templates" / "assets"
    for name in (".DS_Store", "style.css~", ".style.css.swp"):
        (assets / name).write_bytes(b"x")
    site.build()
    published = sorted(p.name for p in (site.output / "assets").iterdir())
    assert [name for name in published if "DS_Store" in name or name.endswith(("~", ".swp"))] == []
    assert "DS_Store" not in site.read("_headers")
    (assets / "style.css").unlink()
    with pytest.raises(ContentErrors) as caught:
        site.build()
    (error,) = caught.value.errors
    assert (
        error.path.name == "base.html"
        and "'style.css': the theme's assets/ folder has no such file" in error.message
    )
