"""Read a user's file as text, refusing what is not text before any parsing starts.

Every reader in the toolkit goes through `read_text`, so empty, binary, oversized and
non-UTF-8 files get the same clear message whichever command met them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import InputError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_BOMS = ("\ufeff",)


def _looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KiB: not a text dump."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return control > max(8, len(head) // 20)


def decode(data: bytes, path: str = "<input>", warn=None) -> str:
    """UTF-8 (with or without BOM); otherwise cp1252, then latin-1, saying so.

    Saved pages from older Windows tools are often cp1252; latin-1 never fails, so the
    last fallback cannot lose the file, only mis-read a few symbols, which the note says.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        for encoding in ("cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            note = (f"{path}: not valid UTF-8 (first bad byte at offset {exc.start}); "
                    f"read as {encoding}. Save the file as UTF-8 to silence this.")
            (warn or _stderr)(note)
            break
    if text.startswith(_BOMS):
        text = text[1:]
    return text


def describe_size(n: int) -> str:
    """`3.2 MB`, `512 bytes`: sizes for messages."""
    return f"{n / 1024 / 1024:.1f} MB" if n >= 100_000 else f"{n} bytes"


def _stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def require_file(path: str | Path) -> Path:
    """The path, or an InputError if it is missing or a directory: every reader's first check."""
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", path=p, hint="check the path")
    if p.is_dir():
        raise InputError("is a directory, not a file", path=p, hint="pass the files inside it")
    return p


def read_text(path: str | Path, max_bytes: int | None = DEFAULT_MAX_BYTES, warn=None) -> str:
    """The file's text, or an InputError naming the file and what to do."""
    p = require_file(path)
    try:
        size = p.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise InputError(
                f"file is {describe_size(size)}, over the {describe_size(max_bytes)} limit",
                path=p, hint="raise the limit with --max-size MB, or split the file")
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=p) from None
    return check_and_decode(data, str(p), warn=warn)


def check_and_decode(data: bytes, path: str = "<input>", warn=None) -> str:
    """Refuse empty and binary input, then decode. Shared by files and standard input."""
    if _looks_binary(data):
        raise InputError("looks like a binary file, not a text dump or table", path=path,
                         hint="save the page as plain text (.txt), CSV or JSONL")
    text = decode(data, path, warn=warn)
    if not text or text.isspace():  # not `strip()`: that would copy a 100 MB text to test it
        raise InputError("file is empty", path=path, hint="save the page with its text and try again")
    return text
