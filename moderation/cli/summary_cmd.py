"""`moderate summary`: one row per thread — flags, stance, heat, derailment — for many threads."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .app import MAX_SIZE_HELP, app, emit, read_inputs


class SummaryFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command()
def summary(
    inputs: list[str] = typer.Argument(..., help="Thread dumps, comment tables (CSV/JSONL), directories or globs; - for stdin."),
    model_dir: Optional[Path] = typer.Option(None, "--model", help="Model directory (default: the shipped model)."),
    format: SummaryFormat = typer.Option(SummaryFormat.table, "--format", "-f", help="table for people; csv or json for machines."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
    max_size: float = typer.Option(50, "--max-size", help=MAX_SIZE_HELP, metavar="MB"),
) -> None:
    """Summarise each thread in one row: flags, stance, how contested, where it derails.

    Per thread: flags per label, stance toward the article and in replies, how contested, the
    most heated subthread, where it derails, the most flagged authors."""
    from ..model import load_model
    from ..scoring import per_thread, score_threads
    from ..summary import summarise

    threads = read_inputs(inputs, max_size)
    model = load_model(model_dir)
    print(f"summarising {len(threads)} thread{'s' if len(threads) != 1 else ''} "
          f"({sum(len(t.comments) for t in threads)} comments)", file=sys.stderr)
    table = score_threads(model, threads)
    summaries = [summarise(thread, rows) for thread, rows in per_thread(threads, table)]
    if format is SummaryFormat.json:
        import json

        emit(json.dumps({"threads": [s.as_dict() for s in summaries]}, ensure_ascii=False, indent=2) + "\n", output)
    elif format is SummaryFormat.csv:
        import pandas as pd

        emit(pd.DataFrame([s.as_row() for s in summaries]).to_csv(index=False, lineterminator="\n"), output)
    else:
        emit(_table(summaries), output)


def _table(summaries) -> str:
    head = (f"{'thread':<24} {'cmts':>5} {'auth':>4} {'flag%':>5} {'incv%':>5} {'consp%':>6} {'offt%':>5} "
            f"{'dominant':<8} {'contested':>9}  {'heated (density)':<18} {'derails':<8} top author")
    lines = [head]
    for s in summaries:
        pct = lambda x: f"{100 * x:.0f}"  # noqa: E731
        h, d = s.heated_subthread, s.derail_point
        top = f"{s.top_authors[0]['author']} ({s.top_authors[0]['flags']})" if s.top_authors else "-"
        lines.append(
            f"{s.thread_id[:24]:<24} {s.comments:>5} {s.authors:>4} {pct(s.flagged / s.comments) if s.comments else '0':>5} "
            f"{pct(s.labels['incivility']['share']):>5} {pct(s.labels['conspiracy']['share']):>6} "
            f"{pct(s.labels['off_topic']['share']):>5} {s.dominant_stance or '-':<8} "
            f"{'-' if s.contested is None else f'{s.contested:.2f}':>9}  "
            f"{(h['root'] + ' (' + pct(h['density']) + '%)') if h else '-':<18} {d['comment'] if d else '-':<8} {top}")
    lines.append("")
    lines.append("contested = share of replies that deny their parent; heated = subthread (3+ comments) with the "
                 "highest share flagged; derails = first comment most of whose replies are flagged")
    return "\n".join(lines) + "\n"
