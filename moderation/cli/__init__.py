"""The `moderate` command: parses arguments, calls the library, prints. Nothing else.

Library errors (ModerationError) become one line on stderr and exit code 2; warnings go to
stderr; results go to stdout or --output. Heavy libraries are imported inside the commands
that need them, so `moderate --help` stays instant. Each command lives in its own module;
importing it registers it on the app (the order here is the order of `--help`).
"""

from __future__ import annotations

import os
import sys

from ..errors import ModerationError
from . import (  # noqa: F401  (importing a command module registers its command)
    evaluate_cmd,
    labels_cmd,
    parse_cmd,
    report_cmd,
    review_cmd,
    score_cmd,
    serve_cmd,
    summary_cmd,
    train_cmd,
)
from .app import EXIT_BAD_INPUT, EXIT_OK, app

# `--help` lists commands in this order: the way a moderator meets them.
_HELP_ORDER = ("parse", "score", "summary", "report", "review", "train", "evaluate", "serve")
app.registered_commands.sort(key=lambda c: _HELP_ORDER.index(c.name or c.callback.__name__))

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point: run the app, turning library errors into exit code 2."""
    try:
        app(standalone_mode=True)
    except ModerationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_OK)
