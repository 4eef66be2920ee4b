"""The command line: options in, one build call, errors printed as `path:line: message`."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

import click

from .errors import ContentError, ContentErrors
from .output import UnsafePath
from .pipeline import BuildOptions, BuildReport, build


def _print_problems(problems: tuple[ContentError, ...]) -> None:
    """Each problem as path:line: message, by file and line, as a writer goes through them."""
    cwd = Path.cwd()
    for problem in sorted(problems, key=lambda p: p.sort_key):
        color = "yellow" if problem.severity == "warning" else "red"
        location, _, message = problem.format(cwd).partition(": ")
        click.echo(click.style(location + ":", fg=color, bold=True) + " " + message, err=True)


class Terminated(KeyboardInterrupt):
    """SIGTERM, met as Ctrl-C is; the exit status still tells them apart (143, not 130)."""


def _interrupt_on_terminate() -> None:
    """`kill` (SIGTERM, as CI runners send) stops a build the way Ctrl-C does: temp folders go."""

    def stop(signum: int, frame: object) -> None:
        raise Terminated

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)


# Every command reads the same desk.
CONTENT_OPTION = click.option(
    "--content",
    "content",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("content"),
    show_default=True,
    help="Folder holding briefings/, actors/, topics/ and pages/ (site.yaml sits beside it).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    package_name=None,
    version=__import__("briefings").__version__,
    prog_name="briefings",
)
def main() -> None:
    """Briefings: turn Markdown news briefings into a static site that follows a story over time.

    Briefings live in content/briefings/ as Markdown with YAML front matter; actor and
    topic profiles in content/actors/ and content/topics/; site settings in site.yaml.
    A templates/ folder beside content/, if there is one, is the site's theme in place of
    the bundled one. Errors are in color on a terminal, unless NO_COLOR is set.
    """
    if os.environ.get("NO_COLOR"):  # https://no-color.org: any value but an empty one
        click.get_current_context().color = False


@main.command("build")
@CONTENT_OPTION
@click.option(
    "--output",
    "output",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("_site"),
    show_default=True,
    help="Folder the site is written to, from the current folder (not from --content); "
    "replaced only when the whole build succeeds.",
)
@click.option("--drafts", is_flag=True, help="Include briefings marked 'draft: true'.")
@click.option("--future", is_flag=True, help="Include briefings dated in the future.")
@click.option(
    "--base-url",
    metavar="URL",
    help="Absolute URL the site is served from (overrides site.yaml), e.g. https://example.org/desk/.",
)
@click.option(
    "--noindex",
    is_flag=True,
    help="Ask search engines not to index any page (for previews and branch builds).",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors: build nothing while there are any.")
def build_command(
    content: Path,
    output: Path,
    drafts: bool,
    future: bool,
    base_url: str | None,
    noindex: bool,
    strict: bool = False,
) -> None:
    """Build the site from CONTENT into OUTPUT.

    Exits 1 on any content error, after printing every error as path:line: message;
    the previous OUTPUT folder is then left exactly as it was.
    """
    options = BuildOptions(
        content=content, output=output, drafts=drafts, future=future, base_url=base_url, noindex=noindex
    )
    options = replace(options, strict=strict)
    _interrupt_on_terminate()
    try:
        report = _build_showing_progress(options)
    except KeyboardInterrupt as exc:
        click.echo(click.style(f"Build interrupted; {output} left unchanged.", fg="red"), err=True)
        sys.exit(128 + (signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT))
    except ContentErrors as exc:
        _print_problems((*exc.errors, *exc.warnings))
        click.echo(
            click.style(
                f"Build failed: {_count(len(exc.errors), 'error')}; {output} left unchanged.",
                fg="red",
            ),
            err=True,
        )
        sys.exit(1)
    except UnsafePath as exc:
        click.echo(click.style(f"Build failed: {exc}", fg="red"), err=True)
        sys.exit(1)
    except OSError as exc:  # the disk refused (permissions, space): no content to blame
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(
            click.style(f"Build failed: {where}{exc.strerror or exc}; {output} left unchanged.", fg="red"),
            err=True,
        )
        sys.exit(1)
    _print_problems(report.warnings)
    site = report.summary
    left_out = []
    if site.left_out_drafts:
        left_out.append(_count(site.left_out_drafts, "draft"))
    if site.left_out_future:
        left_out.append(f"{site.left_out_future} scheduled")
    extra = f"; left out {' and '.join(left_out)} (--drafts/--future to include)" if left_out else ""
    raw = "; raw HTML in Markdown is ON" if site.raw_html else ""
    # A rebuild says how few files it wrote: what a deploy or a sync has to carry.
    rewritten = report.files_rewritten
    fresh = f" ({rewritten} rewritten)" if 0 <= rewritten < report.files_written else ""
    click.echo(
        f"Built {_count(site.articles, 'briefing')} into {output}: {report.pages} pages, "
        f"{report.files_written} files{fresh} in {report.seconds:.2f}s{extra}{raw}."
    )
    if report.gone:
        # Not a warning (a page is often retired on purpose, and --strict would then never
        # let it go), but said once: links and feed readers that follow it find nothing now.
        shown = ", ".join(f"/{page}" for page in report.gone[:5])
        more = f" and {len(report.gone) - 5} more" if len(report.gone) > 5 else ""
        them = "it" if len(report.gone) == 1 else "them"
        # A build without --drafts after one with them drops the drafts' pages: not a slip.
        drafts = (
            " (some may be drafts or scheduled briefings, which this build leaves out)" if left_out else ""
        )
        click.echo(
            f"Gone since the last build: {shown}{more}{drafts}. Links to {them} now find nothing; "
            "to keep an address, list it under 'redirect_from: [/old/address/]' in the briefing, "
            "page or profile that replaces it."
        )
    _leave_now()


def _new_date(text: str, zone: ZoneInfo) -> datetime | date:
    """`new --date`, read as the build reads a briefing's date (schema.FieldReader.moment).

    A day stays a day, and a time with no offset stays so: written that way, a later change
    of the site's timezone does not move them."""
    from .schema import FIRST_YEAR, ISO_MOMENT, LAST_YEAR, lacks_day, skipped, skipped_message

    text = text.strip()
    example = "e.g. 2026-03-05 or 2026-03-05T14:00"
    if lacks_day(text):
        raise click.BadParameter(
            f"{text!r} gives no day, and a briefing needs one: {example}", param_hint="--date"
        )
    if not ISO_MOMENT.match(text):
        raise click.BadParameter(f"{text!r} is not an ISO 8601 date: {example}", param_hint="--date")
    try:
        found = (
            date.fromisoformat(text)
            if len(text) == 10
            else datetime.fromisoformat(text.replace("Z", "+00:00"))
        )
    except ValueError as exc:
        raise click.BadParameter(f"{text!r} is no date: {exc}", param_hint="--date") from None
    if isinstance(found, datetime) and found.tzinfo is None:
        real = skipped(found, zone)
        if real is not None:  # the build would refuse the briefing, and with it the desk
            raise click.BadParameter(skipped_message(text, zone, real), param_hint="--date")
    try:
        # As it will be written: an instant in the site's timezone, whose day may differ.
        local = found.astimezone(zone) if isinstance(found, datetime) and found.tzinfo else found
    except OverflowError:
        local = None
    if local is None or not FIRST_YEAR <= local.year <= LAST_YEAR:
        raise click.BadParameter(f"{text!r}: a briefing's year runs from 0002 to 9998", param_hint="--date")
    return found


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _build_showing_progress(options: BuildOptions) -> BuildReport:
    """The build, with a progress line on a terminal, gone again before anything else prints."""
    if not ProgressLine.wanted(sys.stderr):
        return build(options)
    progress = ProgressLine(sys.stderr)
    try:
        return build(options, progress)
    finally:
        progress.clear()


