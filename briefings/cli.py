"""The command line: options in, one build call, errors printed as `path:line: message`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import ContentError, ContentErrors
from .output import UnsafePath
from .pipeline import BuildOptions, build


def _print_problems(problems: tuple[ContentError, ...]) -> None:
    cwd = Path.cwd()
    for problem in problems:
        color = "yellow" if problem.severity == "warning" else "red"
        location, _, message = problem.format(cwd).partition(": ")
        click.echo(click.style(location + ":", fg=color, bold=True) + " " + message, err=True)


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
    """


@main.command("build")
@click.option(
    "--content",
    "content",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("content"),
    show_default=True,
    help="Folder holding briefings/, actors/, topics/ and pages/.",
)
@click.option(
    "--output",
    "output",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("_site"),
    show_default=True,
    help="Folder the site is written to; replaced only when the whole build succeeds.",
)
@click.option("--drafts", is_flag=True, help="Include briefings marked 'draft: true'.")
@click.option("--future", is_flag=True, help="Include briefings dated in the future.")
@click.option(
    "--base-url",
    metavar="URL",
    help="Absolute URL the site is served from (overrides site.yaml), e.g. https://example.org/desk/.",
)
def build_command(content: Path, output: Path, drafts: bool, future: bool, base_url: str | None) -> None:
    """Build the site from CONTENT into OUTPUT.

    Exits 1 on any content error, after printing every error as path:line: message;
    the previous OUTPUT folder is then left exactly as it was.
    """
    options = BuildOptions(content=content, output=output, drafts=drafts, future=future, base_url=base_url)
    try:
        report = build(options)
    except ContentErrors as exc:
        _print_problems(exc.errors)
        click.echo(
            click.style(
                f"Build failed: {len(exc.errors)} error(s); {output} left unchanged.",
                fg="red",
            ),
            err=True,
        )
        sys.exit(1)
    except UnsafePath as exc:
        click.echo(click.style(f"Build failed: {exc}", fg="red"), err=True)
        sys.exit(1)
    _print_problems(report.warnings)
    site = report.site
    left_out = []
    if site.left_out_drafts:
        left_out.append(f"{site.left_out_drafts} draft(s)")
    if site.left_out_future:
        left_out.append(f"{site.left_out_future} scheduled")
    extra = f"; left out {' and '.join(left_out)} (--drafts/--future to include)" if left_out else ""
    raw = "; raw HTML in Markdown is ON" if site.config.raw_html else ""
    click.echo(
        f"Built {len(site.articles)} briefings into {output}: {report.pages} pages, "
        f"{report.files_written} files in {report.seconds:.2f}s{extra}{raw}."
    )
