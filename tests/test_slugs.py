"""Slugs: what every address on the site is made of."""

import pytest

from briefings.errors import ContentErrors
from briefings.slugs import is_slug, slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Delcy Rodríguez", "delcy-rodriguez"),
        ("US–Venezuela", "us-venezuela"),
        ("US-Venezuela", "us-venezuela"),
        ("U.S. Department of State", "us-department-of-state"),
        ("Nicolás Maduro", "nicolas-maduro"),
        ("Владимир Путин", "vladimir-putin"),
        ("O'Neil", "oneil"),
        ("St. Louis", "st-louis"),
        ("  Cilia   Flores ", "cilia-flores"),
        ("Nicola\u0301s Maduro", "nicolas-maduro"),  # decomposed accent, as some editors save it
    ],
)
def test_names_become_readable_ascii_slugs(name, slug):
    assert slugify(name) == slug
    assert is_slug(slug)


def test_other_scripts_never_give_an_empty_slug():
    for name in ("习近平", "محمد بن سلمان", "Ελλάδα", "東京"):
        assert is_slug(slugify(name)), name


def test_punctuation_alone_gives_no_slug():
    assert slugify("???") == ""


def test_a_name_too_long_for_a_folder_gets_a_slug_cut_at_a_hyphen(site):
    name = "Ministry of Foreign Affairs of the Bolivarian Republic of Venezuela and its delegation " * 4
    site.briefing("2026-03-05-a", f"title: A\ndate: 2026-03-05\ntopics: [T]\nactors: [{name.strip()}]")
    site.build()
    (folder,) = [p for p in (site.output / "actors").iterdir() if p.is_dir()]
    assert len(folder.name) <= 200 and folder.name.startswith("ministry-of-foreign-affairs")
    assert not folder.name.endswith("-")


def test_a_slug_too_long_for_a_folder_is_an_error(site):
    site.briefing("2026-03-05-a", f"title: A\ndate: 2026-03-05\ntopics: [T]\nslug: {'word-' * 60}end")
    with pytest.raises(ContentErrors) as caught:
        site.build()
    (error,) = caught.value.errors
    assert error.line == 5 and "at most 200 of lowercase letters" in error.message


def test_two_long_names_alike_at_the_start_keep_two_slugs():
    start = "Ministry of Foreign Affairs of the Bolivarian Republic of Venezuela and its delegation " * 3
    north, south = slugify(start + "North office"), slugify(start + "South office")
    assert north != south and len(north) <= 200 and is_slug(north) and is_slug(south)
    assert slugify(start + "North office") == north  # the same name, the same slug, every build


def test_a_long_name_with_no_hyphen_to_cut_at_still_fits():
    slug = slugify("a" * 300)
    assert len(slug) <= 200 and is_slug(slug) and slug != slugify("a" * 301)
