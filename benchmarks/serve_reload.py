"""Save-to-reload time of `build.py serve`: from writing a briefing to the open page showing it.

    python benchmarks/serve_reload.py                 # the example desk
    python benchmarks/serve_reload.py --briefings 1000  # a generated archive (benchmarks/generate.py)

Runs serve on a copy of the site, opens a briefing in Debian's chromium (Playwright), then
changes its title on disk N times and measures, in the browser, when the new title is on
screen. Prints every sample, the median and the slowest.

    python benchmarks/serve_reload.py --briefings 10000 --edit topic

gives the briefing one more topic instead, a new one each time: the saved briefing moves onto
a new topic page, so its page cannot be the last build's. Each such save waits until the
build of the one before has finished, unless `--during-builds`: then every save comes
half a second after the one before showed, while builds are running.

    python benchmarks/serve_reload.py --briefings 10000 --edit error

writes a date that is not one instead, and measures until the page shows the error over it;
then puts the date back and waits for the site to be built again before the next save.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def prepare_site(briefings: int | None, workdir: Path) -> Path:
    """A fresh copy of the site (content and settings only: serve's first build is a clean one).
    A generated archive is made once, in benchmarks/work/serve-N/, and copied from there."""
    site = workdir / "site"
    source = ROOT
    if briefings:
        source = ROOT / "benchmarks" / "work" / f"serve-{briefings}"
        if not (source / "site.yaml").exists():
            subprocess.run(
                [sys.executable, str(ROOT / "benchmarks/generate.py"), str(briefings), str(source)],
                check=True,
            )
    shutil.copytree(source / "content", site / "content")
    shutil.copy(source / "site.yaml", site / "site.yaml")
    return site


def wait_until_built(url: str) -> None:
    """Until the preview has no build under way (its overlay's status says so)."""
    while True:
        with urllib.request.urlopen(f"{url}_briefings/status.json") as response:
            if not json.load(response)["building"]:
                return
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--briefings", type=int, default=None, help="generate an archive of this size")
    parser.add_argument("--samples", type=int, default=9)
    parser.add_argument(
        "--edit",
        choices=("title", "topic", "error"),
        default="title",
        help="what each save changes: the title (shown without indexing), the topics, or the date to a mistake",
    )
    parser.add_argument(
        "--during-builds",
        action="store_true",
        help="with --edit topic: do not wait for the last save's build before the next save",
    )
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = prepare_site(args.briefings, Path(tmp))
        target = sorted((site / "content/briefings").rglob("*.md"))[
            len(list((site / "content/briefings").rglob("*.md"))) // 2
        ]
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0"],
            cwd=site,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        url = None
        for line in process.stdout:  # type: ignore[union-attr]
            match = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            if match:
                url = match.group(1)
                break
        assert url, "serve did not start"
        print(
            f"site: {args.briefings or 'example desk'}; first build and start: {time.perf_counter() - started:.2f}s"
        )
        text = target.read_text(encoding="utf-8")
        slug = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", target.stem)
        samples = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(f"{url}briefings/{slug}/")
                for n in range(args.samples):
                    marker = f"Revision {n} "
                    if args.edit in ("topic", "error") and not args.during_builds:
                        wait_until_built(url)
                    time.sleep(0.5)  # let the previous reload settle
                    saved = time.time() * 1000
                    if args.edit == "title":
                        edited = re.sub(r'^title: ("?)', f"title: \\g<1>{marker}", text, count=1, flags=re.M)
                        shows = "m => document.querySelector('h1') && document.querySelector('h1').textContent.includes(m)"
                    elif args.edit == "error":
                        edited = re.sub(r"^date: .*$", f"date: revision {n}", text, count=1, flags=re.M)
                        shows = "m => !!document.getElementById('briefings-build-errors')"
                    else:
                        marker = f"Desk topic {n}"
                        edited = re.sub(r"^topics: \[", f'topics: ["{marker}", ', text, count=1, flags=re.M)
                        shows = "m => [...document.querySelectorAll('a')].some(a => a.textContent === m)"
                    assert edited != text, f"no {args.edit} line to change in {target}"
                    target.write_text(edited, encoding="utf-8")
                    page.wait_for_function(shows, arg=marker, polling="raf", timeout=60_000)
                    shown = page.evaluate("Date.now()")
                    samples.append(shown - saved)
                    if args.edit == "error":  # fixed, and built again, before the next mistake
                        target.write_text(text, encoding="utf-8")
                        page.wait_for_function(
                            "() => !document.getElementById('briefings-build-errors')", timeout=60_000
                        )
                browser.close()
        finally:
            process.send_signal(signal.SIGINT)
            rest, _ = process.communicate(timeout=120)
    print("save-to-reload ms:", " ".join(f"{s:.0f}" for s in samples))
    print(
        f"median {statistics.median(samples):.0f} ms, slowest {max(samples):.0f} ms over {len(samples)} saves"
    )
    # serve prints one line per full build; saves that come during a build are built together.
    builds = [float(m) for m in re.findall(r"Built .* in (\d+\.\d+)s", rest)]
    if builds:
        print(
            f"full rebuilds after the saves: {len(builds)}, median {statistics.median(builds):.2f} s, "
            f"slowest {max(builds):.2f} s"
        )


if __name__ == "__main__":
    main()
