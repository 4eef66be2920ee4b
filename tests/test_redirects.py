"""Old addresses (`redirect_from`): a page at each that sends readers on to where the content is now."""

from __future__ import annotations

import pytest

from briefings.errors import ContentErrors

from .conftest import SiteDir
from .publishing import serve
from .test_html_valid import validate
from .test_incremental import clean_build, files_under


def desk_with_old_addresses(site: SiteDir) -> None:
    """A desk served under /desk/ whose briefing, page and topic each moved once."""
    site.config(
        """
        title: Test Desk
        base_url: https://desk.example.org/desk/
        timezone: UTC
        """
    )
    site.briefing(
        "2026-03-04-ministers-meet-again",
        """
        title: Ministers meet again
        date: 2026-03-04
        topics: [Diplomacy]
        sources: [{outlet: Reuters}]
        redirect_from: [/briefings/ministers-meet/, /2026/03/04/ministers.html]
        """,
    )
    site.briefing(
        "2026-03-05-unpublished",
        """
        title: Not yet out
        date: 2026-03-05
        topics: [Diplomacy]
        draft: true
        redirect_from: /briefings/not-yet/
        """,
    )
    site.write(
        "pages/about.md", "---\ntitle: About the desk\nredirect_from: [/who-we-are/]\n---\nWho we are.\n"
    )
    site.write("topics/diplomacy.md", "---\nname: Diplomacy\nredirect_from: /topics/talks/\n---\nTalks.\n")


def test_an_old_address_takes_the_browser_to_the_new_one(site, tmp_path, browser):
    desk_with_old_addresses(site)
    site.output = tmp_path / "root" / "desk"  # served as a host would serve a sub-path
    site.build()
    with serve(tmp_path / "root") as url:
        page = browser.new_page()
        try:
            for old, now, heading in (
                (
                    "desk/briefings/ministers-meet/",
                    "desk/briefings/ministers-meet-again/",
                    "Ministers meet again",
                ),
                (
                    "desk/2026/03/04/ministers.html",
                    "desk/briefings/ministers-meet-again/",
                    "Ministers meet again",
                ),
                ("desk/who-we-are/", "desk/about/", "About the desk"),
                ("desk/topics/talks/", "desk/topics/diplomacy/", "Diplomacy"),
            ):
                page.goto(url + old)
                page.wait_for_url(url + now)
                assert page.locator("h1").first.inner_text() == heading
        finally:
            page.close()


def test_redirect_pages_are_valid_kept_out_of_search_and_of_the_sitemap(site):
    desk_with_old_addresses(site)
    site.build()
    old = site.read("briefings/ministers-meet/index.html")
    assert (
        '<link rel="canonical" href="https://desk.example.org/desk/briefings/ministers-meet-again/">' in old
    )
    assert '<meta name="robots" content="noindex">' in old
    sitemap = site.read("sitemap.xml")
    assert "ministers-meet-again/" in sitemap
    assert "/briefings/ministers-meet/" not in sitemap and "who-we-are" not in sitemap
    assert validate(site.output) == []


def test_a_draft_keeps_no_old_address_until_it_is_published(site):
    desk_with_old_addresses(site)
    site.build()
    assert not (site.output / "briefings/not-yet").exists()
    site.build(drafts=True)
    assert "/desk/briefings/unpublished/" in site.read("briefings/not-yet/index.html")


def test_adding_and_removing_an_old_address_gives_the_clean_build(site, tmp_path):
    desk_with_old_addresses(site)
    site.build()
    about = site.content / "pages/about.md"
    about.write_text(about.read_text(encoding="utf-8").replace("[/who-we-are/]", "[/team/, /desk.html]"))
    site.build()
    built = files_under(site.output)
    assert "who-we-are/index.html" not in built and "team/index.html" in built and "desk.html" in built
    assert built == clean_build(site, tmp_path)
    about.write_text(about.read_text(encoding="utf-8").replace("redirect_from: [/team/, /desk.html]\n", ""))
    site.build()
    built = files_under(site.output)
    assert "team/index.html" not in built and "desk.html" not in built
    assert built == clean_build(site, tmp_path)


def test_a_full_address_is_told_from_the_site_root_and_the_sub_path_named(site):
    desk_with_old_addresses(site)
    site.write(
        "pages/team.md",
        "---\ntitle: Team\nredirect_from: [https://desk.example.org/desk/people/]\n---\nUs.\n",
    )
    with pytest.raises(ContentErrors) as caught:
        site.build()
    (error,) = caught.value.errors
    # Published under the sub-path as links are: '/desk/people/' would give /desk/desk/people/.
    assert error.message.endswith(
        "'/desk/people/', less the sub-path the site is served under, if it has one"
    )
