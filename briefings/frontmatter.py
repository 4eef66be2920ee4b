"""Load stage: split a file into its YAML front matter and Markdown body, keeping line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, ContentErrors

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# YAML 1.1 turns `NO`, `on`, `yes` into booleans and `2026-03-05` into a date object.
# Writers mean text, so only true/false are booleans and dates stay strings that the
# schema parses itself (and can then report precisely).
_DROPPED_TAGS = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}


class LineMap(dict):
    """A YAML mapping that remembers the line of each key (1-based, in the file)."""

    key_lines: dict[Any, int]
    line: int


class LineList(list):
    """A YAML sequence that remembers the line of each item (1-based, in the file)."""

    item_lines: list[int]
    line: int


class _Loader(_Base):  # type: ignore[misc, valid-type]
    line_offset = 0
    problems: list[tuple[int, str]]


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED_TAGS]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _line(loader: _Loader, node: yaml.Node) -> int:
    return node.start_mark.line + 1 + loader.line_offset


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
        if key in result:
            first = result.key_lines[key]
            loader.problems.append(
                (
                    line,
                    f"{key}: given twice (first on line {first}); keep one and delete the other",
                )
            )
            continue
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.item_lines = [_line(loader, child) for child in node.value]
    result.line = _line(loader, node)
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


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
    lines = text.splitlines(keepends=True)
    if not text.strip():
        raise _one(
            path,
            1,
            "the file is empty; a briefing starts with a '---' front matter block",
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
    loader = _Loader(yaml_text)
    loader.line_offset = line_offset
    loader.problems = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        problem = exc.problem or "invalid YAML"
        hint = ""
        if "mapping values are not allowed" in problem:
            hint = "; a value containing ': ' must be quoted"
        elif "found character '\\t'" in problem:
            hint = "; indent with spaces, not tabs"
        raise _one(path, line, f"YAML syntax error: {problem}{hint}") from None
    except yaml.YAMLError as exc:
        raise _one(path, line_offset + 1, f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    errors = [ContentError(path, line, message) for line, message in loader.problems]
    if data is None:
        data = LineMap()
        data.key_lines = {}
        data.line = line_offset + 1
    if not isinstance(data, LineMap):
        errors.append(
            ContentError(
                path,
                line_offset + 1,
                f"the front matter must be a set of 'key: value' lines, not a {type(data).__name__}",
            )
        )
    if errors:
        raise ContentErrors(errors)
    return data


def _one(path: Path, line: int, message: str) -> ContentErrors:
    return ContentErrors([ContentError(path, line, message)])
