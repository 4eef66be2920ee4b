"""`build.py new`: one command starts a briefing or a profile that builds as it is."""

from __future__ import annotations

import subprocess
import sys

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
    assert "date: 2026-03-06T10:30:00-05:00" in text  # the site timezone, New York
    assert 'topics: ["US–Venezuela"]' in text  # the profile's name, found by alias
    assert 'actors: ["Delcy Rodríguez", "New Person"]' in text
    assert "draft: true" in text and "events: []" in text and "#   text:" in text
    # As written it is a draft: left out. Published, it builds and shows.
    report = example_copy.build()
    assert report.site.left_out_drafts == 1
    path.write_text(text.replace("draft: true", "draft: false"), encoding="utf-8")
    example_copy.build()
    page = example_copy.read("briefings/oil-what-next/index.html")
    assert "Oil: what next?" in page and "/actors/new-person/" in page


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
    third = new(example_copy, "US forces seize Maduro in Caracas", "--date", "2026-03-10")
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
    assert "<h1>María Corina Machado</h1>" in example_copy.read("actors/maria-corina-machado/index.html")
