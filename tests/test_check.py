"""`python build.py check`: what a writer or CI sees before publishing, and `--strict`."""

from __future__ import annotations

import json
import shutil

from .conftest import ROOT
from .test_build import run_cli

GOOD = "title: Talks\ndate: 2026-03-05\ntopics: [Diplomacy]\nsources: [{outlet: Reuters}]"
LINKS = """\
See [the talks](/briefings/talks/), [the about page](/about/) and [a note](#fn-links-1).[^1]

A [missing briefing](/briefings/nope/) and [a missing entry](/chronology/#e-2026-01-01-nothing).

![A map](/images/map.png) and ![no map](/images/missing.png) and [elsewhere](https://example.com/x).

[^1]: A note.
"""


def desk(site):
    site.briefing("2026-03-05-talks", GOOD)
    site.write("pages/about.md", "---\ntitle: About\n---\nWho we are.\n")
    (site.content / "images").mkdir()
    (site.content / "images/map.png").write_bytes(b"png")
    return site


def test_a_link_to_a_draft_or_a_scheduled_briefing_says_which_and_when(site):
    desk(site)
    site.briefing("2026-03-07-embargo", GOOD.replace("Talks", "Embargo") + "\ndraft: true")
    site.briefing("2099-01-02-later", GOOD.replace("Talks", "Later").replace("2026-03-05", "2099-01-02"))
    body = "See [the embargo](/briefings/embargo/) and [what comes](/briefings/later/).\n"
    site.briefing("2026-03-06-links", GOOD.replace("Talks", "Links"), body)
    result = run_cli("check", cwd=site.root)
    assert result.returncode == 1
    assert (
        "  7: error: link to /briefings/embargo/ leads nowhere yet: "
        "content/briefings/2026-03-07-embargo.md is a draft (draft: true) (on /briefings/links/index.html)"
    ) in result.stdout.splitlines()
    assert (
        "  7: error: link to /briefings/later/ leads nowhere yet: "
        "content/briefings/2099-01-02-later.md is scheduled for 2099-01-02 (on /briefings/links/index.html)"
    ) in result.stdout.splitlines()
    # Checked as the preview shows them, both are there.
    assert run_cli("check", "--drafts", "--future", cwd=site.root).returncode == 0


def test_a_clean_site_passes_and_nothing_is_written(site):
    desk(site)
    result = run_cli("check", cwd=site.root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: checked ")
    assert "internal links" in result.stdout
    assert not site.output.exists()
    assert not [p for p in site.root.iterdir() if p.name.startswith("._site")]


def test_broken_links_are_listed_under_the_file_and_line_that_wrote_them(site):
    desk(site)
    site.briefing("2026-03-06-links", GOOD.replace("Talks", "Links"), LINKS)
    result = run_cli("check", cwd=site.root)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "content/briefings/2026-03-06-links.md"
    assert lines[1:4] == [
        "  9: error: link to /briefings/nope/ leads nowhere: nothing is published at /briefings/nope/ "
        "(on /briefings/links/index.html)",
        "  9: error: link to /chronology/#e-2026-01-01-nothing leads nowhere: /chronology/ has no anchor "
        'id="e-2026-01-01-nothing" (on /briefings/links/index.html)',
        "  11: error: link to /images/missing.png leads nowhere: nothing is published at /images/missing.png "
        "(on /briefings/links/index.html)",
    ]
    assert lines[-1].startswith("Check failed: 3 errors, 0 warnings; checked ")
    assert "\x1b[" not in result.stdout  # not a terminal: no colors
    assert "Traceback" not in result.stderr


def test_site_root_links_in_markdown_follow_the_base_path(site):
    # Writers link as if the site were at '/'; a deploy under /desk/ moves the links with it,
    # and a link to a page that does not exist is still caught there.
    desk(site)
    body = "[the talks](/briefings/talks/) and [gone](/briefings/gone/)\n"
    site.briefing("2026-03-06-links", GOOD.replace("Talks", "Links"), body)
    result = run_cli("check", "--base-url", "https://example.org/desk/", cwd=site.root)
    assert result.returncode == 1
    broken = [line for line in result.stdout.splitlines() if "error:" in line]
    assert len(broken) == 1 and "link to /briefings/gone/ leads nowhere" in broken[0], result.stdout
    assert "nothing is published at /desk/briefings/gone/" in broken[0]
    site.build(base_url="https://example.org/desk/")
    assert '<a href="/desk/briefings/talks/">the talks</a>' in site.read("briefings/links/index.html")


def test_content_errors_are_grouped_by_file_and_counted(site):
    desk(site)
    site.briefing("2026-03-06-bad", "title: Bad\ndate: March 6, 2026\ntopcis: [T]")
    result = run_cli("check", cwd=site.root)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "content/briefings/2026-03-06-bad.md",
        "  3: error: date: 'March 6, 2026' is not an ISO 8601 date; write 2026-03-06",
        "  4: error: unknown field 'topcis'; did you mean 'topics'?",
        "Check failed: 2 errors, 0 warnings; checked the content.",
    ]


