"""Cached and incremental builds write exactly what a clean build writes, and no more."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from briefings.pipeline import BuildOptions, build

from .conftest import FIXED_NOW, ROOT, SiteDir


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def clean_build(site: SiteDir, tmp_path: Path) -> dict[str, bytes]:
    """What a first build with no cache at all writes for the same content."""
    output = tmp_path / "clean-output"
    shutil.rmtree(output, ignore_errors=True)
    build(BuildOptions(content=site.content, output=output, now=FIXED_NOW, cache=False))
    return files_under(output)


def identities(root: Path) -> dict[str, tuple[int, int]]:
    """(inode, modification time) of every file: a file written again gets new ones."""
    return {
        p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def test_second_build_writes_the_same_bytes_and_rewrites_nothing(example_copy, tmp_path):
    example_copy.build()
    first, before = files_under(example_copy.output), identities(example_copy.output)
    report = example_copy.build()
    assert files_under(example_copy.output) == first == clean_build(example_copy, tmp_path)
    assert identities(example_copy.output) == before
    assert report.files_rewritten == 0


def test_template_change_gives_the_clean_build(example_copy, tmp_path):
    shutil.copytree(ROOT / "templates", example_copy.root / "templates")
    example_copy.build()
    base = example_copy.root / "templates/base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("Skip to content", "Skip to the briefing"))
    example_copy.build()
    built = files_under(example_copy.output)
    assert "Skip to the briefing" in built["index.html"].decode()
    assert built == clean_build(example_copy, tmp_path)


def test_a_template_in_a_linked_folder_is_watched_like_the_others(example_copy, tmp_path):
    # A desk may share partials between sites through a symbolic link in templates/.
    shutil.copytree(ROOT / "templates", example_copy.root / "templates")
    shared = tmp_path / "shared-partials"
    shared.mkdir()
    (shared / "note.html").write_text("<p>Desk note, first edition.</p>\n", encoding="utf-8")
    (example_copy.root / "templates/partials").symlink_to(shared, target_is_directory=True)
    base = example_copy.root / "templates/base.html"
    text = base.read_text(encoding="utf-8")
    base.write_text(text.replace("</main>", '{% include "partials/note.html" %}</main>', 1), encoding="utf-8")
    example_copy.build()
    assert "first edition" in example_copy.read("index.html")
    (shared / "note.html").write_text("<p>Desk note, second edition.</p>\n", encoding="utf-8")
    example_copy.build()
    built = files_under(example_copy.output)
    assert "second edition" in built["index.html"].decode()
    assert built == clean_build(example_copy, tmp_path)


def test_deleted_briefing_gives_the_clean_build(example_copy, tmp_path):
    example_copy.build()
    gone = example_copy.content / "briefings/2026-03-06-analysis-what-the-agreement-leaves-open.md"
    gone.unlink()
    example_copy.build()
    built = files_under(example_copy.output)
    assert not any("analysis-what-the-agreement-leaves-open" in name for name in built)
    assert built == clean_build(example_copy, tmp_path)


def test_renamed_actor_gives_the_clean_build(example_copy, tmp_path):
    example_copy.build()
    profile = example_copy.content / "actors/doug-burgum.md"
    profile.write_text(
        profile.read_text(encoding="utf-8").replace(
            "name: Doug Burgum", "name: Douglas Burgum\naliases: [Doug Burgum]"
        )
    )
    example_copy.build()
    built = files_under(example_copy.output)
    assert "Douglas Burgum" in built["actors/doug-burgum/index.html"].decode()
    assert built == clean_build(example_copy, tmp_path)


def test_site_settings_change_gives_the_clean_build(example_copy, tmp_path):
    example_copy.build()
    settings = example_copy.root / "site.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("The Venezuela Desk", "The Caracas Desk")
    )
    example_copy.build()
    built = files_under(example_copy.output)
    assert "The Caracas Desk" in built["index.html"].decode()
    assert built == clean_build(example_copy, tmp_path)


def test_one_changed_briefing_rewrites_only_the_pages_that_show_it(site, tmp_path):
    site.briefing(
        "2026-03-02-oil",
        "title: Oil exports rise\ndate: 2026-03-02\ntopics: [Oil]\nactors: [PDVSA]",
    )
    changed = site.briefing(
        "2026-03-03-visas",
        "title: Visa services resume\ndate: 2026-03-03\ntopics: [Migration]\nactors: [Consulado]",
    )
    site.build()
    before = identities(site.output)
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("A paragraph of text.", "Two paragraphs, now.")
    )
    report = site.build()
    after = identities(site.output)
    rewritten = {name for name in after if after[name] != before.get(name)}
    assert "briefings/visas/index.html" in rewritten
    # Pages that never show the changed briefing keep their file, untouched.
    for name in ("briefings/oil/index.html", "topics/oil/index.html", "actors/pdvsa/index.html"):
        assert after[name] == before[name], name
    assert report.files_rewritten == len(rewritten)
    assert files_under(site.output) == clean_build(site, tmp_path)


def test_damaged_cache_is_detected_and_rebuilt(example_copy, tmp_path):
    example_copy.build()
    cache = example_copy.root / ".cache"
    entries = [p for p in cache.rglob("*") if p.is_file()]
    assert entries
    for n, entry in enumerate(entries):
        data = entry.read_bytes()
        # Truncated, bit-flipped, emptied: every way a disk or a killed process leaves a file.
        damaged = (
            data[: len(data) // 2] if n % 3 == 0 else b"" if n % 3 == 1 else data[:-1] + bytes([data[-1] ^ 1])
        )
        entry.write_bytes(damaged)
    # The output changes behind the cache's back, too: someone edited a page by hand.
    home = example_copy.output / "index.html"
    home.write_bytes(b"edited by hand")
    example_copy.build()
    assert files_under(example_copy.output) == clean_build(example_copy, tmp_path)


def test_cache_of_another_site_folder_is_not_trusted(example_copy, tmp_path):
    """The same content moved elsewhere: errors and pages must name the new place."""
    example_copy.build()
    moved = SiteDir.__new__(SiteDir)
    moved.root = tmp_path / "moved"
    shutil.copytree(example_copy.root, moved.root, symlinks=True)
    moved.content, moved.output = moved.root / "content", moved.root / "_site"
    os.utime(moved.content, None)
    moved.build()
    assert files_under(moved.output) == files_under(example_copy.output)


def _rewrite_keeping_size_and_date(path: Path, data: bytes) -> None:
    """An in-place change that leaves inode, size and modification time as they were."""
    info = path.stat()
    assert len(data) == info.st_size
    path.write_bytes(data)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def test_a_static_file_changed_in_place_with_its_date_put_back_is_copied_again(example_copy, tmp_path):
    logo = example_copy.content / "img/logo.txt"
    logo.parent.mkdir()
    logo.write_bytes(b"red!\n")
    example_copy.build()
    _rewrite_keeping_size_and_date(logo, b"blue\n")
    example_copy.build()
    assert (example_copy.output / "img/logo.txt").read_bytes() == b"blue\n"
    assert files_under(example_copy.output) == clean_build(example_copy, tmp_path)


def test_hand_edits_and_modes_in_the_output_are_repaired(example_copy, tmp_path):
    example_copy.build()
    page = example_copy.output / "about/index.html"
    original = page.read_bytes()
    _rewrite_keeping_size_and_date(page, original.replace(b"<h1>", b"<H1>", 1))
    page.chmod(0o600)
    example_copy.build()
    assert page.read_bytes() == original
    assert page.stat().st_mode & 0o777 == (example_copy.output / "index.html").stat().st_mode & 0o777


def test_the_cache_of_older_versions_is_cleared(example_copy):
    """Before the pack, parsed files were kept one per file in .cache/files/: thousands of
    files no build reads any more."""
    legacy = example_copy.root / ".cache/files/ab"
    legacy.mkdir(parents=True)
    (legacy / "abcdef").write_bytes(b"old entry")
    example_copy.build()
    assert not (example_copy.root / ".cache/files").exists()
    assert (example_copy.root / ".cache/files.pack").is_file()


def test_builds_shared_by_several_workers_write_what_one_process_writes(site, tmp_path, monkeypatch):
    # More files than parallel.MIN_ITEMS: parsing and rendering go to forked workers, which
    # seal what they parse for the cache and make the folders of the pages they write.
    for n in range(80):
        site.briefing(
            f"2026-03-{n % 28 + 1:02d}-note-{n}",
            f"title: Note {n}\ndate: 2026-03-{n % 28 + 1:02d}\ntopics: [Trade]\nactors: [Ana Núñez]\n"
            f"events:\n  - {{date: 2026-03-{n % 28 + 1:02d}, text: Step {n}}}",
        )
    report = site.build(workers=2)
    assert report.route == "swapped"
    assert files_under(site.output) == clean_build(site, tmp_path)

    # A new title shows on the largest pages and the chronology's exports: a rebuild worth
    # forking for when they are large (every rebuild here), the largest sent out first,
    # whether they are rendered from the last build's plan or planned again.
    monkeypatch.setattr("briefings.incremental.COSTLY_BYTES", 0)
    monkeypatch.setattr("briefings.body_edits.COSTLY_BYTES", 0)
    note = site.content / "briefings/2026-03-08-note-7.md"
    for old, new, route in [("Note 7", "Note seven", "front matter"), ("Step 7", "Step seven", "in place")]:
        note.write_text(note.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        report = site.build(workers=2)
        assert report.route == route
        built = files_under(site.output)
        assert new in built["chronology/index.html"].decode()
        assert new in built["chronology.json"].decode()
        assert built == clean_build(site, tmp_path)

    # And what those workers sealed serves a new process (a new Builder): of 80 files it
    # parses only the one edited.
    from briefings import incremental, pipeline

    pipeline._builders.clear()
    parsed: list[Path] = []
    parse = incremental.read_content_file
    monkeypatch.setattr(
        incremental, "read_content_file", lambda path, *rest: parsed.append(path) or parse(path, *rest)
    )
    note.write_text(
        note.read_text(encoding="utf-8").replace("Step seven", "Step the seventh"), encoding="utf-8"
    )
    site.build(workers=1)
    assert parsed == [note]
    assert files_under(site.output) == clean_build(site, tmp_path)


def test_a_cache_written_by_another_version_of_the_engine_is_not_read(example_copy, tmp_path, monkeypatch):
    """After an upgrade with .cache/ kept, the record of the last build and the output
    manifest were pickled by other classes: read anyway, they could lack a field."""
    from briefings import cache, inputs

    example_copy.build()
    monkeypatch.setattr(cache, "_ENGINE", cache.digest(b"the next version of the engine"))
    assert inputs.recall(example_copy.root / ".cache", example_copy.output) is None
    report = example_copy.build()
    assert report.route == "swapped"
    assert files_under(example_copy.output) == clean_build(example_copy, tmp_path)


def test_files_the_last_build_read_are_trusted_by_stat_and_the_rest_read_again(
    example_copy, tmp_path, monkeypatch
):
    # With no file too recent to be told by its stat, untouched files are not read again.
    from briefings import inputs

    monkeypatch.setattr(inputs, "RECENT_NS", 0)
    example_copy.build()
    briefing = example_copy.content / "briefings/2026-01-03-us-forces-seize-maduro-in-caracas.md"
    text = briefing.read_bytes()
    # A new title of the same length, with the file's size and dates put back: only the
    # change time tells, and it is enough.
    _rewrite_keeping_size_and_date(briefing, text.replace(b"forces seize", b"forces seise", 1))
    read: list[str] = []
    real_read = Path.read_bytes

    def reading(path: Path) -> bytes:
        read.append(path.name)
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", reading)
    example_copy.build()
    monkeypatch.setattr(Path, "read_bytes", real_read)
    # Of the briefings and profiles, only the edited one was read again.
    assert {name for name in read if name.endswith(".md")} == {briefing.name}
    assert "U.S. forces seise" in example_copy.read("chronology/index.html")
    assert files_under(example_copy.output) == clean_build(example_copy, tmp_path)
    # A setting that changes what loading gives: every file is read again with it.
    settings = example_copy.root / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("America/New_York", "Asia/Tokyo"))
    example_copy.build()
    assert files_under(example_copy.output) == clean_build(example_copy, tmp_path)


def _three_related(site: SiteDir) -> Path:
    """Three briefings on one topic and actor: each lists the other two as related."""
    for day, title in (("02", "Oil exports rise"), ("03", "Tanker leaves Jose")):
        site.briefing(
            f"2026-03-{day}-b{day}", f"title: {title}\ndate: 2026-03-{day}\ntopics: [Oil]\nactors: [PDVSA]"
        )
    return site.briefing(
        "2026-03-04-b04", "title: Refinery restarts\ndate: 2026-03-04\ntopics: [Oil]\nactors: [PDVSA]"
    )


def test_a_new_title_shows_on_the_pages_that_list_the_briefing_as_related(site, tmp_path):
    changed = _three_related(site)
    site.build()
    assert "Refinery restarts" in site.read("briefings/b02/index.html")
    changed.write_text(changed.read_text(encoding="utf-8").replace("Refinery restarts", "Refinery idles"))
    site.build()
    for name in ("b02", "b03"):
        page = site.read(f"briefings/{name}/index.html")
        assert "Refinery idles" in page and "Refinery restarts" not in page, name
    assert files_under(site.output) == clean_build(site, tmp_path)


def test_a_theme_that_shows_related_briefings_on_other_pages_is_kept_up_to_date(site, tmp_path):
    # The fingerprint of a list leaves out each item's related briefings; a theme that prints
    # them anyway (here on the topic page, through a macro shared between pages) still gets
    # them right after each build.
    shutil.copytree(ROOT / "templates", site.root / "templates")
    term = site.root / "templates/term.html"
    term.write_text(
        term.read_text(encoding="utf-8").replace(
            "{% if index.articles %}",
            '{% import "_related.html" as r %}'
            "{% for a in index.articles %}{{ shared(r.related, a) }}{% endfor %}\n{% if index.articles %}",
            1,
        ),
        encoding="utf-8",
    )
    (site.root / "templates/_related.html").write_text(
        "{% macro related(a) %}<p>{{ a.briefing.title }} goes with "
        "{% for r in a.related %}{{ r.title }}; {% endfor %}</p>{% endmacro %}\n",
        encoding="utf-8",
    )
    _three_related(site)
    site.build()
    site.briefing(
        "2026-03-05-b05", "title: Fuel lines lengthen\ndate: 2026-03-05\ntopics: [Grain]\nactors: [PDVSA]"
    )
    site.build()
    # b05 shares only the actor with the others: it is related to each, after them.
    assert "Fuel lines lengthen" in site.read("topics/oil/index.html")
    assert files_under(site.output) == clean_build(site, tmp_path)
    oil = site.content / "briefings/2026-03-02-b02.md"
    oil.write_text(oil.read_text(encoding="utf-8").replace("Oil exports rise", "Oil exports slow"))
    site.build()
    assert "goes with Oil exports slow" in site.read("topics/oil/index.html")
    assert files_under(site.output) == clean_build(site, tmp_path)


def test_a_cache_made_elsewhere_is_never_unpickled(example_copy, tmp_path):
    """A .cache/ committed to the repository, or copied from another machine, could carry
    pickles that run code: what is read back must be checked with this machine's key."""
    import pickle

    from briefings import cache, pipeline

    class Runs:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (Path.write_text, (tmp_path / "ran.txt", "code ran"))

    forged = pickle.dumps(Runs())
    example_copy.build()
    # The record of the last build, sealed as Briefings seals it, with the checksum anyone
    # can compute.
    record = next((example_copy.root / ".cache/inputs").iterdir())
    key = cache.digest(b"input manifest", cache.engine_fingerprint())
    record.write_bytes(cache._MAGIC + key + cache.digest(key, forged) + forged)
    example_copy.build()
    assert not (tmp_path / "ran.txt").exists()
    # The pack's index, read by a process that has nothing of the content in memory and
    # no record to skip the build by.
    pack = example_copy.root / ".cache/files.pack"
    pack.write_bytes(forged + cache.Pack._FOOTER.pack(0, cache.digest(b"index", forged)))
    shutil.rmtree(example_copy.root / ".cache/inputs")
    pipeline._builders.clear()
    example_copy.build()
    assert not (tmp_path / "ran.txt").exists()
    assert files_under(example_copy.output) == clean_build(example_copy, tmp_path)


def test_a_cache_folder_that_is_a_link_is_not_used(example_copy, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "files").mkdir(parents=True)
    (elsewhere / "files/keep.txt").write_text("someone else's file", encoding="utf-8")
    (example_copy.root / ".cache").symlink_to(elsewhere)
    example_copy.build()
    example_copy.build()
    assert [p.name for p in elsewhere.rglob("*")] == ["files", "keep.txt"]
    assert files_under(example_copy.output) == clean_build(example_copy, tmp_path)
