"""`build.py new`: one command starts a briefing or a profile that builds as it is."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys

import pytest

from briefings.errors import ContentErrors
from briefings.load import NEW_BODY

from .conftest import ROOT


def new(site, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "new", *args],
        cwd=site.root,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_new_briefing_has_complete_front_matter_and_builds(example_copy):
    result = new(
        example_copy,
        "Oil: what next?",
        "--topic",
        "US-Venezuela",
        "--actor",
        "Delcy Rodriguez",
        "--actor",
        "New Person",
        "--date",
        "2026-03-06T10:30",
    )
    assert result.returncode == 0, result.stderr
    path = example_copy.root / result.stdout.strip()
    assert path.relative_to(example_copy.root).as_posix() == "content/briefings/2026-03-06-oil-what-next.md"
    text = path.read_text(encoding="utf-8")
    assert 'title: "Oil: what next?"' in text
    assert "date: 2026-03-06T10:30:00\n" in text  # as given: the site's timezone reads it
    assert 'topics: ["US–Venezuela"]' in text  # the profile's name, found by alias
    assert 'actors: ["Delcy Rodríguez", "New Person"]' in text
    assert "draft: true" in text and "events:\n" in text and "#   text:" in text
    # As written it is a draft: left out. Published, it builds and shows.
    report = example_copy.build()
    assert report.site.left_out_drafts == 1
    path.write_text(text.replace("draft: true", "draft: false"), encoding="utf-8")
    example_copy.build()
    page = example_copy.read("briefings/oil-what-next/index.html")
    assert "Oil: what next?" in page and "/actors/new-person/" in page


def test_a_time_the_clocks_skip_is_refused_by_new_as_the_build_would(example_copy):
    # New York's clocks go from 02:00 to 03:00 on 8 March 2026: the build would refuse the
    # file, and with it the whole desk, draft or not.
    result = new(example_copy, "Clock test", "--date", "2026-03-08T02:30")
    assert result.returncode == 2
    assert "skipped by the clocks in America/New_York" in result.stderr
    assert "2026-03-08T03:30:00-04:00" in result.stderr
    assert not list((example_copy.content / "briefings").glob("*clock-test*"))
    # The hour after, and the day alone, are fine.
    assert new(example_copy, "Clock test", "--date", "2026-03-08T03:30").returncode == 0
    assert new(example_copy, "Day test", "--date", "2026-03-08").returncode == 0
    example_copy.build(drafts=True)


def test_new_refuses_to_overwrite(example_copy):
    args = ("Same title", "--date", "2026-03-09")
    assert new(example_copy, *args).returncode == 0
    path = example_copy.content / "briefings/2026-03-09-same-title.md"
    path.write_text(path.read_text() + "\nMy words.\n")
    again = new(example_copy, *args)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert "My words." in path.read_text()


def test_a_title_another_day_already_has_gets_a_slug_of_its_own(example_copy):
    # A weekly roundup keeps its title: each new one must still build beside the others.
    first = new(example_copy, "Weekly roundup", "--topic", "Diplomacy", "--date", "2026-03-02")
    second = new(example_copy, "Weekly roundup", "--topic", "Diplomacy", "--date", "2026-03-09")
    third = new(
        example_copy, "US forces seize Maduro in Caracas", "--topic", "Diplomacy", "--date", "2026-03-10"
    )
    assert first.stdout.strip().endswith("2026-03-02-weekly-roundup.md")
    assert second.stdout.strip().endswith("2026-03-09-weekly-roundup-2.md")
    assert third.stdout.strip().endswith("2026-03-10-us-forces-seize-maduro-in-caracas-2.md")
    for result in (first, second, third):
        path = example_copy.root / result.stdout.strip()
        path.write_text(
            path.read_text(encoding="utf-8").replace("draft: true", "draft: false"), encoding="utf-8"
        )
    example_copy.build()
    assert "Weekly roundup" in example_copy.read("briefings/weekly-roundup-2/index.html")


def test_the_same_title_twice_on_one_day_is_refused_numbered_or_not(example_copy):
    assert new(example_copy, "Weekly roundup", "--date", "2026-03-02").returncode == 0
    first = new(example_copy, "Weekly roundup", "--date", "2026-03-09")
    assert first.stdout.strip().endswith("2026-03-09-weekly-roundup-2.md")
    again = new(example_copy, "Weekly roundup", "--date", "2026-03-09")
    assert again.returncode == 1 and "2026-03-09-weekly-roundup-2.md already exists" in again.stderr


def test_a_slug_left_null_counts_as_the_file_name(example_copy):
    older = example_copy.content / "briefings/2026-03-02-weekly-roundup.md"
    older.write_text("---\ntitle: Weekly roundup\nslug: null\n---\n", encoding="utf-8")
    result = new(example_copy, "Weekly roundup", "--date", "2026-03-09")
    assert result.stdout.strip().endswith("2026-03-09-weekly-roundup-2.md")


def test_a_disk_that_refuses_the_write_leaves_no_half_file(example_copy):
    def small_files() -> None:  # as on a full disk: writes past 100 bytes fail
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))

    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "new", "Cut short", "--date", "2026-03-09"],
        cwd=example_copy.root,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=small_files,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "2026-03-09-cut-short.md: File too large" in result.stderr
    assert not (example_copy.content / "briefings/2026-03-09-cut-short.md").exists()


def test_a_very_long_title_gives_a_file_name_a_disk_takes(example_copy):
    title = "A long headline " * 20
    result = new(example_copy, title, "--date", "2026-03-09")
    assert result.returncode == 0, result.stderr
    path = example_copy.root / result.stdout.strip()
    assert len(path.name) < 100 and path.name.startswith("2026-03-09-a-long-headline-")
    assert f'title: "{title.strip()}"' in path.read_text(encoding="utf-8")


def test_new_actor_and_topic_profiles(example_copy):
    made = new(example_copy, "actor", "María Corina Machado")
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "content/actors/maria-corina-machado.md"
    assert 'name: "María Corina Machado"' in (example_copy.root / made.stdout.strip()).read_text()
    topic = new(example_copy, "topic", "Oil licences")
    assert topic.stdout.strip() == "content/topics/oil-licences.md", topic.stderr
    duplicate = new(example_copy, "actor", "Delcy Rodriguez")
    assert duplicate.returncode == 1 and "Delcy Rodríguez" in duplicate.stderr
    example_copy.build()
    assert '<h1 dir="ltr">María Corina Machado</h1>' in example_copy.read(
        "actors/maria-corina-machado/index.html"
    )


def test_a_name_whose_profile_file_is_named_otherwise_gets_no_second_profile(example_copy):
    # Profiles in other scripts are often saved under a name of the writer's choosing.
    profile = example_copy.content / "topics" / "diplomacy.md"
    profile.rename(profile.with_name("talks.md"))
    again = new(example_copy, "topic", "Diplomacy")
    assert again.returncode == 1
    assert "'Diplomacy' already has a profile: content/topics/talks.md" in again.stderr
    assert sorted(p.name for p in (example_copy.content / "topics").iterdir()) == [
        "critical-minerals.md",
        "maduro-prosecution.md",
        "talks.md",
        "us-venezuela.md",
    ]
    example_copy.build()  # the desk still builds


def test_a_profile_name_may_go_unquoted_and_nothing_placeholder_is_published(example_copy):
    made = new(example_copy, "actor", "Edmundo", "González", "Urrutia")
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "content/actors/edmundo-gonzalez-urrutia.md"
    assert not list((example_copy.content / "briefings").glob("*actor*"))
    example_copy.build()
    page = example_copy.read("actors/edmundo-gonzalez-urrutia/index.html")
    assert "Edmundo González Urrutia" in page and "sentence or two" not in page  # the hint is a comment


def test_briefing_options_given_to_new_profile_are_refused(example_copy):
    result = new(example_copy, "topic", "Oil licences", "--topic", "Energy")
    assert result.returncode == 2 and "--topic, --actor and --date are for briefings" in result.stderr
    assert not (example_copy.content / "topics/oil-licences.md").exists()


def test_a_title_that_starts_with_a_dash_goes_after_two(example_copy):
    made = new(example_copy, "--topic", "Oil", "--date", "2026-03-06", "--", "-5% oil output in March")
    assert made.returncode == 0, made.stderr
    assert 'title: "-5% oil output in March"' in (example_copy.root / made.stdout.strip()).read_text()


def test_new_knows_profiles_saved_as_md_in_capitals(example_copy):
    profile = example_copy.content / "actors" / "delcy-rodriguez.md"
    profile.rename(profile.with_name("delcy-rodriguez.MD"))
    result = new(
        example_copy, "Talks", "--topic", "Diplomacy", "--actor", "delcy rodriguez", "--date", "2026-03-06"
    )
    assert result.returncode == 0, result.stderr
    text = (example_copy.root / result.stdout.strip()).read_text(encoding="utf-8")
    assert 'actors: ["Delcy Rodríguez"]' in text


def test_examples_in_a_new_briefing_read_once_uncommented(example_copy):
    result = new(example_copy, "Talks", "--topic", "Diplomacy", "--date", "2026-03-06")
    path = example_copy.root / result.stdout.strip()
    text = path.read_text(encoding="utf-8")
    uncommented = text.replace("  # - {outlet", "  - {outlet").replace("  # - date", "  - date")
    uncommented = uncommented.replace("  #   text", "    text").replace("  #   actors", "    actors")
    path.write_text(uncommented.replace("draft: true", "draft: false"), encoding="utf-8")
    example_copy.build()
    assert "What happened, in one sentence." in example_copy.read("briefings/talks/index.html")


def test_without_a_topic_no_made_up_one_is_written_and_the_build_asks_for_one(example_copy):
    result = new(example_copy, "Talks", "--date", "2026-03-06")
    path = example_copy.root / result.stdout.strip()
    text = path.read_text(encoding="utf-8")
    assert "topics: []" in text and "Topic" not in text.split("topics:")[1].split("\n")[0]
    # A draft is left out: it does not stop the desk's build, which says what it lacks.
    report = example_copy.build()
    assert [(w.line, w.message.split(":")[0]) for w in report.warnings if w.path.name == path.name] == [
        (5, "topics")
    ]
    assert not (example_copy.output / "briefings" / "talks").exists()
    # Published so, it is refused, at the same line.
    path.write_text(text.replace("draft: true", "draft: false"), encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        example_copy.build()
    assert [e.line for e in caught.value.errors] == [5]


def test_the_placeholder_of_a_new_briefing_is_not_published_without_a_word(example_copy):
    result = new(example_copy, "Talks", "--topic", "Diplomacy", "--date", "2026-03-06")
    path = example_copy.root / result.stdout.strip()
    report = example_copy.build()  # a draft: the placeholder is expected there
    assert not [w for w in report.warnings if w.path.name == path.name and "placeholder" in w.message]
    text = path.read_text(encoding="utf-8").replace("draft: true", "draft: false")
    path.write_text(text, encoding="utf-8")
    report = example_copy.build()
    (said,) = [w for w in report.warnings if w.path.name == path.name and "placeholder" in w.message]
    assert said.line == text.splitlines().index(NEW_BODY) + 1 and "write the briefing" in said.message


def test_new_actor_guesses_its_kind_and_needs_a_name(example_copy):
    new(example_copy, "actor", "Ministry of Foreign Affairs")
    text = (example_copy.content / "actors" / "ministry-of-foreign-affairs.md").read_text(encoding="utf-8")
    assert "kind: organization" in text
    result = new(example_copy, "actor")
    assert result.returncode == 2 and "needs a name" in result.stderr
    assert not list((example_copy.content / "briefings").glob("*-actor.md"))


def test_a_day_given_to_new_stays_that_day_whatever_the_timezone_becomes(example_copy):
    result = new(example_copy, "Rationing begins", "--topic", "Economy", "--date", "2026-03-02")
    assert result.returncode == 0, result.stderr
    path = example_copy.root / result.stdout.strip()
    assert "date: 2026-03-02\n" in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("draft: true", "draft: false"), encoding="utf-8")
    settings = example_copy.root / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("America/New_York", "Pacific/Honolulu"))
    example_copy.build()
    assert "March 2, 2026" in example_copy.read("briefings/rationing-begins/index.html")


@pytest.mark.parametrize(
    ("given", "told"),
    [
        ("2026-03", "gives no day, and a briefing needs one"),
        ("2026030514", "is not an ISO 8601 date"),  # read as a day, it would lose its hour
        ("2026-02-30", "is no date: day is out of range for month"),
        ("0001-01-01", "a briefing's year runs from 0002 to 9998"),
        ("9998-12-31T23:00-12:00", "a briefing's year runs from 0002 to 9998"),  # 9999 in New York
        ("2026-13", "is not an ISO 8601 date"),
    ],
)
def test_new_refuses_a_date_the_build_would_refuse(example_copy, given, told):
    result = new(example_copy, "Probe", "--topic", "Economy", "--date", given)
    assert result.returncode == 2 and told in result.stderr
    assert "Traceback" not in result.stderr


def test_a_time_with_an_offset_is_written_in_the_site_timezone(example_copy):
    result = new(example_copy, "Probe", "--topic", "Economy", "--date", "2026-03-06T02:00Z")
    assert result.returncode == 0, result.stderr
    path = example_copy.root / result.stdout.strip()
    assert path.name.startswith("2026-03-05-")  # New York's day, as the page will show it
    assert "date: 2026-03-05T21:00:00-05:00\n" in path.read_text(encoding="utf-8")
