"""Netlify hosting: the build commands of each context, the headers every response gets, the 404 page."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from briefings.pipeline import BuildOptions, build

from .conftest import EXAMPLE_CONTENT, FIXED_NOW, ROOT
from .publishing import headers_for, html_pages, parse_page, read_headers_file

NETLIFY = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
INSTALL = "python -m pip install -r requirements.txt"
PREVIEW_URL = "https://deploy-preview-42--venezuela-desk.netlify.app"
FINGERPRINTED = re.compile(r"^/assets/[\w-]+\.[0-9a-f]{10}\.\w+$")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("hosting") / "_site"
    build(BuildOptions(content=EXAMPLE_CONTENT, output=output, now=FIXED_NOW))
    return output


def context_command(context: str) -> str:
    return NETLIFY["context"].get(context, {}).get("command", NETLIFY["build"]["command"])


def test_netlify_builds_with_python_3_11_from_the_pinned_requirements():
    assert NETLIFY["build"]["publish"] == "_site"
    assert NETLIFY["build"]["environment"]["PYTHON_VERSION"] == "3.11"
    for context in ("production", "deploy-preview", "branch-deploy"):
        install, *_, build_step = context_command(context).split(" && ")
        assert install == INSTALL
        assert shlex.split(build_step)[:3] == ["python", "build.py", "build"]
    assert "--base-url" not in context_command("production")  # site.yaml's base_url
    assert "check" not in context_command("production")  # news is not held back for a link
    for context in ("deploy-preview", "branch-deploy"):
        _, check, build_step = context_command(context).split(" && ")
        args = shlex.split(build_step)
        assert {"--drafts", "--future", "--noindex"} <= set(args)
        assert args[args.index("--base-url") + 1] == "$DEPLOY_PRIME_URL"
        # The links are checked at the preview's address, as production would publish the site.
        assert shlex.split(check) == ["python", "build.py", "check", "--base-url", "$DEPLOY_PRIME_URL"]


def run_netlify_build(context: str, site_root: Path) -> subprocess.CompletedProcess[str]:
    """The build step of a Netlify context, run by a shell as Netlify runs it (the install step aside)."""
    (site_root / "build.py").symlink_to(ROOT / "build.py")
    bin_dir = site_root / ".bin"
    bin_dir.mkdir()
    python = bin_dir / "python"  # `python` on Netlify's PATH is the one the install step used
    python.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    build_step = context_command(context).partition(" && ")[2]  # all but the install
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "DEPLOY_PRIME_URL": PREVIEW_URL,
    }
    return subprocess.run(
        ["sh", "-c", build_step], cwd=site_root, env=env, capture_output=True, text=True, timeout=120
    )


DRAFT = """---
title: Draft on the next round of talks
date: 2026-03-10
draft: true
topics: [Diplomacy]
---
Still being written.
"""


def test_a_deploy_preview_shows_drafts_is_not_indexed_and_links_to_itself(example_copy):
    (example_copy.content / "briefings" / "2026-03-10-next-round.md").write_text(DRAFT, encoding="utf-8")
    result = run_netlify_build("deploy-preview", example_copy.root)
    assert result.returncode == 0, result.stderr
    output = example_copy.output
    draft = parse_page(output / "briefings" / "next-round" / "index.html")
    assert draft.link_rels["canonical"] == [f"{PREVIEW_URL}/briefings/next-round/"]
    assert draft.meta["robots"] == ["noindex"]
    assert all(parse_page(p).meta.get("robots") == ["noindex"] for p in html_pages(output).values())
    assert headers_for(read_headers_file(output / "_headers"), "/")["X-Robots-Tag"] == "noindex"
    assert f"Sitemap: {PREVIEW_URL}/sitemap.xml" in (output / "robots.txt").read_text(encoding="utf-8")


def test_a_deploy_preview_with_a_link_production_would_break_fails_and_names_it(example_copy):
    # A published briefing linking to a draft: fine in the preview, which shows drafts;
    # broken once production publishes the site without it.
    (example_copy.content / "briefings" / "2026-03-10-next-round.md").write_text(DRAFT, encoding="utf-8")
    linking = example_copy.content / "briefings" / "2026-03-11-linking.md"
    linking.write_text(
        "---\ntitle: Linking\ndate: 2026-03-11\ntopics: [Diplomacy]\nsources: [{outlet: Reuters}]\n---\n"
        "See [the next round](/briefings/next-round/) and [the old plan](/briefings/old-plan/).\n",
        encoding="utf-8",
    )
    result = run_netlify_build("deploy-preview", example_copy.root)
    assert result.returncode == 1
    assert "content/briefings/2026-03-11-linking.md" in result.stdout
    assert "link to /briefings/next-round/ leads nowhere yet: " in result.stdout
    assert "2026-03-10-next-round.md is a draft" in result.stdout
    assert "link to /briefings/old-plan/ leads nowhere" in result.stdout
    assert not example_copy.output.exists()  # nothing built to publish


def test_production_leaves_drafts_out_and_uses_site_yaml_base_url(example_copy):
    (example_copy.content / "briefings" / "2026-03-10-next-round.md").write_text(DRAFT, encoding="utf-8")
    result = run_netlify_build("production", example_copy.root)
    assert result.returncode == 0, result.stderr
    output = example_copy.output
    assert not (output / "briefings" / "next-round").exists()
    home = parse_page(output / "index.html")
    assert home.link_rels["canonical"] == ["https://venezuela-desk.netlify.app/"]
    assert "robots" not in home.meta
    assert "X-Robots-Tag" not in headers_for(read_headers_file(output / "_headers"), "/")


def test_headers_a_deployed_page_and_an_asset_get(built):
    rules = read_headers_file(built / "_headers")
    page = headers_for(rules, "/briefings/us-forces-seize-maduro-in-caracas/")
    assert page == {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Content-Security-Policy": "default-src 'none'; img-src 'self' https: data:; style-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    }
    assets = [f"/{p.relative_to(built).as_posix()}" for p in built.glob("assets/*")]
    assert sorted(name.rsplit(".", 1)[-1] for name in assets) == ["css", "svg"]  # the stylesheet, the icon
    for name in assets:
        assert FINGERPRINTED.match(name)
        asset = headers_for(rules, name)
        assert asset["Cache-Control"] == "public, max-age=31536000, immutable"
        assert asset["X-Content-Type-Options"] == "nosniff"
    assert headers_for(rules, "/chronology.ics")["Content-Type"] == "text/calendar; charset=utf-8"


def test_long_caching_only_for_files_whose_name_carries_their_hash(built):
    rules = read_headers_file(built / "_headers")
    cached = [pattern for pattern, headers in rules if any(name == "Cache-Control" for name, _ in headers)]
    assert cached and all(FINGERPRINTED.match(pattern) for pattern in cached)
    for path in built.rglob("*"):
        if path.is_file():
            site_path = "/" + path.relative_to(built).as_posix()
            assert ("Cache-Control" in headers_for(rules, site_path)) == site_path.startswith("/assets/"), (
                site_path
            )


def test_production_pages_have_no_inline_script_or_style(built):
    for site_path, file in html_pages(built).items():
        page = parse_page(file)
        assert page.styles == 0 and page.style_attributes == 0 and page.event_handlers == 0, site_path
        assert all(s.get("type") == "application/ld+json" and "src" not in s for s in page.scripts), site_path


def test_the_404_page_works_from_any_missing_address(tmp_path):
    for base_url in ("https://venezuela-desk.netlify.app/", "https://example.org/desk/"):
        output = tmp_path / base_url.split("/")[2]
        build(BuildOptions(content=EXAMPLE_CONTENT, output=output, now=FIXED_NOW, base_url=base_url))
        page = parse_page(output / "404.html")
        assert page.text["h1"] == "Page not found"
        prefix = "/" + base_url.split("/", 3)[3]
        # Served at whatever address was missing: every link and asset must be root-relative.
        relative = [link for _, link in page.links if not link.startswith((base_url, "#"))]
        assert len(relative) >= 8  # stylesheet, feeds, navigation, the ways out of the 404
        assert all(link.startswith(prefix) for link in relative), relative


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_a_netlify_deploy_installs_none_of_the_tests_tools(tmp_path):
    # Netlify runs `npm ci` wherever it finds a package.json: ours lists only what the tests
    # use, which a deploy must not download every time.
    for name in ("package.json", "package-lock.json"):
        shutil.copy(ROOT / name, tmp_path / name)
    environment = {**os.environ, **NETLIFY["build"]["environment"]}
    done = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "node_modules").exists()
