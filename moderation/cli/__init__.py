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
from . import parse_cmd, score_cmd, summary_cmd, report_cmd, review_cmd, train_cmd, evaluate_cmd, serve_cmd, labels_cmd  # noqa: F401, I001  (registers the commands, in --help order)
from .app import EXIT_BAD_INPUT, EXIT_OK, app

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
