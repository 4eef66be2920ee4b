"""Long builds show where they are: files read, then indexing and planning, then pages rendered."""

from __future__ import annotations

import io

from briefings.cli import ProgressLine


def test_a_build_reports_each_stage_in_order_up_to_its_total(example_copy):
    seen: list[tuple[str, int, int]] = []
    report = example_copy.build(cache=False, workers=1, progress=lambda *event: seen.append(event))
    stages = list(dict.fromkeys(stage for stage, _, _ in seen))
    assert stages == ["Reading", "Indexing", "Planning", "Rendering"]
    reading = [e for e in seen if e[0] == "Reading"]
    rendering = [e for e in seen if e[0] == "Rendering"]
    assert [done for _, done, _ in reading] == list(range(1, len(reading) + 1))
    # Every page, and the files made beside them (the chronology's exports); never more files than the site has.
    assert rendering[-1][1] == rendering[-1][2]
    assert report.pages < rendering[-1][2] < report.files_written


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_line_is_written_over_and_cleared(monkeypatch):
    terminal = Terminal()
    line = ProgressLine(terminal)
    monkeypatch.setattr(ProgressLine, "DELAY", 0.0)
    monkeypatch.setattr(ProgressLine, "EVERY", 0.0)
    line("Reading", 5, 10)
    line("Indexing", 0, 0)
    line("Rendering", 11278, 11278)
    line.clear()
    text = terminal.getvalue()
    frames = text.split("\r\x1b[2K")
    assert frames == ["", "Reading 5/10 (50%)", "Indexing…", "Rendering 11,278/11,278 (100%)", ""]


def test_no_progress_line_where_output_is_not_a_terminal():
    assert not ProgressLine.wanted(io.StringIO())
