"""`moderate score`: score every comment and print a tree, CSV or JSON."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .app import (
    EXIT_FINDINGS,
    MAX_SIZE_HELP,
    app,
    emit,
    expand_inputs,
    size_limit,
    warn,
)


class ScoreFormat(str, Enum):
    tree = "tree"
    json = "json"
    csv = "csv"


def _annotation(row, colour: bool) -> str:
    flags = [f for f in str(row["flags"]).split(";") if f]
    text = f"  ⚑ {', '.join(flags)}" if flags else ""
    if colour and flags:
        text = f"\x1b[1;31m{text}\x1b[0m"
    why = f"  — why: {row['explanation']}" if row.get("explanation") else ""
    return f"{text}  [{row['stance']}]{why}"


@app.command()
def score(
    inputs: list[str] = typer.Argument(..., help="Thread dumps, comment tables (CSV/JSONL), directories or globs; - for stdin."),
    model_dir: Optional[Path] = typer.Option(None, "--model", help="Model directory (default: the shipped model)."),
    format: ScoreFormat = typer.Option(ScoreFormat.tree, "--format", "-f", help="tree for people; csv or json for machines."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Exit 1 if any comment carries one of these flags (comma-separated)."),
    max_size: float = typer.Option(50, "--max-size", help=MAX_SIZE_HELP, metavar="MB"),
    explain: bool = typer.Option(False, "--explain", help="Say which words and context features pushed each flag over its threshold."),
) -> None:
    """Score every comment for incivility, conspiracy claims, off-topic drift and stance."""
    from ..labels import BINARY_LABELS
    from ..model import load_model

    wanted = [f.strip() for f in (fail_on or "").split(",") if f.strip()]
    unknown = [f for f in wanted if f not in BINARY_LABELS]
    if unknown:
        raise typer.BadParameter(f"unknown label(s) {', '.join(unknown)}; use {', '.join(BINARY_LABELS)}", param_hint="--fail-on")
    from ..inputs import read_threads

    threads = []
    files = expand_inputs(inputs)
    for f in files:
        for thread in read_threads(f if f == "-" else Path(f), max_bytes=size_limit(max_size)):
            if not thread.thread_id:
                thread.thread_id = "stdin" if f == "-" else Path(f).stem
            for w in thread.warnings:
                warn(w)
            threads.append(thread)
    model = load_model(model_dir)
    if len(files) > 1:
        print(f"scoring {sum(len(t.comments) for t in threads)} comments in {len(threads)} threads", file=sys.stderr)
    from ..scoring import score_threads

    table = score_threads(model, threads, explain=explain)
    if format is ScoreFormat.csv:
        emit(table.to_csv(index=False, float_format="%.4f", lineterminator="\n"), output)
    elif format is ScoreFormat.json:
        emit(_scores_json(threads, table), output)
    else:
        from ..display import render_tree
        from ..summary import summarise

        colour = output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        parts = []
        for thread, rows in _per_thread(threads, table):
            by_id = {r["id"]: r for r in rows.to_dict("records")}
            parts.append(render_tree(thread, annotate=lambda c, by_id=by_id: _annotation(by_id[c.id], colour)))
            parts.append(summarise(thread, rows).as_text())
        emit("\n".join(parts), output)
    if wanted and any(set(str(f).split(";")) & set(wanted) for f in table["flags"]):
        raise typer.Exit(EXIT_FINDINGS)


def _per_thread(threads, table):
    """(thread, its rows of the score table): the table holds every thread's comments in order."""
    start = 0
    for thread in threads:
        yield thread, table.iloc[start:start + len(thread.comments)]
        start += len(thread.comments)


def _scores_json(threads, table) -> str:
    import json

    from ..outputs import article_dict
    from ..summary import summarise

    payload: dict[str, list] = {"threads": []}
    for thread, rows in _per_thread(threads, table):
        comments = json.loads(rows.to_json(orient="records", double_precision=6))
        payload["threads"].append({"thread_id": thread.thread_id, "article": article_dict(thread), "comments": comments,
                                   "summary": summarise(thread, rows).as_dict()})
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"

