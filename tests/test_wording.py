"""A desk that writes in Spanish, Portuguese or French gets the theme's words and its dates in
that language (`language:` in site.yaml); any other language keeps them in English."""

from __future__ import annotations

import json
import re
import shutil
import string
from datetime import datetime

import feedparser
import pytest

from briefings.model import PartialDate
from briefings.wording import ENGLISH, LANGUAGES, wording_for

from .conftest import ROOT
from .test_html_valid import validate

# Texts the engine asks for outside the templates (page titles, feeds, calendar entries).
FROM_THE_ENGINE = {
    "Topics",
    "Actors",
    "Every topic followed by {site}, with its briefings.",
    "Every actor followed by {site}, with its briefings.",
    "{year}, month not known",
    "Briefings on {name} from {site}.",
    "{site}: chronology",
    "Notes",
    # An actor's kind, printed on its page: the ones `new actor` writes and the README names.
    *("person", "organization", "government", "agency", "country", "company", "party", "court"),
    "Briefing: {title}",
    "Briefing: {link}",
    "Reported in: {titles}",
    "Actors: {names}.",
    "Date known only to the month: {date}.",
    "Date known only to the year: {date}.",
}


def theme_texts() -> set[str]:
    """Every text the bundled templates ask for by its English words: `_("…")`, `_n(…)`."""
    found = set()
    for template in (ROOT / "templates").glob("*.*"):
        source = template.read_text(encoding="utf-8")
        for call in re.findall(r"\b_n?\((.*?)\)\s*}}", source):
            # A text put together in the template ("Every " ~ kind ~ …) is listed above; what
            # a value is compared with (term.kind == 'topic') is no text.
            literals = re.findall(r"""(~\s*|==\s*)?("[^"]*"|'[^']*')(\s*~)?""", call)
            found |= {text[1:-1] for before, text, after in literals if not before and not after}
    return found - {", "}  # a join's separator, not a text


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_theme_asks_for_the_texts_this_test_knows():
    texts = theme_texts()
    assert {
        "Latest briefings",
        "Published {date}",
        "{n} briefings",
        "Try the {latest}, the {chronology} or the {archive}.",
    } <= texts
    assert len(texts) > 45


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_text_has_its_words_in_each_language_with_the_same_blanks(language):
    words = wording_for(language).words
    for text in theme_texts() | FROM_THE_ENGINE:
        assert text in words, f"{language} has no words for {text!r}"
        assert placeholders(words[text]) == placeholders(text), (language, text)
    assert set(words) <= theme_texts() | FROM_THE_ENGINE  # none left over from an old text


@pytest.mark.parametrize(
    ("language", "day", "first", "month", "count_0", "count_1", "count_2"),
    [
        ("en", "March 5, 2026", "March 1, 2026", "March 2026", "0 briefings", "1 briefing", "2 briefings"),
        (
            "es-VE",
            "5 de marzo de 2026",
            "1 de marzo de 2026",
            "marzo de 2026",
            "0 informes",
            "1 informe",
            "2 informes",
        ),
        (
            "pt-BR",
            "5 de março de 2026",
            "1º de março de 2026",
            "março de 2026",
            "0 boletins",
            "1 boletim",
            "2 boletins",
        ),
        ("fr", "5 mars 2026", "1er mars 2026", "mars 2026", "0 note", "1 note", "2 notes"),
        ("de", "March 5, 2026", "March 1, 2026", "March 2026", "0 briefings", "1 briefing", "2 briefings"),
    ],
)
def test_dates_and_counts_as_each_language_writes_them(
    language, day, first, month, count_0, count_1, count_2
):
    words = wording_for(language)
    assert words.date(datetime(2026, 3, 5, 23, 30)) == day
    assert words.date(PartialDate(2026, 3, 1)) == first
    assert words.date(PartialDate(2026, 3)) == month
    assert words.date(PartialDate(2026)) == "2026"
    counts = [words.count(n, "{n} briefing", "{n} briefings") for n in (0, 1, 2)]
    assert counts == [count_0, count_1, count_2]


def test_french_contracts_de_with_the_article_a_name_starts_with():
    french = wording_for("fr")
    assert (
        french("Every briefing on {site}, by month.", site="Le Bureau")
        == "Toutes les notes du Bureau, par mois."
    )
    assert (
        french("Every briefing on {site}, by month.", site="Les Échos")
        == "Toutes les notes des Échos, par mois."
    )
    assert (
        french("Every briefing on {site}, by month.", site="La Revue")
        == "Toutes les notes de La Revue, par mois."
    )


def test_words_with_markup_keep_it_and_escape_the_rest():
    spanish = wording_for("es")
    link = spanish.html("latest briefings")
    assert str(spanish.html("This page has moved to {page}.", page="<b>x</b>")) == (
        "Esta página se ha trasladado a &lt;b&gt;x&lt;/b&gt;."
    )
    assert "<a" not in str(link)
    assert ENGLISH("Topics") == "Topics"


