"""The least any generator built on our libraries can do with an archive: a floor to measure against.

    .venv/bin/python benchmarks/floor.py CONTENT OUTPUT [--workers N]

For every briefing under CONTENT/briefings: read the file, load its front matter with
PyYAML's C loader, render its body with markdown-it-py (CommonMark, no plugins), fill one
small Jinja template and write OUTPUT/<slug>/index.html, on N forked processes (default:
one per core). No topic, actor, chronology, archive or list page, no feed, no sitemap, no
checks, no cache: only the per-briefing work that Briefings cannot skip on a clean build.
`compare.py` runs it beside the others, so a target ratio can be held against what the
libraries themselves cost on the same machine in the same run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from pathlib import Path

import jinja2
import yaml
from markdown_it import MarkdownIt

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><article><h1>{{ title }}</h1><p><time datetime="{{ date }}">{{ date }}</time></p>
<p>{% for topic in topics %}{{ topic }} {% endfor %}</p>
{{ body }}
<p>{% for actor in actors %}{{ actor }} {% endfor %}</p></article></main></body></html>
"""

_files: list[Path] = []
_output = Path()


def _render(span: tuple[int, int]) -> int:
    markdown = MarkdownIt("commonmark")
    template = jinja2.Environment(autoescape=True).from_string(TEMPLATE)
    for path in _files[span[0] : span[1]]:
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.load(front, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        html = template.render(
            title=meta["title"],
            date=meta["date"],
            topics=meta.get("topics", []),
            actors=meta.get("actors", []),
            body=jinja2.filters.Markup(markdown.render(body)),
        )
        folder = _output / path.stem
        folder.mkdir(parents=True)
        (folder / "index.html").write_bytes(html.encode("utf-8"))
    return span[1] - span[0]


def main() -> None:
    global _files, _output
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    _files = sorted((args.content / "briefings").rglob("*.md"))
    _output = args.output
    if _output.exists():
        sys.exit(f"{_output} exists; the floor writes a new folder")
    _output.mkdir(parents=True)
    spans = [(i, min(i + 64, len(_files))) for i in range(0, len(_files), 64)]
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        done = sum(pool.imap_unordered(_render, spans))
    print(f"{done} pages")


if __name__ == "__main__":
    main()
