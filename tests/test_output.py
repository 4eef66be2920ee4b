"""The output swap: a Ctrl-C, a `kill` or a crash mid-build leaves the old site or the new one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path, PurePosixPath

import pytest

from briefings.output import UnsafePath, recover_output, write_site

from .conftest import ROOT

# Writes two files of a new site, then the process receives SIGNAL, as from Ctrl-C or kill.
INTERRUPTED_BUILD = """
import os, signal, sys
from pathlib import Path, PurePosixPath
sys.path.insert(0, {root!r})
from briefings.cli import _interrupt_on_terminate
from briefings.output import write_site

_interrupt_on_terminate()

def files():
    yield PurePosixPath("index.html"), b"new home"
    yield PurePosixPath("a/index.html"), b"new a"
    os.kill(os.getpid(), signal.{signal})
    yield PurePosixPath("b/index.html"), b"never written"

write_site(Path({output!r}), files())
"""


def old_site(output: Path) -> dict[str, bytes]:
    write_site(output, [(PurePosixPath("index.html"), b"old home"), (PurePosixPath("old.html"), b"old")])
    return snapshot(output)


def snapshot(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()}


def beside(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.iterdir() if p != output)


def interrupt(output: Path, name: str) -> subprocess.CompletedProcess[str]:
    script = INTERRUPTED_BUILD.format(root=str(ROOT), output=str(output), signal=name)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True)


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_ctrl_c_or_kill_mid_build_keeps_the_old_site_and_no_temp_folder(tmp_path, name):
    output = tmp_path / "_site"
    before = old_site(output)
    result = interrupt(output, name)
    assert result.returncode != 0 and ("KeyboardInterrupt" in result.stderr or "Terminated" in result.stderr)
    assert snapshot(output) == before
    assert beside(output) == []


def test_a_killed_build_leaves_the_old_site_and_the_next_build_clears_its_temp_folder(tmp_path):
    output = tmp_path / "_site"
    before = old_site(output)
    result = interrupt(output, "SIGKILL")
    assert result.returncode == -signal.SIGKILL
    assert snapshot(output) == before
    (leftover,) = beside(output)
    assert leftover.startswith("._site.new-")
    write_site(output, [(PurePosixPath("index.html"), b"next")])
    assert snapshot(output) == {"index.html": b"next"}
    assert beside(output) == []


def test_a_site_retired_by_a_build_killed_between_renames_comes_back(tmp_path):
    output = tmp_path / "_site"
    retired = tmp_path / "._site.old-999999999-abc"  # no such process
    retired.mkdir()
    (retired / "index.html").write_bytes(b"old home")
    (tmp_path / "._site.new-999999999-def").mkdir()
    recover_output(output)
    assert snapshot(output) == {"index.html": b"old home"}
    assert beside(output) == []


def test_a_temp_folder_of_a_build_still_running_is_left_alone(tmp_path):
    output = tmp_path / "_site"
    other = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        running = tmp_path / f"._site.new-{other.pid}-xyz"
        running.mkdir()
        recover_output(output)
        assert running.is_dir()
    finally:
        other.communicate(b"")
    recover_output(output)
    assert not running.exists()


def test_the_swap_replaces_the_whole_folder(tmp_path):
    output = tmp_path / "_site"
    old_site(output)
    inode = os.stat(output).st_ino
    write_site(output, [(PurePosixPath("new.html"), b"new")])
    assert snapshot(output) == {"new.html": b"new"}
    assert os.stat(output).st_ino != inode
    assert beside(output) == []


@pytest.mark.parametrize("path", ["../x", "/etc/x", "a/../../x", "a\\b", "C:/x"])
def test_no_path_can_leave_the_output_folder(tmp_path, path):
    output = tmp_path / "_site"
    before = old_site(output)
    with pytest.raises(UnsafePath):
        write_site(output, [(PurePosixPath(path), b"x")])
    assert snapshot(output) == before
    assert beside(output) == []


def test_an_output_folder_that_is_a_link_is_written_where_it_leads(example_copy, tmp_path_factory):
    # A web root linked from the desk (_site → /var/www/desk): the site goes there, and the
    # link stays a link, build after build.
    web_root = tmp_path_factory.mktemp("www") / "desk"
    web_root.mkdir()
    example_copy.output.symlink_to(web_root, target_is_directory=True)
    example_copy.build()
    assert example_copy.output.is_symlink() and (web_root / "index.html").is_file()
    (
        example_copy.content / "briefings" / "2026-03-05-us-and-venezuela-agree-to-restore-relations.md"
    ).unlink()
    example_copy.build()
    assert example_copy.output.is_symlink()
    assert not (web_root / "briefings" / "us-and-venezuela-agree-to-restore-relations").exists()
    leftovers = [
        p.name for p in [*example_copy.root.iterdir(), *web_root.parent.iterdir()] if ".new-" in p.name
    ]
    assert leftovers == []


# A build that stops for a few seconds once it is under way: another writer's, or a script's.
SLOW_BUILD = """
import pathlib, sys, time
from briefings.pipeline import BuildOptions, build

root = pathlib.Path(sys.argv[1])
def progress(stage, done, total):
    if not (root / "started").exists():
        (root / "started").touch()
        time.sleep(3)
build(BuildOptions(content=root / "content", output=root / "_site"), progress)
"""


def test_a_second_build_of_the_desk_waits_for_the_first_to_end(example_copy):
    # Run side by side, a quick build (a new title) finished first, and the slower one then
    # swapped in the site it had read before: the new title was gone until the next build.
    slow = subprocess.Popen(
        [sys.executable, "-c", SLOW_BUILD, str(example_copy.root)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not (example_copy.root / "started").exists():
            assert slow.poll() is None and time.monotonic() < deadline, (
                slow.stderr.read() if slow.stderr else ""
            )
            time.sleep(0.02)
        briefing = example_copy.content / "briefings" / "2026-03-04-burgum-meets-rodriguez-in-caracas.md"
        briefing.write_text(briefing.read_text(encoding="utf-8").replace("title: ", "title: Later — ", 1))
        stages: list[str] = []
        example_copy.build(lambda stage, done, total: stages.append(stage))
        assert stages[0] == "Waiting for another build of this site to finish", stages
    finally:
        slow.wait(timeout=60)
    assert slow.returncode == 0, slow.stderr.read() if slow.stderr else ""
    assert "Later — " in example_copy.read("briefings/burgum-meets-rodriguez-in-caracas/index.html")
