"""Write scores as they are produced, batch by batch: CSV, JSON or the annotated tree.

Scoring a large table happens in batches of whole threads; each writer takes a batch's threads
and their score rows and writes them straight out, so nothing grows with the input. The CSV
columns are fixed by the first batch (later batches are aligned to them) and the JSON document
is streamed as `{"threads": [ … ]}` without ever holding all threads.
"""

from __future__ import annotations

import json
from typing import TextIO

from .scoring import per_thread
from .thread import Thread


class CsvScoreWriter:
    """One row per comment, in input order; the header once."""

    def __init__(self, out: TextIO, warn=None) -> None:
        self.out = out
        self.columns: list[str] | None = None
        self.warn = warn
        self._warned = False

    def write(self, threads: list[Thread], table) -> None:
        if self.columns is None:
            self.columns = list(table.columns)
            header = True
        else:
            extra = [c for c in table.columns if c not in self.columns]
            if extra and self.warn and not self._warned:
                self.warn(f"column(s) {', '.join(extra)} first appear after the first batch; left out of the CSV")
                self._warned = True
            table = table.reindex(columns=self.columns)
            header = False
        table.to_csv(self.out, index=False, header=header, float_format="%.4f", lineterminator="\n")

    def close(self) -> None:
        if self.columns is None:  # nothing scored: still a valid, empty table
            from .scoring import SCORE_COLUMNS

            self.out.write(",".join(SCORE_COLUMNS) + "\n")


class JsonScoreWriter:
    """`{"threads": [{"thread_id", "article", "comments": [...], "summary": {...}}, ...]}`, streamed."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0
        out.write('{\n  "threads": [')

    def write(self, threads: list[Thread], table) -> None:
        from .outputs import article_dict
        from .summary import summarise

        for thread, rows in per_thread(threads, table):
            comments = json.loads(rows.to_json(orient="records", double_precision=6))
            item = {"thread_id": thread.thread_id, "article": article_dict(thread), "comments": comments,
                    "summary": summarise(thread, rows).as_dict()}
            body = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ")
            self.out.write(("," if self.count else "") + "\n    " + body)
            self.count += 1

    def close(self) -> None:
        self.out.write(("\n  " if self.count else "") + "]\n}\n")


class TreeScoreWriter:
    """The comment tree of each thread with its flags and stance beside every comment (and why,
    with --explain), then the thread's summary."""

    def __init__(self, out: TextIO, colour: bool) -> None:
        self.out = out
        self.colour = colour
        self.count = 0

    def annotation(self, row) -> str:
        flags = [f for f in str(row["flags"]).split(";") if f]
        text = f"  ⚑ {', '.join(flags)}" if flags else ""
        if self.colour and flags:
            text = f"\x1b[1;31m{text}\x1b[0m"
        why = f"  — why: {row['explanation']}" if row.get("explanation") else ""
        return f"{text}  [{row['stance']}]{why}"

    def write(self, threads: list[Thread], table) -> None:
        from .display import render_tree
        from .summary import summarise

        for thread, rows in per_thread(threads, table):
            by_id = {r["id"]: r for r in rows.to_dict("records")}
            text = render_tree(thread, annotate=lambda c, by_id=by_id: self.annotation(by_id[c.id]))
            self.out.write(("\n" if self.count else "") + text + "\n" + summarise(thread, rows).as_text())
            self.count += 1

    def close(self) -> None:
        pass