class ProgressLine:
    """One line on a terminal, written over as the build goes: `Rendering 4,512/11,278 (40%)`.

    Shown only after the build has run for a moment, so quick builds print their summary alone.
    """

    DELAY = 0.5  # seconds before anything shows
    EVERY = 0.1  # seconds between updates

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.started = time.monotonic()
        self.shown = 0.0
        self.active = False

    @staticmethod
    def wanted(stream: TextIO) -> bool:
        return stream.isatty() and os.environ.get("TERM") != "dumb"

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.started < self.DELAY or (now - self.shown < self.EVERY and 0 < done < total):
            return
        self.shown = now
        count = f" {done:,}/{total:,} ({done * 100 // total}%)" if total else "…"
        self.stream.write(f"\r\x1b[2K{stage}{count}")
        self.stream.flush()
        self.active = True

    def clear(self) -> None:
        if self.active:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.active = False


def _leave_now() -> None:
    """End the process at once: every file is written and closed, and freeing a large
    site's objects one by one would take the better part of a second at 10,000 briefings."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


@main.command("check", short_help="Check the content and every internal link; write nothing.")
@CONTENT_OPTION
@click.option("--drafts", is_flag=True, help="Check briefings marked 'draft: true' as if published.")
@click.option("--future", is_flag=True, help="Check briefings dated in the future as if published.")
@click.option("--base-url", metavar="URL", help="Check links as served from this URL (overrides site.yaml).")
@click.option("--strict", is_flag=True, help="Warnings count: exit 1 when there are any.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one object on stdout, for editors and CI tools.",
)
def check_command(
    content: Path, drafts: bool, future: bool, base_url: str | None, strict: bool, output_format: str
) -> None:
    """Check everything a build checks, and every internal link, without writing a site.

    Exits 0 when clean, 1 on any error (with --strict, on any warning too). Problems are
    grouped by file; colors only on a terminal.
    """
    from .check import check_site

    options = BuildOptions(
        content=content,
        output=Path("_site"),  # never written
        drafts=drafts,
        future=future,
        base_url=base_url,
        strict=strict,
    )
    report = check_site(options)
    if output_format == "json":
        click.echo(json.dumps(_check_json(report), ensure_ascii=False, indent=2))
    else:
        _print_check(report)
    sys.exit(0 if report.ok else 1)


def _check_json(report) -> dict:  # type: ignore[no-untyped-def]
    cwd = Path.cwd()
    return {
        "ok": report.ok,
        "strict": report.strict,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "pages": report.pages,
        "links": report.links,
        "raw_html": report.raw_html,
        "problems": [
            {
                "file": p.location(cwd).rsplit(":", 1)[0] if p.line else p.location(cwd),
                "line": p.line,
                "severity": p.severity,
                "message": p.message,
            }
            for p in report.problems
        ],
    }


def _print_check(report) -> None:  # type: ignore[no-untyped-def]
    cwd = Path.cwd()
    current = None
    for problem in report.problems:
        location = problem.location(cwd)
        file = location.rsplit(":", 1)[0] if problem.line else location
        if file != current:
            click.echo(click.style(file, bold=True))
            current = file
        counts = problem.severity == "error" or report.strict
        label = click.style(problem.severity, fg="red" if counts else "yellow", bold=True)
        line = f"{problem.line}: " if problem.line else ""
        click.echo(f"  {line}{label}: {problem.shown_message}")
    errors, warnings = len(report.errors), len(report.warnings)
    checked = f"{report.pages} pages and {report.links} internal links" if report.pages else "the content"
    raw = "; raw HTML in Markdown is ON" if report.raw_html else ""
    if report.ok:
        summary = click.style("OK", fg="green", bold=True) + f": checked {checked}"
        summary += f", {_count(warnings, 'warning')}{raw}." if warnings else f"{raw}."
    else:
        strict = " (--strict: warnings count)" if report.strict and warnings else ""
        summary = click.style("Check failed", fg="red", bold=True) + (
            f": {_count(errors, 'error')}, {_count(warnings, 'warning')}{strict}; checked {checked}{raw}."
        )
    click.echo(summary)


@main.command("serve", short_help="Preview the site; rebuild and reload on every save.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 shows drafts to your whole network.",
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--no-drafts", is_flag=True, help="Preview as published: leave out drafts and scheduled briefings."
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in your web browser.")
@CONTENT_OPTION
@click.option(
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("_preview"),
    show_default=True,
    help="Folder the preview is built into (kept apart from _site, since it holds drafts).",
)
def serve_command(
    host: str, port: int, no_drafts: bool, open_browser: bool, content: Path, output: Path
) -> None:
    """Preview the site while you write: rebuild on every save and reload open pages.

    Watches CONTENT, the templates and site.yaml. Pages link to the preview's own address,
    whatever base_url says. Drafts and scheduled briefings are shown
    with a banner unless --no-drafts. When a save breaks the build, the last good site stays
    up and the page shows the errors until you fix them. Ctrl-C stops once a build under way
    is done; a second Ctrl-C stops at once.
    """
    from .pipeline import BuildOptions
    from .serve import CannotListen, every_interface, preview_options, serve

    options = preview_options(BuildOptions(content=content, output=output), drafts=not no_drafts)
    # The site's own templates/ too, even before it exists: creating it switches themes.
    watched = tuple(
        dict.fromkeys(
            (
                content,
                options.resolved_templates(),
                options.site_root / "templates",
                options.resolved_config_file(),
            )
        )
    )
    if every_interface(host):
        click.echo(
            click.style(
                f"Warning: listening on {host}: anyone on your network can read "
                + ("the drafts." if not no_drafts else "this preview (drafts are left out)."),
                fg="yellow",
            ),
            err=True,
        )

    # The warnings printed since the last good build, and by it: a save repeats none of them.
    shown: set[ContentError] = set()

    command = click.get_current_context()

    def report(result, problems, seconds) -> None:  # type: ignore[no-untyped-def]
        with command:  # on the build thread too: click reads settings (NO_COLOR) from it
            _report(result, problems, seconds)

    def _report(result, problems, seconds) -> None:  # type: ignore[no-untyped-def]
        stamp = time.strftime("%H:%M:%S")
        warnings = {p for p in problems if p.severity == "warning"}
        _print_problems(tuple(p for p in problems if p.severity != "warning" or p not in shown))
        again = f"{_count(len(warnings & shown), 'warning')} as before" if warnings & shown else ""
        if result is None:
            shown.update(warnings)
            click.echo(
                click.style(
                    f"[{stamp}] Build failed ({_count(sum(p.severity == 'error' for p in problems), 'error')}"
                    + (f", {again}); " if again else "); ")
                    + (
                        "still serving the last good site."
                        if (output / "index.html").is_file()
                        else "no site to serve until it builds."
                    ),
                    fg="red",
                ),
                err=True,
            )
            return
        shown.clear()
        shown.update(warnings)
        click.echo(
            f"[{stamp}] Built {_count(result.summary.articles, 'briefing')}, {result.pages} pages in {seconds:.2f}s"
            + (f" ({again})." if again else ".")
        )

    def ready(url: str, elsewhere: tuple[str, ...]) -> None:
        click.echo(click.style(f"Serving {output} at {url}", bold=True) + "  (Ctrl-C to stop)")
        for address in elsewhere:
            click.echo(f"  and on your network at {address}")
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    try:
        serve(options, host, port, watched, report, ready)
    except (CannotListen, UnsafePath) as exc:
        click.echo(click.style(str(exc), fg="red"), err=True)
        sys.exit(1)
    click.echo("Stopped.")
    # A build that outlived the wait for it leaves its workers: stopped, not left printing.
    for worker in multiprocessing.active_children():
        worker.terminate()
    _leave_now()


@main.command("new")
@click.argument("words", nargs=-1, required=True)
@click.option("--topic", "topics", multiple=True, metavar="T", help="A topic (repeatable).")
@click.option("--actor", "actors", multiple=True, metavar="A", help="An actor (repeatable).")
@click.option(
    "--date",
    "when",
    metavar="ISO",
    help="A day (2026-03-05), written as a day, or a time (2026-03-05T14:00), written with no "
    "offset unless it gives one, then in the site timezone (default: now, in the site timezone).",
)
@CONTENT_OPTION
def new_command(
    words: tuple[str, ...], topics: tuple[str, ...], actors: tuple[str, ...], when: str | None, content: Path
) -> None:
    """Start a briefing, or a profile, with complete front matter.

    \b
      python build.py new "US and Venezuela restore relations" --topic US–Venezuela --actor "Delcy Rodríguez"
      python build.py new actor "María Corina Machado"
      python build.py new topic "Oil licences"
      python build.py new --topic Oil -- "-5% oil output in March"   (a title starting with -)

    An unquoted first word `actor` or `topic` starts a profile; any other words, or a title
    quoted whole ("Topic of the week"), start a briefing. Briefings start as drafts dated now;
    names that match a profile (or an alias) are written as the profile's name. Never
    overwrites a file.
    """

    from .config import load_config
    from .pipeline import BuildOptions
    from .scaffold import new_briefing, new_profile

    options = BuildOptions(content=content, output=Path("_site"))
    try:
        config = load_config(options.resolved_config_file())
        if len(words) == 1 and words[0] in ("actor", "topic"):
            example = "María Corina Machado" if words[0] == "actor" else "Critical minerals"
            raise click.UsageError(f'new {words[0]} needs a name, e.g. new {words[0]} "{example}"')
        if len(words) >= 2 and words[0] in ("actor", "topic"):
            if topics or actors or when:
                raise click.UsageError(
                    f"--topic, --actor and --date are for briefings, not for new {words[0]}"
                )
            # Quoted or not: `new actor María Corina Machado` is one name.
            path = new_profile(content, config, words[0] + "s", " ".join(words[1:]))
        else:
            moment = _new_date(when, config.zone) if when else datetime.now(UTC)
            path = new_briefing(content, config, " ".join(words), topics, actors, moment)
    except ContentErrors as exc:
        _print_problems(exc.errors)
        sys.exit(1)
    except FileExistsError as exc:
        message = str(exc) if exc.filename is None else f"{exc.filename} already exists; not overwriting it"
        click.echo(click.style(message, fg="red"), err=True)
        sys.exit(1)
    except OSError as exc:  # a read-only folder, a full disk: said in one line
        click.echo(click.style(f"{exc.filename or content}: {exc.strerror or exc}", fg="red"), err=True)
        sys.exit(1)
    click.echo(path)
