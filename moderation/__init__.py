"""moderation: parse reader-comment threads saved from news pages, score, summarise, review.

The public API is importable from the package root; heavy modules load on first use so that
importing the package (and a cold `moderate --help`) stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from .errors import InputError, LabelError, ModelError, ModerationError, ParseError, TableError
from .thread import Article, Comment, Thread

__version__ = "0.1.0"

_LAZY = {
    "parse_thread": "inputs",
    "read_threads": "inputs",
    "iter_threads": "inputs",
    "parse_dump": "parse",
    "read_table": "tables",
    "render_thread": "render",
    "load_model": "model",
    "ModerationModel": "model",
    "train": "training",
    "score_threads": "scoring",
    "read_decisions": "decision_log",
    "html_to_text": "html_text",
    "build_review": "review",
    "merge_review": "label_merge",
    "summarise": "summary",
    "ThreadSummary": "summary",
    "explanations": "explain",
    "render_report": "report",
}

__all__ = [
    "Article", "Comment", "Thread",
    "ModerationError", "InputError", "ParseError", "TableError", "LabelError", "ModelError",
    *_LAZY,
]

if TYPE_CHECKING:  # pragma: no cover
    from .inputs import iter_threads, parse_thread, read_threads
    from .parse import parse_dump
    from .render import render_thread
    from .model import ModerationModel, load_model
    from .scoring import score_threads
    from .decision_log import read_decisions
    from .html_text import html_to_text
    from .review import build_review
    from .label_merge import merge_review
    from .summary import ThreadSummary, summarise
    from .explain import explanations
    from .report import render_report
    from .tables import read_table
    from .training import train


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
