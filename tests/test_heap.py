"""Giving the C heap's free pages back (`heap.give_back_freed_memory`)."""

from __future__ import annotations

import platform

from moderation import heap


def test_give_back_uses_malloc_trim_on_glibc_and_is_harmless_anywhere():
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert heap._malloc_trim() is not None
    heap.give_back_freed_memory()  # never raises, wherever it runs


def test_give_back_does_nothing_without_malloc_trim(monkeypatch):
    monkeypatch.setattr(heap, "_malloc_trim", lambda: None)
    heap.give_back_freed_memory()
