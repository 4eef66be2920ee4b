"""Load stage: split a file into its YAML front matter and Markdown body, keeping line numbers."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, ContentErrors, warning

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# YAML 1.1 turns `NO`, `on`, `yes` into booleans and `2026-03-05` into a date object.
# Writers mean text, so only true/false are booleans and dates stay strings that the
# schema parses itself (and can then report precisely).
_DROPPED_TAGS = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}


# What PyYAML refuses to read (its Reader.NON_PRINTABLE): control characters, pasted with text.
_INVISIBLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class LineMap(dict):
    """A YAML mapping that remembers the line of each key (1-based, in the file)."""

    key_lines: dict[Any, int]
    line: int
    # Mistakes that leave the mapping readable (a key given twice): reported by whoever
    # reads it, alongside everything else wrong with the file.
    problems: tuple[ContentError, ...] = ()
    # Keys whose value was refused with a message of its own (an alias): not also "missing".
    refused: frozenset[str] = frozenset()


class LineList(list):
    """A YAML sequence that remembers the line of each item (1-based, in the file)."""

    item_lines: list[int]
    line: int


class WrittenInt(int):
    """An integer that remembers how it was written (`010`, `1_000`, `12:30`)."""

    source: str


class WrittenFloat(float):
    """A number with a point that remembers how it was written (`1.50`, `.inf`)."""

    source: str


def written(value: Any) -> str:
    """The text a writer typed for a scalar, as far as it is known."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return getattr(value, "source", str(value))


class _Loader(_Base):  # type: ignore[misc, valid-type]
    line_offset = 0
    problems: list[tuple[int, str]]
    line_starts: list[int]

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # A value its tag cannot make (`!!int Talks`) is refused at its line. Tags are
        # blanked out before parsing (see load_yaml); this catches any that escape the scan.
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, AttributeError, KeyError, OverflowError):
            self.recursive_objects.pop(node, None)
            self.problems.append(
                (
                    _line(self, node),
                    f"this value cannot be read as {node.tag.rsplit(':', 1)[-1]}; delete its tag",
                )
            )
            return node.value if isinstance(node, yaml.ScalarNode) else None


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED_TAGS]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _line_starts(text: str) -> list[int]:
    """Where each line starts; only \\n, \\r\\n and \\r end a line, as in an editor."""
    return [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]


def _line_at(loader: _Loader, index: int) -> int:
    # YAML also counts U+2028 and U+0085 as line breaks; editors do not, so count here.
    return bisect_right(loader.line_starts, index) + loader.line_offset


def _line(loader: _Loader, node: yaml.Node) -> int:
    return _line_at(loader, node.start_mark.index)


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> LineMap:
    result = LineMap()
    result.key_lines = {}
    result.line = _line(loader, node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = _line(loader, key_node)
        if isinstance(key, (list, dict)):
            loader.problems.append((line, "a key must be a plain name, not a list or mapping"))
            continue
        if not isinstance(key, str):  # `~:`, `true:`, `1:`: named as typed, not as Python has them
            key = key_node.value
        if key in result:
            first = result.key_lines[key]
            loader.problems.append(
                (
                    line,
                    f"{key}: given twice (first on line {first}); keep one and delete the other",
                )
            )
            continue
        if _is_alias(loader, value_node):
            loader.problems.append((line, f"{key}: {_ALIAS}"))
            result.refused |= {key}
            continue
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


# A YAML alias (`*name`) repeats what an anchor (`&name`) named. Nested, a few hundred
# bytes of them stand for billions of values: refused, so no file can make a build, or a
# message about it, exhaust the machine's memory.
_ALIAS = "a YAML alias (*name) is not read in front matter; write the value out in full"


def _is_alias(loader: _Loader, node: yaml.Node) -> bool:
    # Each node is made once; meeting one already made means an alias led to it again.
    return node in loader.constructed_objects or node in loader.recursive_objects


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList()
    result.item_lines = []
    result.line = _line(loader, node)
    for child in node.value:
        if _is_alias(loader, child):
            # The alias's own place is not kept; the list's is.
            loader.problems.append((result.line, f"in this list, {_ALIAS}"))
            continue
        result.append(loader.construct_object(child, deep=True))
        result.item_lines.append(_line(loader, child))
    return result


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> WrittenInt:
    result = WrittenInt(yaml.SafeLoader.construct_yaml_int(loader, node))
    result.source = node.value
    return result


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> WrittenFloat:
    result = WrittenFloat(yaml.SafeLoader.construct_yaml_float(loader, node))
    result.source = node.value
    return result


# Characters XML refuses, which a YAML escape ("\a", "\x07", "\uFFFE") can still write:
# one in a title would make every feed that carries it unreadable.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    found = NOT_IN_XML.search(value)
    if found:
        loader.problems.append(
            (
                _line(loader, node),
                f"the invisible character U+{ord(found.group()):04X} (written as an escape) is not "
                "allowed in front matter; delete it",
            )
        )
    return value


_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)


