"""The least a rebuild after a title edit can take: the files it must rewrite, timed alone.

    .venv/bin/python benchmarks/rewrite_floor.py [--size 10000]

On the archive `compare.py` generates (made here if missing): a clean build, then the
benchmark's title edit (the briefing in the middle of the archive), rebuilt as a writer
would. The files whose bytes that rebuild changed are then made again in this process from
the planned site, one by one, and timed. Any build that writes those files pays for making
them, however it finds out which they are; spread over every core and added to Python's
start, that is the floor of a one-shot rebuild. Prints each file, the sum, the floor and
the measured rebuild, as shares of the clean build of the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import compare  # noqa: E402
from generate import generate  # noqa: E402

from briefings import pipeline  # noqa: E402
from briefings.parallel import cores  # noqa: E402
from briefings.render import make_environment, start_build  # noqa: E402


def build(site: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "build.py"), "build"], cwd=site, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def files(output: Path) -> dict[str, tuple[int, int, int]]:
    found = {}
    for folder, _, names in os.walk(output):
        for name in names:
            path = Path(folder) / name
            stat = path.stat()
            found[str(path.relative_to(output))] = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    args = parser.parse_args()
    site = args.work / str(args.size) / "briefings"
    if not (site / "site.yaml").exists():
        generate(args.size, site)
    compare.TRASH = args.work / ".trash"
    compare.set_aside(site / "_site")
    compare.set_aside(site / ".cache")
    os.sync()
    clean = build(site)
    before = files(site / "_site")
    target = sorted((site / "content" / "briefings").rglob("*.md"))[args.size // 2]
    original = target.read_text(encoding="utf-8")
    try:
        target.write_text(original.replace('title: "', 'title: "Revised: ', 1), encoding="utf-8")
        rebuild = build(site)
        after = files(site / "_site")
        rewritten = sorted(name for name, facts in after.items() if before.get(name) != facts)

        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import briefings.pipeline, briefings.cli"], cwd=ROOT, check=True)
        python_start = time.perf_counter() - start

        options = pipeline.BuildOptions(content=site / "content", output=site / "_site", cache=False)
        config, _, urls, outputs, templates = pipeline.prepare(options)
        env = make_environment(templates, config, urls)
        start_build(env)
        by_file = {str(output.file): output for output in outputs}
        made = []
        for name in rewritten:
            output = by_file[name]
            started = time.process_time()
            data = pipeline.render_output(env, output)
            seconds = time.process_time() - started
            size = len(data) if isinstance(data, bytes) else 0
            made.append((seconds, size, name))
    finally:
        target.write_text(original, encoding="utf-8")
        build(site)  # the archive as compare.py made it
        shutil.rmtree(compare.TRASH, ignore_errors=True)

    total = sum(seconds for seconds, *_ in made)
    floor = python_start + total / cores()
    print(f"{args.size:,} briefings, {cores()} cores; the title edit rewrote {len(rewritten)} files:\n")
    print("| file | made in (one core) | size |")
    print("| --- | --- | --- |")
    for seconds, size, name in sorted(made, reverse=True):
        print(f"| {name} | {seconds * 1000:.0f} ms | {size / 1e6:.2f} MB |")
    print()
    print(f"clean build: {clean:.2f} s")
    print(f"making the rewritten files: {total:.2f} s of one core, {total / cores():.2f} s on {cores()}")
    print(f"Python's start with the engine's modules: {python_start:.2f} s")
    print(f"floor of a one-shot rebuild: {floor:.2f} s ({floor / clean:.0%} of the clean build)")
    print(f"the rebuild measured: {rebuild:.2f} s ({rebuild / clean:.0%} of the clean build)")


if __name__ == "__main__":
    main()