def test_json_for_tools(site):
    desk(site)
    site.briefing("2026-03-06-bad", "title: Bad\ndate: 2026-02-30\ntopics: [T]")
    result = run_cli("check", "--format", "json", cwd=site.root)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["errors"] == 1
    assert report["problems"] == [
        {
            "file": "content/briefings/2026-03-06-bad.md",
            "line": 3,
            "severity": "error",
            "message": "date: '2026-02-30' does not exist; February 2026 has 28 days",
        }
    ]


def test_strict_makes_warnings_count_in_check_and_build(site):
    desk(site)
    site.briefing("2026-03-06-unsourced", "title: Unsourced\ndate: 2026-03-06\ntopics: [Diplomacy]")
    warning = (
        "content/briefings/2026-03-06-unsourced.md:2: warning: no sources: add 'sources:' with at least one "
        "item like '- {outlet: Reuters, url: https://…}'"
    )

    relaxed = run_cli("check", cwd=site.root)
    assert relaxed.returncode == 0 and "1 warning" in relaxed.stdout
    strict = run_cli("check", "--strict", cwd=site.root)
    assert strict.returncode == 1
    assert "Check failed: 0 errors, 1 warning (--strict: warnings count)" in strict.stdout
    assert json.loads(run_cli("check", "--strict", "--format", "json", cwd=site.root).stdout)["ok"] is False

    built = run_cli("build", cwd=site.root)
    assert built.returncode == 0 and warning in built.stderr.splitlines()
    before = {p: p.read_bytes() for p in site.output.rglob("*") if p.is_file()}
    refused = run_cli("build", "--strict", cwd=site.root)
    assert refused.returncode == 1
    assert warning.replace(": warning: ", ": ") in refused.stderr.splitlines()
    assert "Build failed: 1 error; _site left unchanged." in refused.stderr
    assert {p: p.read_bytes() for p in site.output.rglob("*") if p.is_file()} == before


def test_a_failed_build_still_shows_its_warnings(site):
    desk(site)
    site.briefing("2026-03-06-unsourced", "title: Unsourced\ndate: 2026-03-06\ntopics: [Diplomacy]")
    site.briefing("2026-03-07-bad", "title: Bad\ndate: yesterday\ntopics: [Diplomacy]")
    result = run_cli("build", cwd=site.root)
    assert result.returncode == 1
    assert any(": warning: no sources" in line for line in result.stderr.splitlines())
    assert "Build failed: 1 error" in result.stderr


def test_raw_html_is_announced(site):
    desk(site)
    site.config("title: D\nmarkdown: {raw_html: true}\n")
    assert "raw HTML in Markdown is ON" in run_cli("build", cwd=site.root).stdout
    assert "raw HTML in Markdown is ON" in run_cli("check", cwd=site.root).stdout


