"""The toolkit's own exceptions: each carries the file and line/row so the CLI can say
exactly where the problem is and what to do, in one line, without a traceback."""

from __future__ import annotations


class ModerationError(Exception):
    """Base class: `path`, `line` (1-based line or row) and a `hint` saying what to do."""

    def __init__(self, message: str, *, path: object = None, line: int | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path + (f":{self.line}" if self.line is not None else "") + ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        return where + self.message + (f" ({self.hint})" if self.hint else "")


class InputError(ModerationError):
    """A file that cannot be read as text at all: missing, empty, binary, too large."""


class ParseError(ModerationError):
    """A thread dump whose structure is broken (raised for warnings under --strict)."""


class TableError(ModerationError):
    """A comment or label table with missing columns, bad values or a broken tree."""


class LabelError(ModerationError):
    """The labeled set in labels/ is inconsistent."""


class ModelError(ModerationError):
    """A model file that is missing, corrupt or from an incompatible version."""