def test_a_spanish_desk_reads_in_spanish_throughout(example_copy):
    settings = example_copy.root / "site.yaml"
    settings.write_text(re.sub(r"(?m)^language: .*$", "language: es", settings.read_text(encoding="utf-8")))
    example_copy.build()
    home = example_copy.read("index.html")
    assert '<html lang="es">' in home
    assert ">Cronología</a>" in home and ">Últimos informes</h2>" in home
    assert ">5 de marzo de 2026</time>" in home
    assert "5 informes; el último, del" in home
    briefing = example_copy.read("briefings/us-and-venezuela-agree-to-restore-relations/index.html")
    assert "Publicado el <time" in briefing and ">Fuentes</h2>" in briefing
    analysis = example_copy.read("briefings/analysis-what-the-agreement-leaves-open/index.html")
    assert '<h2 class="footnotes-title">Notas</h2>' in analysis
    archive = example_copy.read("archive/index.html")
    assert '<time datetime="2026-03">Marzo de 2026</time>' in archive  # a heading
    assert "<h1>Temas</h1>" in example_copy.read("topics/index.html")
    assert ">Actor</a> · persona</p>" in example_copy.read("actors/delcy-rodriguez/index.html")
    assert "Pruebe con los <a" in example_copy.read("404.html")
    feed = feedparser.parse(example_copy.read("topics/diplomacy/feed.xml"))
    assert feed.feed.subtitle == "Informes de The Venezuela Desk sobre Diplomacy."
    calendar = example_copy.read("chronology.ics")
    assert "SUMMARY:Informe: " in calendar and "Recogido en: " in calendar
    assert "X-WR-CALNAME:The Venezuela Desk: cronología" in calendar
    entries = json.loads(example_copy.read("chronology.json"))["entries"]
    assert any(e["text"].startswith("Informe: ") for e in entries)
    # No word of the bundled theme is left in English.
    english = {text for text in theme_texts() if wording_for("es")(text) != text and len(text) > 12}
    for page in (home, briefing, archive):
        visible = re.sub(r"<[^>]+>", " ", page)
        assert not [text for text in english if "{" not in text and text in visible]
    assert validate(example_copy.output) == []


def test_a_language_without_words_here_keeps_the_theme_in_english(example_copy):
    settings = example_copy.root / "site.yaml"
    settings.write_text(re.sub(r"(?m)^language: .*$", "language: de", settings.read_text(encoding="utf-8")))
    example_copy.build()
    home = example_copy.read("index.html")
    assert '<html lang="de">' in home and ">Latest briefings</h2>" in home and "March 5, 2026" in home


def test_a_theme_copied_before_month_headings_were_translated_still_builds(example_copy):
    # Themes start as a copy of the bundled one; older copies print `month.label`.
    theme = example_copy.root / "templates"
    shutil.copytree(ROOT / "templates", theme)
    for name in ("_macros.html", "archive.html"):
        page = theme / name
        page.write_text(page.read_text(encoding="utf-8").replace("month|month_label", "month.label"))
    example_copy.build()
    assert '<time datetime="2026-03">March 2026</time>' in example_copy.read("archive/index.html")


@pytest.mark.parametrize(
    ("language", "double", "inner"),
    [
        ("en", "“Simón Bolívar”", "‘pasos’"),
        ("es", "«Simón Bolívar»", "‘pasos’"),
        ("fr", "«\u202fSimón Bolívar\u202f»", "“pasos”"),
    ],
)
def test_straight_quotes_become_the_languages_own(site, language, double, inner):
    site.config(f"title: D\nbase_url: https://d.example/\nlanguage: {language}\n")
    site.briefing(
        "2026-03-05-a",
        "title: A\ndate: 2026-03-05\ntopics: [T]\nsources: [{outlet: R}]\n"
        "events:\n  - {date: 2026-03-04, text: 'Opening of the \"Simón Bolívar\" bridge.'}",
        "The \"Simón Bolívar\" bridge, and its 'pasos'.\n",
    )
    site.build()
    page = site.read("briefings/a/index.html")
    assert f"The {double} bridge, and its {inner}." in page  # the body
    assert f"Opening of the {double} bridge." in page  # an event


def test_a_kind_written_in_spanish_still_makes_a_person(site):
    site.config("title: D\nbase_url: https://d.example/\nlanguage: es\n")
    site.write("actors/ana-perez.md", "---\nname: Ana Pérez\nkind: persona\n---\nPeriodista.\n")
    site.write("actors/cne.md", "---\nname: Consejo Nacional Electoral\nkind: Organization\n---\nÁrbitro.\n")
    site.briefing(
        "2026-03-05-a",
        "title: A\ndate: 2026-03-05\ntopics: [T]\nactors: [Ana Pérez, Consejo Nacional Electoral]\nsources: [{outlet: R}]",
    )
    site.build()
    page = site.read("actors/ana-perez/index.html")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["about"]["@type"] == "Person"
    assert ">Actor</a> · persona</p>" in page
    # Written with a capital, a known kind is still put in the site's language.
    assert ">Actor</a> · organización</p>" in site.read("actors/cne/index.html")


@pytest.mark.parametrize(
    ("language", "byline"),
    [
        ("en", "By Ana Pérez, Luis Díaz and Isabel Mora"),
        ("es", "Por Ana Pérez, Luis Díaz e Isabel Mora"),  # 'e' before the sound of i
        ("fr", "Par Ana Pérez, Luis Díaz et Isabel Mora"),
    ],
)
def test_a_byline_of_several_names_reads_as_the_language_says_it(site, language, byline):
    site.config(f"title: D\nbase_url: https://d.example/\nlanguage: {language}\n")
    site.briefing(
        "2026-03-05-a",
        "title: A\ndate: 2026-03-05\ntopics: [T]\nsources: [{outlet: R}]\n"
        "authors: [Ana Pérez, Luis Díaz, Isabel Mora]",
    )
    site.build()
    assert f'<p class="byline">{byline}</p>' in site.read("briefings/a/index.html")
