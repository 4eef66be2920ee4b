"""Every HTML page of the example site passes the W3C Nu HTML checker (vnu.jar, from npm)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from briefings.pipeline import BuildOptions, build

from .conftest import EXAMPLE_CONTENT, FIXED_NOW, ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def require_vnu() -> Path:
    if VNU.is_file() and shutil.which("java"):
        return VNU
    if os.environ.get("CI"):
        pytest.fail("vnu.jar or java is missing: .ci/run must install them (npm ci)")
    pytest.skip("vnu.jar not installed; run `npm ci`")


def validate(folder: Path) -> list[str]:
    """Every error and warning the checker reports, one line each (info messages aside)."""
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(require_vnu()),
            "--skip-non-html",
            "--format",
            "gnu",
            "--also-check-css",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return [line for line in result.stderr.splitlines() if line.strip() and "info" not in line.split(": ")[1]]


def test_every_example_page_is_valid_html(tmp_path):
    output = tmp_path / "_site"
    report = build(BuildOptions(content=EXAMPLE_CONTENT, output=output, now=FIXED_NOW))
    pages = list(output.rglob("*.html"))
    assert len(pages) == report.pages - len(list(output.rglob("*.xml")))  # all but the feeds and the sitemap
    assert validate(output) == []


def test_checker_does_catch_a_broken_page(tmp_path):
    # The check above is only worth something if the checker sees our mistakes.
    (tmp_path / "bad.html").write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body><p><div></p></body></html>"
    )
    assert validate(tmp_path) != []
