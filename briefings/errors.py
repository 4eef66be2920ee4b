"""Diagnostics: content errors and warnings that point at a file and a line."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class ContentError:
    """One problem in one file, read like a compiler's message."""

    path: Path
    line: int | None
    message: str
    severity: Severity = "error"

    def location(self, relative_to: Path | None = None) -> str:
        path = self.path
        if relative_to is not None:
            with contextlib.suppress(ValueError):  # outside the folder: keep it absolute
                path = path.resolve().relative_to(relative_to.resolve())
        return printable(f"{path}:{self.line}" if self.line else str(path))

    def format(self, relative_to: Path | None = None) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.location(relative_to)}: {prefix}{self.shown_message}"

    @property
    def shown_message(self) -> str:
        """The message as a terminal should print it (see `printable`)."""
        return printable(self.message)

    @property
    def sort_key(self) -> tuple[str, int, str]:
        return (str(self.path), self.line or 0, self.message)


class ContentErrors(Exception):
    """Raised once a stage has collected every error it found."""

    def __init__(
        self,
        errors: list[ContentError] | tuple[ContentError, ...],
        warnings: list[ContentError] | tuple[ContentError, ...] = (),
    ):
        # The same words on the same line (two items on one line) are said once.
        self.errors = tuple(sorted(dict.fromkeys(errors), key=lambda e: e.sort_key))
        # Warnings found in the same run, so a failed build still shows them.
        self.warnings = tuple(sorted(dict.fromkeys(warnings), key=lambda e: e.sort_key))
        super().__init__(f"{len(self.errors)} content error(s)")


# Control characters a message can carry from what it quotes (a file name, a key): a
# terminal would obey them (clear the screen, hide text, set the window title).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with every control character shown as an escape (\x1b), never obeyed."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def warning(path: Path, line: int | None, message: str) -> ContentError:
    return ContentError(path, line, message, "warning")


def has_errors(problems: Iterable[ContentError]) -> bool:
    """Whether any of these is an error, not a warning."""
    return any(p.severity == "error" for p in problems)


def as_error(problem: ContentError) -> ContentError:
    """A warning that counts as an error (`--strict`)."""
    return ContentError(problem.path, problem.line, problem.message, "error")


_LINE_END = re.compile(rb"\r\n|\r|\n")


def not_utf8(path: Path, data: bytes, exc: UnicodeDecodeError) -> ContentError:
    """Where a file stops being UTF-8: most often a quote or dash pasted from Word."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ContentError(path, 1, "the file is saved as UTF-16; save it as UTF-8")
    line = len(_LINE_END.findall(data[: exc.start])) + 1
    byte = data[exc.start]
    return ContentError(
        path,
        line,
        f"not UTF-8 text: byte 0x{byte:02X} here is Windows-1252 or Latin-1 (a curly quote, a "
        "dash or an accent pasted from another program); save the file as UTF-8",
    )
