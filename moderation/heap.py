"""Give the C heap's free pages back to the system between the parser's large steps."""

from __future__ import annotations

from functools import cache
from typing import Callable


def give_back_freed_memory() -> None:
    """Return the C heap's free pages to the system, where the C library can (glibc's
    `malloc_trim`); elsewhere nothing.

    numpy's arrays for a large dump are allocated and freed on the C heap, while the comment
    objects made next are Python's small objects, which live in arenas of their own and never
    reuse those pages: without this, the freed pages stay counted against the process through
    the rest of the parse (about 60 MB at the peak of a 100 MB dump, measured)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    import ctypes

    try:
        return ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError, TypeError):  # not glibc (macOS, musl, Windows)
        return None