@dataclass(frozen=True, slots=True)
class Document:
    """A content file split into front matter (with lines) and body."""

    path: Path
    meta: LineMap
    body: str
    body_line: int


_FENCE = re.compile(r"^---[ \t]*$")


def parse_document(path: Path, text: str) -> Document:
    """Split `text` into front matter and body; raise ContentErrors naming the line."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
    if not text.strip():
        raise _one(
            path,
            1,
            "the file is empty; it starts with a '---' front matter block: a briefing's title, "
            "date and topics, or a profile's name",
        )
    if lines[0].rstrip("\r\n").rstrip() == "+++":  # Hugo's TOML front matter
        raise _one(
            path,
            1,
            "front matter in TOML (between '+++' lines) is not read: write it as YAML between "
            "'---' lines, 'title: …' for 'title = \"…\"'",
        )
    if not _FENCE.match(lines[0].rstrip("\r\n")):
        raise _one(
            path,
            1,
            "no front matter: the file must start with a line '---', then YAML fields "
            "(title, date, topics…), then another '---'",
        )
    closing = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i].rstrip("\r\n"))), None)
    if closing is None:
        raise _one(
            path,
            1,
            "the front matter opened on line 1 is never closed; add a line '---' after the last field",
        )
    yaml_text = "".join(lines[1:closing])
    meta = load_yaml(path, yaml_text, line_offset=1)
    body = "".join(lines[closing + 1 :])
    return Document(path=path, meta=meta, body=body, body_line=closing + 2)


def load_yaml(path: Path, yaml_text: str, line_offset: int = 0) -> LineMap:
    """Parse a YAML mapping safely; every line reported is counted in the file."""
    # What YAML cannot read (pasted control characters) or must not construct (explicit
    # tags: `!!int Talks` fails in PyYAML, `!!timestamp` gives a value the schema cannot
    # name) is reported at its line, and the rest read without it: the file's other
    # mistakes show in the same run, not one fix later.
    # Pasted characters are cut (one may sit inside a word); tags are blanked, which keeps
    # the value after them where it was.
    for find, cut in ((_invisible_characters, True), (_tags, False)):
        spans = find(yaml_text)
        if spans:
            return _without(path, yaml_text, line_offset, spans, cut)
    try:
        loader = _Loader(yaml_text)
    except yaml.reader.ReaderError as exc:
        raise _one(path, line_offset + 1, _reader_problem(exc)) from None
    loader.line_offset = line_offset
    loader.problems = []
    loader.line_starts = _line_starts(yaml_text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        raise _one(path, *_locate(loader, yaml_text, exc)) from None
    except yaml.reader.ReaderError as exc:
        index = exc.position
        if exc.encoding != "unicode":  # libyaml counts bytes of UTF-8
            index = len(yaml_text.encode("utf-8")[: exc.position].decode("utf-8", errors="ignore"))
        raise _one(path, _line_at(loader, index), _reader_problem(exc)) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise _one(path, line_offset + 1, f"YAML error: {' '.join(str(exc).split())}") from None
    finally:
        loader.dispose()
    errors = [ContentError(path, line, message) for line, message in loader.problems]
    if " #" in yaml_text:
        errors += _cut_by_comments(path, yaml_text, line_offset)
    if data is None:
        data = LineMap()
        data.key_lines = {}
        data.line = line_offset + 1
    if not isinstance(data, LineMap):
        errors.append(
            ContentError(
                path,
                line_offset + 1,
                "the front matter must be 'key: value' lines (title: …, date: …), "
                f"not {'a list' if isinstance(data, list) else 'a single value'}",
            )
        )
        raise ContentErrors(errors)
    data.problems = tuple(errors)
    return data


def _locate(loader: _Loader, yaml_text: str, exc: yaml.MarkedYAMLError) -> tuple[int, str]:
    """The line to fix and what to do there: an unclosed [ or quote is fixed where it opened."""
    mark = exc.problem_mark or exc.context_mark
    line = _line_at(loader, mark.index) if mark else loader.line_offset + 1
    context = exc.context or ""
    opened = exc.context_mark
    if opened and context.startswith(("while parsing a flow", "while scanning a quoted scalar")):
        start = _line_at(loader, opened.index)
        if "quoted" in context:
            quote = yaml_text[opened.index] if opened.index < len(yaml_text) else '"'
            return (
                start,
                f"YAML syntax error: the {quote} opened here is never closed; add the closing {quote}",
            )
        closer = "]" if "sequence" in context else "}"
        what = "list [" if closer == "]" else "mapping {"
        return start, (
            f"YAML syntax error: the {what} opened here is not closed by a '{closer}' before line {line}; "
            f"close it, and quote items that contain , [ ] {{ }} or ': '"
        )
    unclosed = _quote_across_lines(yaml_text, mark.index if mark else len(yaml_text))
    if unclosed is not None:
        start, quote = unclosed
        return _line_at(loader, start), (
            f"YAML syntax error: the {quote} opened here is not closed on its line; close it "
            + ("(an apostrophe inside single quotes is written twice: '')" if quote == "'" else "")
        ).rstrip()
    failed = yaml_text.split("\n")[line - loader.line_offset - 1] if line > loader.line_offset else ""
    quoted = _QUOTED_VALUE.match(failed)
    if quoted and "expected" in (exc.problem or ""):
        quote = failed[failed.index(":") + 1 :].lstrip()[0]
        fix = (
            "an apostrophe inside single quotes is written twice ('')"
            if quote == "'"
            else 'a quote inside double quotes is written \\"'
        )
        return line, (
            f"YAML syntax error: text goes on after the closing {quote} of this value; {fix}, "
            "or put the whole value in the other kind of quotes"
        )
    block = yaml_text.split("\n")[: max(line - loader.line_offset - 1, 0)]
    above = next((text for text in reversed(block) if text.strip()), "")
    indented = _INDENTED_KEY.match(failed)
    if indented and above[:1].strip() and "mapping values are not allowed" in (exc.problem or ""):
        # Under a top-level field with a value, not inside a list or mapping.
        return line, (
            f"YAML syntax error: '{indented[1]}:' is indented, so it reads as part of the line "
            "above; start it at the beginning of the line"
        )
    glued = _GLUED_KEY.search("\n".join(yaml_text.split("\n")[: line - loader.line_offset]))
    if glued:
        return _line_at(loader, glued.start()), (
            f"YAML syntax error: a space is missing after '{glued[1]}:'; write '{glued[1]}: {glued[2]}'"
        )
    prose = _prose_line(yaml_text, line - loader.line_offset)
    if prose is not None:
        return loader.line_offset + prose, (
            "this is not a 'key: value' line: is the closing '---' of the front matter missing? "
            "Add a line '---' after the last field"
        )
    if mark and mark.index < len(yaml_text) and yaml_text[mark.index] == "\t":
        return line, "YAML syntax error: a tab character here; indent with spaces, not tabs"
    if mark and mark.index < len(yaml_text) and yaml_text[mark.index] in "@`%":
        char = yaml_text[mark.index]
        return line, f"YAML syntax error: a value cannot start with {char}; put the value in quotes"
    return line, f"YAML syntax error: {_explain(exc)}"


# `title: Venezuela ranks #1 in oil reserves`: YAML reads ` #1…` as a comment. A comment
# written on purpose has a space after its '#'.
_CUT_BY_COMMENT = re.compile(
    r"""^[ \t]*(?:-[ \t]+)?([A-Za-z_][\w-]*):[ \t]+([^\s'"\[{|>&*!#][^\n]*?)[ \t]+(#\S[^\n]*)$""",
    re.MULTILINE,
)


def _cut_by_comments(path: Path, yaml_text: str, line_offset: int) -> list[ContentError]:
    starts = _line_starts(yaml_text)
    return [
        warning(
            path,
            line_offset + bisect_right(starts, found.start()),
            f"{found[1]}: '{found[3]}' is read as a comment and left out; put the whole value in "
            f'quotes: {found[1]}: "{found[2]} {found[3]}"',
        )
        for found in _CUT_BY_COMMENT.finditer(yaml_text)
    ]


def _quote_across_lines(yaml_text: str, before: int) -> tuple[int, str] | None:
    """A quoted value that runs on past its line, before the error: a quote never closed
    there, which YAML then closes at the next quote mark it meets, lines further on."""
    try:
        for token in yaml.scan(yaml_text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= before:
                break
            if (
                isinstance(token, yaml.ScalarToken)
                and token.style in ("'", '"')
                and token.start_mark.line != token.end_mark.line
                # Closed inside what reads as another field (`text: Venezuela's…`): a value
                # that legitimately runs over two lines ends in plain words.
                and _KEY_START.match(yaml_text, yaml_text.rfind("\n", 0, token.end_mark.index) + 1)
            ):
                return token.start_mark.index, token.style
    except yaml.YAMLError:
        pass  # the scan stops where the parse failed; what came before is what matters
    return None


# `date:2026-03-07`: a field without the space YAML needs after its colon.
_GLUED_KEY = re.compile(r"^[ \t]*(?:-[ \t]+)?([A-Za-z_][\w-]*):([^\s/:][^\n]*)$", re.MULTILINE)
_INDENTED_KEY = re.compile(r"^[ \t]+([A-Za-z_][\w-]*):(?:\s|$)")
# A value in quotes with more than a comment after its closing quote.
_QUOTED_VALUE = re.compile(
    r"""^\s*(?:-\s+)?[^\s#:'"][^:]*:\s+(?:'(?:[^']|'')*'|"(?:[^"\\]|\\.)*")[ \t]*[^\s#]"""
)
# A line that starts a field: `key:`, `- key:`, indented or not.
_KEY_START = re.compile(r"[ \t]*(?:-[ \t]+)?[A-Za-z_][\w-]*:(?:\s|$)")
_KEY_LINE = re.compile(r"""^(?:[^\s#:'"][^:]*|"[^"]*"|'[^']*'):(?:\s|$)""")


def _prose_line(yaml_text: str, failed_at: int) -> int | None:
    """The line (counted in the block) where text that reads as a body starts, after a blank
    line, at or before the line where the parse failed: the closing '---' was left out."""
    lines = yaml_text.split("\n")
    for number in range(1, min(failed_at, len(lines))):
        text = lines[number]
        if (
            not lines[number - 1].strip()
            and text.strip()
            and not text[0].isspace()
            and not text.startswith(("#", "-", "---"))
            and not _KEY_LINE.match(text)
        ):
            return number + 1
    return None


def _explain(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's problem in one line, with the usual fix."""
    problem = " ".join((exc.problem or "invalid YAML").split())
    context = " ".join((exc.context or "").split())
    if "mapping values are not allowed" in problem:
        return f"{problem}; a value containing ': ' must be quoted, e.g. title: \"Analysis: the deal\""
    if "found character '\\t'" in problem:
        return f"{problem}; indent with spaces, not tabs"
    if "could not determine a constructor" in problem and "merge" in problem:
        return "'<<' (a YAML merge key) is not allowed; write the fields out"
    if "could not determine a constructor" in problem:
        tag = problem.rsplit(" ", 1)[-1]
        return f"the tag {tag} is not allowed; write plain text, lists and 'key: value' lines"
    if "found undefined alias" in problem or "found unhashable key" in problem:
        return problem
    if context:
        return f"{context}: {problem}"
    return problem


def _invisible_characters(yaml_text: str) -> list[tuple[int, int, str]]:
    """Every character YAML cannot read, where it is, and what to say about it."""
    return [
        (
            found.start(),
            found.end(),
            f"the invisible character U+{ord(found.group()):04X} is not allowed in front matter; delete it",
        )
        for found in _INVISIBLE.finditer(yaml_text)
    ]


def _tags(yaml_text: str) -> list[tuple[int, int, str]]:
    """Every explicit tag (`!!int`, `!x`) but `!!str`, which only keeps text as text."""
    if "!" not in yaml_text:
        return []
    found = []
    try:
        for token in yaml.scan(yaml_text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.TagToken) and token.value != ("!!", "str"):
                start, end = token.start_mark.index, token.end_mark.index
                found.append(
                    (
                        start,
                        end,
                        f"the tag {yaml_text[start:end]} is not allowed in front matter; delete it "
                        "(put the value in quotes to keep it as text)",
                    )
                )
    except yaml.YAMLError:
        pass  # a syntax error: the parse reports it, at its line
    return found


def _without(
    path: Path, yaml_text: str, line_offset: int, spans: list[tuple[int, int, str]], cut: bool
) -> LineMap:
    """The mapping read with these spans cut out or blanked, their messages added to its problems."""
    starts = _line_starts(yaml_text)
    found = [ContentError(path, line_offset + bisect_right(starts, start), why) for start, _, why in spans]
    pieces, last = [], 0
    for start, end, _ in spans:
        pieces += [yaml_text[last:start], "" if cut else " " * (end - start)]
        last = end
    pieces.append(yaml_text[last:])
    try:
        data = load_yaml(path, "".join(pieces), line_offset)
    except ContentErrors as exc:
        raise ContentErrors([*found, *exc.errors]) from None
    data.problems = (*found, *data.problems)
    return data


def _reader_problem(exc: yaml.reader.ReaderError) -> str:
    char = exc.character
    code = ord(char) if isinstance(char, str) else int(char)
    return f"the invisible character U+{code:04X} is not allowed in front matter; delete it"


def _one(path: Path, line: int, message: str) -> ContentErrors:
    return ContentErrors([ContentError(path, line, message)])