def test_a_broken_link_is_blamed_on_the_line_that_wrote_it_as_the_writer_typed_it(site):
    # The page prints it under the base path, %-encoded: the writer typed neither, and is
    # shown what to look for.
    desk(site)
    body = "Fine.\n\n[gone](/briefings/gone/) and [a name](/actors/işık/)\n"
    site.briefing("2026-03-06-links", GOOD.replace("Talks", "Links"), body)
    result = run_cli("check", "--base-url", "https://example.org/desk/", cwd=site.root)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "content/briefings/2026-03-06-links.md", result.stdout
    assert sorted(line.split(" leads")[0] for line in lines[1:3]) == [
        "  9: error: link to /actors/işık/",
        "  9: error: link to /briefings/gone/",
    ]
    assert "templates" not in result.stdout


def test_a_broken_link_is_blamed_on_the_link_not_on_a_field_with_the_same_text(site):
    desk(site)
    front = GOOD.replace("Talks", "Links").replace(
        "sources: [{outlet: Reuters}]", "sources: [{outlet: Gov, url: 'https://gov.example/gone/'}]"
    )
    site.briefing("2026-03-06-links", front, "Fine.\n\n[gone](/gone/)\n")
    result = run_cli("check", "--base-url", "https://example.org/desk/", cwd=site.root)
    assert result.returncode == 1
    (line,) = [line for line in result.stdout.splitlines() if "error:" in line]
    assert line.startswith("  9: error: link to /gone/ leads nowhere"), result.stdout


def test_a_broken_link_in_an_events_text_is_blamed_once_on_the_briefing(site):
    # The chronology and the topic's page print the event too (a page with a profile of
    # its own, here): the briefing wrote the link.
    desk(site)
    site.write("topics/diplomacy.md", "---\nname: Diplomacy\n---\nTalks between states.\n")
    front = (
        GOOD.replace("Talks", "Links")
        + "\nevents:\n  - {date: 2026-03-04, text: 'See [the pact](/topics/pactt/).'}"
    )
    site.briefing("2026-03-06-links", front)
    result = run_cli("check", cwd=site.root)
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if "error:" in line]
    assert errors == [line for line in errors if line.startswith("  7: error: link to /topics/pactt/")]
    assert len(errors) == 1 and "other page(s)" in errors[0], result.stdout
    assert "templates" not in result.stdout


def test_a_template_mistake_is_said_once_and_buries_nothing_under_links_it_broke(site):
    # Every briefing page fails on it: one error, with how many pages, and no "leads
    # nowhere" for the links to those pages the rest of the site holds.
    desk(site)
    site.briefing("2026-03-06-more", GOOD.replace("Talks", "More talks"))
    shutil.copytree(ROOT / "templates", site.root / "templates")
    site.write("pages/about.md", "---\ntitle: About\n---\nSee [gone](/briefings/gone/).\n")
    template = site.root / "templates" / "briefing.html"
    written = template.read_text(encoding="utf-8")
    template.write_text(written.replace("{{ b.title }}</h1>", "{{ b.titel }}</h1>"))
    result = run_cli("check", cwd=site.root)
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if "error:" in line]
    assert len(errors) == 2, result.stdout
    assert "titel" in errors[0] and "and 1 other page(s))" in errors[0]
    # The pages that did render are still checked: the about page's link leads nowhere.
    assert "link to /briefings/gone/ leads nowhere" in errors[1]
    # A syntax error names no page: it is said once, as it is.
    template.write_text(written.replace("{{ b.title }}</h1>", "{{ b.title }</h1>"))
    result = run_cli("check", cwd=site.root)
    errors = [line for line in result.stdout.splitlines() if "error:" in line]
    assert len(errors) == 2 and "rendering" not in errors[0] and "unexpected '}'" in errors[0], result.stdout
