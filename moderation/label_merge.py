"""Merge a filled-in review sheet into the label set (`labels/reviewed.csv` + `labels/articles/`).

Order of work, so a bad file or an interruption never leaves a half-merged label set:

1. read the sheet as a spreadsheet saves it (`moderation.spreadsheet`) and validate *every*
   row; any bad value -> `ReviewFileError` listing all of them, nothing written;
2. take each reviewed comment's full context from its source (the dump or table the sheet
   was made from, found by the sheet's `source` column) when it is still there and unchanged
   (same review id), else from the sheet itself (its parent text is shortened and it has the
   article's title only; the report counts these rows);
3. compare with the rows already in `reviewed.csv`: new rows are added, blanks of existing
   rows filled, equal rows left alone, contradicting rows reported and kept out (unless
   `overwrite`), and rows whose text is already in the other split kept out (the held-out
   split must never share a comment with training);
4. write new article files, then replace `reviewed.csv` atomically; if anything fails, the
   article files this run created are removed again.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import TableError
from .labels import ALL_LABELS, ARTICLES_DIR, REVIEWED_COLUMNS, REVIEWED_NAME, STANCES, parse_stance, split_of

TRUE_WORDS = ("1", "yes", "y", "true", "x")
FALSE_WORDS = ("0", "no", "n", "false")
BOOLEAN_HELP = "1/0, yes/no, y/n, true/false, x (= yes), or blank (not reviewed)"
STANCE_HELP = f"{', '.join(STANCES)} (any case), or blank (not reviewed)"
_REVIEW_ID = re.compile(r"^r[0-9a-f]{16}$")


class ReviewFileError(TableError):
    """A review sheet with bad rows: `problems` lists every one (row, column, value, allowed)."""

    def __init__(self, problems: list[str], path: str) -> None:
        super().__init__(f"{len(problems)} bad value(s); nothing was written", path=path,
                         hint="fix the cells listed and run again")
        self.problems = problems


def parse_decision(value: str) -> int | None:
    v = value.strip().lower()
    if v in ("1.0",):
        v = "1"
    if v in ("0.0",):
        v = "0"
    if v == "":
        return None
    if v in TRUE_WORDS:
        return 1
    if v in FALSE_WORDS:
        return 0
    raise ValueError(BOOLEAN_HELP)


def parse_stance_decision(value: str) -> str | None:
    """A stance in any case, blank for not reviewed (labels.parse_stance, with the sheet's wording)."""
    try:
        return parse_stance(value)
    except ValueError:
        raise ValueError(STANCE_HELP) from None


@dataclass
class Reviewed:
    """One reviewed row of a sheet: its decisions and the context it carries."""

    row: int
    review_id: str
    decisions: dict[str, object]
    cells: dict[str, str]


@dataclass
class MergeReport:
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    overwritten: int = 0
    skipped: int = 0
    conflicts: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    context_from_sheet: int = 0
    changes: list[str] = field(default_factory=list)
    written: bool = False

    def summary(self) -> str:
        parts = [f"{self.read} rows read", f"{self.added} added", f"{self.updated} updated",
                 f"{self.unchanged} unchanged", f"{len(self.conflicts)} conflicts"]
        if self.overwritten:
            parts.append(f"{self.overwritten} overwritten")
        if self.leaks:
            parts.append(f"{len(self.leaks)} kept out (text in the other split)")
        parts.append(f"{self.skipped} skipped (not reviewed)")
        return ", ".join(parts)


def read_review_sheet(text: str, source: str) -> tuple[int, list[Reviewed]]:
    """(rows read, reviewed rows) of a filled-in sheet; ReviewFileError lists every bad row."""
    from .spreadsheet import read_csv

    header, rows = read_csv(text, source)
    if "review_id" not in header:
        raise TableError("no review_id column", path=source, line=1,
                         hint="pass the CSV `moderate review` wrote (columns may be reordered, not removed)")
    if not any(name in header for name in ALL_LABELS):
        raise TableError(f"no decision column (any of {', '.join(ALL_LABELS)})", path=source, line=1)
    problems: list[str] = []
    read = 0
    out: list[Reviewed] = []
    first: dict[str, Reviewed] = {}

    def bad(number: int, column: str, value: str, allowed: str) -> None:
        problems.append(f"row {number}, column {column}: {value!r} is not allowed; use {allowed}")

    for number, cells in rows:
        read += 1
        decisions: dict[str, object] = {}
        ok = True
        for name in ALL_LABELS:
            raw = cells.get(name, "")
            try:
                decisions[name] = (parse_stance_decision if name == "stance" else parse_decision)(raw)
            except ValueError as exc:
                bad(number, name, raw, str(exc))
                ok = False
        rid = cells.get("review_id", "").strip()
        if not _REVIEW_ID.match(rid):
            bad(number, "review_id", rid, "the id `moderate review` wrote (r + 16 hex digits); do not edit it")
            ok = False
        if not ok or all(v is None for v in decisions.values()):
            continue
        if not cells.get("text", "").strip():
            bad(number, "text", cells.get("text", ""), "the comment's text as the sheet has it (a reviewed row needs it)")
            continue
        item = Reviewed(number, rid, decisions, cells)
        if rid in first:
            if first[rid].decisions != decisions:
                bad(number, "review_id", rid, f"one decision per comment (row {first[rid].row} decides it differently)")
            continue
        first[rid] = item
        out.append(item)
    if problems:
        raise ReviewFileError(problems, source)
    return read, out


def _article_ref(text: str) -> str:
    return f"{ARTICLES_DIR}/{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}.txt" if text.strip() else ""


def _contexts(items: list[Reviewed], sheet: Path | None, warn: Callable[[str], None]) -> dict[str, dict[str, object]]:
    """Full context (from the sources still on disk) per review id."""
    from .errors import ModerationError
    from .frames import thread_rows
    from .review import read_sources, review_id, thread_key

    wanted: dict[str, set[str]] = {}
    for item in items:
        wanted.setdefault(item.cells.get("source", ""), set()).add(item.review_id)
    found: dict[str, dict[str, object]] = {}
    for source, ids in wanted.items():
        if not source or source == "-":
            continue
        candidates = [Path(source)] + ([sheet.parent / source] if sheet is not None else [])
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            warn(f"{source}: not found; taking the context of its {len(ids)} row(s) from the sheet")
            continue
        try:
            threads = read_sources([str(path)], max_bytes=None).threads
        except ModerationError as exc:
            warn(f"{source}: cannot re-read it ({exc}); taking the context from the sheet")
            continue
        for thread in threads:
            key = thread_key(source, thread.thread_id)
            rows = None
            for position, comment in enumerate(thread.comments):
                rid = review_id(key, comment.id, comment.text)
                if rid not in ids:
                    continue
                rows = rows if rows is not None else thread_rows(thread)
                context = rows[position]
                found[rid] = {"thread": key, "comment_id": comment.id, "parent_id": comment.parent_id or "",
                              "depth": comment.depth, "article_title": thread.article.title,
                              "article_text": context["article_text"], "parent_text": context["parent_text"],
                              "text": comment.text, "quotes": context["quotes"]}
    return found


def _sheet_context(item: Reviewed) -> dict[str, object]:
    from .review import thread_key

    c = item.cells
    try:
        depth = max(1, int(float(c.get("depth", "") or 1)))
    except ValueError:
        depth = 1
    return {"thread": thread_key(c.get("source", ""), c.get("thread_id", "")), "comment_id": c.get("id", "") or item.review_id,
            "parent_id": c.get("parent_id", ""), "depth": depth, "article_title": c.get("article_title", ""),
            "article_text": c.get("article_title", ""), "parent_text": c.get("parent_text", ""),
            "text": c.get("text", ""), "quotes": c.get("quotes", "")}


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _value(v: object) -> str:
    return "" if v is None else str(v)


def merge_review(sheet_text: str, labels_dir: str | Path, *, sheet_path: str | Path | None = None,
                 dry_run: bool = False, overwrite: bool = False, today: str | None = None,
                 warn: Callable[[str], None] = lambda m: None) -> MergeReport:
    """Validate a filled-in review sheet and merge its decisions into `labels_dir`."""
    from .labels import load_labels
    from .reading import read_text

    source_name = str(sheet_path) if sheet_path is not None else "<review>"
    read, items = read_review_sheet(sheet_text, source_name)
    root = Path(labels_dir)
    report = MergeReport(read=read, skipped=read - len(items))
    today = today or _dt.date.today().isoformat()

    existing_rows: list[dict[str, str]] = []
    table = root / REVIEWED_NAME
    if table.is_file():
        reader = csv.DictReader(io.StringIO(read_text(table, max_bytes=None), newline=""))
        existing_rows = [dict(r) for r in reader]
    by_id = {r["review_id"]: r for r in existing_rows}
    split_of_text: dict[str, str] = {}
    if (root / "labels.csv").is_file() or table.is_file():
        for e in load_labels(root).examples:
            split_of_text.setdefault(_normal(e.text), e.split)

    contexts = _contexts(items, Path(sheet_path) if sheet_path is not None else None, warn)
    new_rows: list[dict[str, str]] = []
    articles: dict[str, str] = {}
    for item in items:
        old = by_id.get(item.review_id)
        decided = {k: v for k, v in item.decisions.items() if v is not None}
        where = f"row {item.row} ({item.cells.get('source', '')} {item.cells.get('thread_id', '')} comment {item.cells.get('id', '')})"
        if old is not None:
            clashes = [k for k, v in decided.items() if old.get(k, "").strip() and old[k].strip() != _value(v)]
            fills = [k for k, v in decided.items() if not old.get(k, "").strip()]
            if clashes and not overwrite:
                report.conflicts.append(f"{where}: " + ", ".join(f"{k} = {_value(decided[k])} but {REVIEWED_NAME} has {old[k]}"
                                                                 for k in clashes))
                continue
            if not clashes and not fills:
                report.unchanged += 1
                continue
            for k, v in decided.items():
                old[k] = _value(v)
            if item.cells.get("reviewer", "").strip():
                old["reviewer"] = item.cells["reviewer"].strip()
            if item.cells.get("note", "").strip():
                old["note"] = item.cells["note"].strip()
            old["date"] = today
            if clashes:
                report.overwritten += 1
                report.changes.append(f"overwrite {item.review_id} {where}: " + ", ".join(f"{k} {_value(decided[k])}" for k in clashes))
            else:
                report.updated += 1
                report.changes.append(f"fill {item.review_id} {where}: " + ", ".join(f"{k} {_value(decided[k])}" for k in fills))
            continue
        context = contexts.get(item.review_id)
        if context is None:
            context = _sheet_context(item)
            report.context_from_sheet += 1
        split = split_of(str(context["thread"]))
        norm = _normal(str(context["text"]))
        other = split_of_text.get(norm)
        if other is not None and other != split:
            report.leaks.append(f"{where}: the same text is already labeled in the {other} split; "
                                f"this comment would be in {split}")
            continue
        split_of_text.setdefault(norm, split)
        ref = _article_ref(str(context["article_text"]))
        if ref:
            articles[ref] = str(context["article_text"])
        row = {"review_id": item.review_id, "source": item.cells.get("source", ""), "thread": context["thread"],
               "comment_id": context["comment_id"], "parent_id": context["parent_id"], "depth": context["depth"],
               "article_title": context["article_title"], "article": ref, "parent_text": context["parent_text"],
               "text": context["text"], "quotes": context["quotes"],
               **{k: _value(item.decisions[k]) for k in ALL_LABELS},
               "reviewer": item.cells.get("reviewer", "").strip(), "date": today, "note": item.cells.get("note", "").strip()}
        new_rows.append({k: _value(v) for k, v in row.items()})
        by_id[item.review_id] = new_rows[-1]
        report.added += 1
        report.changes.append(f"add {item.review_id} {where}: " + ", ".join(f"{k} {_value(v)}" for k, v in decided.items()))
    if report.context_from_sheet:
        warn(f"{report.context_from_sheet} row(s) take their context from the sheet (parent text shortened, "
             "article title only): keep the sources beside the sheet for full context")
    if dry_run or not (report.added or report.updated or report.overwritten):
        return report
    _write(root, existing_rows + new_rows, articles)
    report.written = True
    return report


def _write(root: Path, rows: list[dict[str, str]], articles: dict[str, str]) -> None:
    """Article files first (new ones only), then reviewed.csv atomically; undo the new
    article files if anything fails, so the label set is exactly as it was."""
    from .files import atomic_open, atomic_write_text

    created: list[Path] = []
    try:
        for ref, text in sorted(articles.items()):
            path = root / ref
            if not path.exists():
                atomic_write_text(path, text)
                created.append(path)
        with atomic_open(root / REVIEWED_NAME, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(REVIEWED_COLUMNS), lineterminator="\n", extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: row.get(k, "") for k in REVIEWED_COLUMNS})
    except BaseException:
        for path in created:
            try:
                os.unlink(path)
            except OSError:
                pass
        if created and not any((root / ARTICLES_DIR).iterdir()):
            try:
                (root / ARTICLES_DIR).rmdir()
            except OSError:
                pass
        raise
