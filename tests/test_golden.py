"""The whole example site against its expected output, read by people and updated on purpose.

To accept a change in the output: BRIEFINGS_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
then read `git diff tests/golden/` before committing it.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

from briefings.pipeline import BuildOptions, build

from .conftest import EXAMPLE_CONTENT, FIXED_NOW

GOLDEN = Path(__file__).parent / "golden" / "example-site"


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_example_site_matches_golden_output(tmp_path):
    output = tmp_path / "_site"
    build(BuildOptions(content=EXAMPLE_CONTENT, output=output, now=FIXED_NOW))
    if os.environ.get("BRIEFINGS_UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(output, GOLDEN)
    actual, expected = files_under(output), files_under(GOLDEN)
    missing, extra = sorted(expected.keys() - actual.keys()), sorted(actual.keys() - expected.keys())
    report = []
    if missing:
        report.append("no longer written: " + ", ".join(missing))
    if extra:
        report.append("newly written: " + ", ".join(extra))
    for name in sorted(expected.keys() & actual.keys()):
        if expected[name] != actual[name]:
            diff = difflib.unified_diff(
                expected[name].decode(errors="replace").splitlines(),
                actual[name].decode(errors="replace").splitlines(),
                f"golden/{name}",
                f"built/{name}",
                lineterm="",
                n=2,
            )
            report.append("\n".join(list(diff)[:60]))
    assert not report, (
        "The example site differs from tests/golden/example-site "
        "(if intended: BRIEFINGS_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py):\n\n"
        + "\n\n".join(report)
    )
