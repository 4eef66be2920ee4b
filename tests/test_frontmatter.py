"""Front matter: splitting, line numbers, and YAML's traps for writers."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefings.errors import ContentErrors
from briefings.frontmatter import parse_document

PATH = Path("content/briefings/x.md")


def errors_of(text: str) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        parse_document(PATH, text)
    return [e.format() for e in caught.value.errors]


def test_keys_remember_their_lines_in_the_file():
    doc = parse_document(
        PATH, "---\ntitle: T\ndate: 2026-03-05\nevents:\n  - date: 2026-01\n    text: x\n---\nBody\n"
    )
    assert doc.meta.key_lines == {"title": 2, "date": 3, "events": 4}
    assert doc.meta["events"][0].key_lines == {"date": 5, "text": 6}
    assert doc.meta["events"].item_lines == [5]
    assert doc.body == "Body\n"
    assert doc.body_line == 8


def test_yaml_1_1_words_stay_text_and_dates_stay_strings():
    doc = parse_document(PATH, "---\ntopics: [NO, on, Yes, off]\ndate: 2026-03-05\ndraft: true\n---\n")
    assert doc.meta["topics"] == ["NO", "on", "Yes", "off"]
    assert doc.meta["date"] == "2026-03-05"
    assert doc.meta["draft"] is True


def test_a_key_given_twice_is_an_error_at_the_second_and_the_rest_is_still_read():
    doc = parse_document(PATH, "---\ntitle: A\ndate: 2026-01-01\ntitle: B\n---\n")
    assert [e.format() for e in doc.meta.problems] == [
        "content/briefings/x.md:4: title: given twice (first on line 2); keep one and delete the other"
    ]
    assert doc.meta["date"] == "2026-01-01"  # so the file's other mistakes are found in the same run


def test_yaml_syntax_error_line_is_counted_in_the_file():
    (message,) = errors_of("---\ntitle: A\nsummary: a: b\n---\n")
    assert message.startswith("content/briefings/x.md:3: YAML syntax error")
    assert "must be quoted" in message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "the file is empty"),
        ("Just a body\n", 1, "no front matter"),
        ("---\ntitle: A\n", 1, "never closed"),
        ("---\n- a\n- b\n---\n", 2, "must be 'key: value' lines (title: …, date: …), not a list"),
    ],
)
def test_broken_blocks_say_what_is_wrong(text, line, words):
    (message,) = errors_of(text)
    assert message.startswith(f"content/briefings/x.md:{line}: ")
    assert words in message


def test_a_key_that_yaml_reads_as_a_value_is_named_as_typed(site):
    site.briefing("a", "title: A\ndate: 2026-03-05\ntopics: [T]\n~: x\ntrue: y")
    with pytest.raises(ContentErrors) as caught:
        site.build()
    assert [(e.line, e.message.split(";")[0]) for e in caught.value.errors] == [
        (5, "unknown field '~'"),
        (6, "unknown field 'true'"),
    ]
