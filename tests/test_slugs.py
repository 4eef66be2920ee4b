"""Slugs: what every address on the site is made of."""

import pytest

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
