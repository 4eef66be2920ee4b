"""Whatever a writer types, the engine builds or says where the mistake is; it never crashes.

Hypothesis writes front matter out of the pieces writers get wrong (YAML 1.1 words, colons,
quotes, tabs, brackets, dates in every shape, traversal slugs, scripts) and Markdown bodies,
then builds. Either the build succeeds, or it raises ContentErrors in which every error names
a content file and a line; and nothing is ever written outside the output folder.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefings.errors import ContentErrors
from briefings.load import BRIEFING_FIELDS, EVENT_FIELDS, PAGE_FIELDS, SOURCE_FIELDS
from briefings.pipeline import BuildOptions, build

from .conftest import FIXED_NOW, SITE_YAML

BASE = "---\ntitle: Base\ndate: 2026-03-01\ntopics: [Diplomacy]\nsources: [{outlet: Reuters}]\n---\nBase.\n"

TRICKY = [
    "NO", "on", "yes", "~", "null", "true", "False", "010", "0x1F", "1:30", ".inf", "1e3", "1_000",
    "2026-03-05", "2026-02-30", "2026-13-01", "2026-03", "2026", "March 5, 2026", "yesterday",
    "2026-03-05T25:00", "2026-03-05T14:00:00-05:00", "0000-01-01",
    "../../escaped", "/etc/passwd", "..\\..\\x", "C:\\x", "???", "…", "a/b", "",
    "javascript:alert(1)", "//evil.example", "https://example.com/a", "mailto:a@b.c", "/about/",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "{{ 7*7 }}",
    "Delcy Rodríguez", "Delcy Rodrigues", "US–Venezuela", "Владимир Путин", "東京",
    "a: b", "'unclosed", '"unclosed', "[unclosed", "{a: b", "- item", "#comment", "&anchor",
    "*alias", "!!python/object/apply:os.system ['true']", "!custom", "|", ">", "@at", "`tick",
    "%TAG", "\t", "key: value: more", "bell \x07", "\u2028",
]  # fmt: skip
SCALAR = st.one_of(
    st.sampled_from(TRICKY),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=20),
    st.integers(-10, 3000).map(str),
)
FIELD = st.one_of(
    st.sampled_from(BRIEFING_FIELDS), st.sampled_from(["topcis", "tittle", "x", "- a", "1", "~"])
)


@st.composite
def value(draw, depth: int = 0) -> str:
    """A YAML value as a writer might type it after 'key:', possibly over several lines."""
    kind = draw(st.sampled_from(["scalar", "scalar", "flow", "block", "maps"] if depth == 0 else ["scalar"]))
    if kind == "scalar":
        return " " + draw(SCALAR)
    items = draw(st.lists(SCALAR, max_size=4))
    if kind == "flow":
        return " [" + ", ".join(items) + "]"
    if kind == "block":
        return "".join(f"\n  - {item}" for item in items)
    fields = EVENT_FIELDS + SOURCE_FIELDS + ("linke",)
    lines = []
    for _ in range(draw(st.integers(0, 3))):
        keys = draw(st.lists(st.sampled_from(fields), min_size=1, max_size=3))
        lines.append("\n  - " + "\n    ".join(f"{k}:{draw(value(depth + 1))}" for k in keys))
    return "".join(lines)


VALID = {
    "title": st.sampled_from(["Talks", "'NO: a title'", '"<script>alert(1)</script>"', "Yes", "Путин"]),
    "date": st.sampled_from(["2026-03-05", "2026-03-05T14:00:00-05:00", "2026-03-06T02:00Z", "2030-01-01"]),
    "topics": st.sampled_from(["[Diplomacy]", "[NO, Venezuela]", "US–Venezuela", "[東京, '???x']"]),
    "sources": st.sampled_from(["[{outlet: Reuters}]", "\n  - outlet: AP\n    url: https://example.com/x"]),
}


@st.composite
def document(draw, fields: tuple[str, ...] | None = None) -> str:
    keys = draw(st.lists(FIELD if fields is None else st.sampled_from(fields), max_size=9))
    front = "".join(f"{key}:{draw(value())}\n" for key in keys)
    if fields is None and draw(st.integers(0, 9)) < 7:  # mostly right, as most briefings are
        front = "".join(f"{key}: {draw(strategy)}\n" for key, strategy in VALID.items())
        extra = draw(st.lists(st.sampled_from([k for k in BRIEFING_FIELDS if k not in VALID]), max_size=3))
        plain = st.sampled_from(
            [" Caracas", " [A, B]", " NO", " true", " 2026-03-06", " 'x: y'", " ~", " Ünï"]
        )
        front += "".join(f"{key}:{draw(st.one_of(plain, value()))}\n" for key in dict.fromkeys(extra))
    body = draw(
        st.one_of(
            st.text(max_size=200),
            st.lists(
                st.sampled_from(
                    ["# H", "[^1]", "[^1]: n", "<script>x</script>", "[a](/x/)", "> q", "|a|\n|-|"]
                )
            ).map("\n\n".join),
        )
    )
    shape = draw(st.sampled_from(["whole"] * 8 + ["no-close", "no-open", "empty", "crlf"]))
    if shape == "no-close":
        return f"---\n{front}{body}"
    if shape == "no-open":
        return f"{front}---\n{body}"
    if shape == "empty":
        return draw(st.sampled_from(["", "\n", "---\n---\n", "---\n"]))
    text = f"---\n{front}---\n{body}"
    return text.replace("\n", "\r\n") if shape == "crlf" else text


NAMES = st.one_of(
    st.sampled_from(["2026-03-05-a", "b", "2026-03-06-ünï cödé", "2026-03-07-talks"]),
    st.sampled_from(["2026-03-05-a", "b", "2026-03-06-ünï cödé", "2026-03-07-talks"]),
    st.sampled_from(["base", "2026-03-01-base", "..", "-", "2026-03-05-", "CON", "a.b"]),
    st.text(alphabet="abc-.é ", min_size=1, max_size=8),
)


def listing(root: Path, skip: Path) -> set[Path]:
    """Every path under root but the output folder and the build cache (.cache/, beside content/)."""
    cache = root / ".cache"
    return {p for p in root.rglob("*") if not {skip, cache} & {p, *p.parents}}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    briefings=st.lists(st.tuples(NAMES, document()), min_size=1, max_size=2, unique_by=lambda t: t[0]),
    page=st.one_of(st.none(), st.none(), document(PAGE_FIELDS)),
)
def test_any_front_matter_builds_or_points_at_a_file_and_line(briefings, page):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
        content = root / "content"
        (content / "briefings").mkdir(parents=True)
        (content / "briefings/2026-03-01-base.md").write_text(BASE, encoding="utf-8")
        written = {content / "briefings/2026-03-01-base.md"}
        for name, text in briefings:
            path = content / "briefings" / f"{name}.md"
            path.write_bytes(text.encode("utf-8"))
            written.add(path)
        if page is not None:
            (content / "pages").mkdir()
            (content / "pages/p.md").write_text(page, encoding="utf-8")
            written.add(content / "pages/p.md")
        output = root / "_site"
        before = listing(root, output)
        try:
            build(BuildOptions(content=content, output=output, now=FIXED_NOW))
        except ContentErrors as exc:
            assert exc.errors
            for error in exc.errors:
                assert error.path in written, error
                assert isinstance(error.line, int) and error.line >= 1, error
                assert "\n" not in error.message, error
            assert not output.exists()
        else:
            assert (output / "index.html").is_file()
            for file in output.rglob("*"):
                assert file.resolve().is_relative_to(output.resolve())
        assert listing(root, output) == before  # nothing beside the output, no temp folders
