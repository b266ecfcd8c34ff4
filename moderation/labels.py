"""The labeled set in `labels/`: reading it, splitting it, checking it.

`labels/labels.csv` has one row per labeled comment, keyed by the thread file (relative to
the labels directory) and the comment's id in that thread. A blank cell means "unknown", never
"no", so partly labeled rows and rows imported later fit the same table. Whole threads go to
the held-out `test` split by a hash of the thread's key, so adding threads never moves an
existing one between splits.

`labels/reviewed.csv` holds the decisions moderators made on review sheets (`moderate labels
add`). Those comments come from dumps and tables that are not in `threads/`, so each row
carries its own context (text, quotes, parent text, article title, and the article's text in a
deduplicated file under `articles/`); its thread key is `<source file>#<thread id>` and it is
split by the same hash.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import LabelError, ModerationError
from .thread import Comment, Thread

BINARY_LABELS = ("incivility", "conspiracy", "off_topic")
STANCES = ("support", "deny", "query", "comment")
ALL_LABELS = (*BINARY_LABELS, "stance")
TABLE_NAME = "labels.csv"
KEY_COLUMNS = ("thread", "comment_id")
COLUMNS = (*KEY_COLUMNS, *ALL_LABELS, "hard_negative")
TEST_SHARE_PERCENT = 25
REVIEWED_NAME = "reviewed.csv"
ARTICLES_DIR = "articles"
REVIEWED_COLUMNS = ("review_id", "source", "thread", "comment_id", "parent_id", "depth", "article_title", "article",
                    "parent_text", "text", "quotes", *ALL_LABELS, "reviewer", "date", "note")


def split_of(thread_key: str) -> str:
    """`test` for about a quarter of threads, chosen by a hash of the thread key: stable across
    machines and Python versions, and unaffected by other threads being added or removed."""
    bucket = int(hashlib.sha256(thread_key.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "test" if bucket < TEST_SHARE_PERCENT else "train"


@dataclass
class LabeledComment:
    """One labeled comment with the context the model needs (its parent and the article)."""

    thread: str
    comment_id: str
    text: str
    parent_text: str
    article_text: str
    depth: int
    labels: dict[str, object]  # 0/1 for binary labels, a stance name, or None when unknown
    hard_negative: tuple[str, ...] = ()
    row: int = 0
    quotes: str = ""
    table: str = TABLE_NAME  # the file the row is in (labels.csv or reviewed.csv)

    @property
    def split(self) -> str:
        return split_of(self.thread)


def parse_binary(value: str) -> int | None:
    v = value.strip()
    if v == "":
        return None
    if v in ("0", "1"):
        return int(v)
    raise ValueError("use 0, 1 or leave blank")


def parse_stance(value: str) -> str | None:
    v = value.strip().lower()
    if v == "":
        return None
    if v in STANCES:
        return v
    raise ValueError(f"use one of {', '.join(STANCES)} or leave blank")


@dataclass
class LabelSet:
    """The examples of a labels directory, and what was wrong with it (when checked)."""

    directory: Path
    examples: list[LabeledComment] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    threads: dict[str, Thread] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def split(self, name: str) -> list[LabeledComment]:
        return [e for e in self.examples if e.split == name]


def _context(thread: Thread, comment: Comment) -> tuple[str, str]:
    parent = thread.parent(comment)
    parent_text = "" if parent is None else "\n\n".join([*parent.quotes, parent.text]).strip()
    return parent_text, thread.article.text


def _row_labels(row: dict[str, str], line: int, fail) -> tuple[dict[str, object], bool]:
    """The label values of a labels.csv or reviewed.csv row; each bad value reported to `fail`."""
    labels: dict[str, object] = {}
    bad = False
    for name in ALL_LABELS:
        try:
            labels[name] = (parse_stance if name == "stance" else parse_binary)(row[name] or "")
        except ValueError as exc:
            fail(f"{name} = {row[name]!r}: {exc}", line)
            bad = True
    return labels, bad


def load_labels(directory: str | Path = "labels", *, collect_errors: bool = False) -> LabelSet:
    """Read labels.csv and the threads it points at. Raises LabelError on the first problem,
    or, with `collect_errors`, records every problem in `.errors` and keeps the valid rows."""
    from .inputs import parse_thread

    root = Path(directory)
    table = root / TABLE_NAME
    result = LabelSet(root)

    def fail(message: str, line: int | None = None, path: Path | str = table) -> None:
        err = LabelError(message, path=path, line=line)
        if not collect_errors:
            raise err
        result.errors.append(str(err))

    if not table.is_file():
        if (root / REVIEWED_NAME).is_file():
            _load_reviewed(root, result, collect_errors)
            return result
        raise LabelError(f"no {TABLE_NAME} in {root}", path=root, hint="pass the labels directory")
    from .reading import read_text

    text = read_text(table, max_bytes=None)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise LabelError(f"missing column(s): {', '.join(missing)}", path=table, line=1,
                         hint=f"the header must have {', '.join(COLUMNS)}")
    seen: dict[tuple[str, str], int] = {}
    for row in reader:
        line = reader.line_num
        key = (row["thread"].strip(), row["comment_id"].strip())
        if key in seen:
            fail(f"duplicate row for {key[0]} comment {key[1]} (first on line {seen[key]})", line)
            continue
        seen[key] = line
        labels, bad = _row_labels(row, line, fail)
        hard = tuple(h for h in (row.get("hard_negative") or "").split(";") if h)
        for h in hard:
            if h not in BINARY_LABELS:
                fail(f"hard_negative names {h!r}; use labels from {', '.join(BINARY_LABELS)}", line)
                bad = True
            elif labels.get(h) == 1:
                fail(f"hard_negative names {h}, but {h} = 1 (a hard negative is a 0)", line)
                bad = True
        if bad:
            continue
        thread_key, comment_id = key
        if thread_key not in result.threads:
            path = root / thread_key
            try:
                result.threads[thread_key] = parse_thread(path, strict=True, max_bytes=None)
            except ModerationError as exc:
                fail(f"thread {thread_key} does not parse cleanly: {exc}", line)
                result.threads[thread_key] = Thread()
                continue
        thread = result.threads[thread_key]
        if not thread.comments:
            continue
        try:
            comment = thread.get(comment_id)
        except KeyError:
            fail(f"{thread_key} has no comment {comment_id!r}", line)
            continue
        parent_text, article_text = _context(thread, comment)
        result.examples.append(LabeledComment(thread_key, comment_id, comment.text, parent_text, article_text,
                                              comment.depth, labels, hard, line, "\n\n".join(comment.quotes)))
    if (root / REVIEWED_NAME).is_file():
        _load_reviewed(root, result, collect_errors)
    return result


def _load_reviewed(root: Path, result: LabelSet, collect_errors: bool) -> None:
    """Add the rows of reviewed.csv (self-contained: context in the row and in articles/)."""
    from .reading import read_text

    table = root / REVIEWED_NAME

    def fail(message: str, line: int | None = None) -> None:
        err = LabelError(message, path=table, line=line)
        if not collect_errors:
            raise err
        result.errors.append(str(err))

    reader = csv.DictReader(io.StringIO(read_text(table, max_bytes=None), newline=""))
    missing = [c for c in REVIEWED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise LabelError(f"missing column(s): {', '.join(missing)}", path=table, line=1,
                         hint=f"the header must have {', '.join(REVIEWED_COLUMNS)}")
    seen: dict[str, int] = {}
    articles: dict[str, str] = {}
    for row in reader:
        line = reader.line_num
        rid = (row["review_id"] or "").strip()
        if not rid:
            fail("empty review_id", line)
            continue
        if rid in seen:
            fail(f"duplicate review_id {rid} (first on line {seen[rid]})", line)
            continue
        seen[rid] = line
        labels, bad = _row_labels(row, line, fail)
        if not bad and all(v is None for v in labels.values()):
            fail("row has no label (a reviewed row needs at least one)", line)
            bad = True
        if not (row["thread"] or "").strip() or not (row["comment_id"] or "").strip():
            fail("thread and comment_id must not be empty", line)
            bad = True
        if not (row["text"] or "").strip():
            fail("empty text", line)
            bad = True
        try:
            depth = int(row["depth"] or "1")
            if depth < 1:
                raise ValueError
        except ValueError:
            fail(f"depth = {row['depth']!r}: use a whole number from 1", line)
            bad = True
        article_ref = (row["article"] or "").strip()
        article_text = row["article_title"] or ""
        if article_ref:
            if article_ref not in articles:
                path = root / article_ref
                if not article_ref.startswith(ARTICLES_DIR + "/") or ".." in Path(article_ref).parts or not path.is_file():
                    fail(f"article {article_ref!r} is not a file under {ARTICLES_DIR}/", line)
                    bad = True
                else:
                    articles[article_ref] = read_text(path, max_bytes=None)
            article_text = articles.get(article_ref, article_text)
        if bad:
            continue
        result.examples.append(LabeledComment(row["thread"].strip(), row["comment_id"].strip(), row["text"],
                                              row["parent_text"] or "", article_text, depth, labels, (), line,
                                              row["quotes"] or "", REVIEWED_NAME))
    directory = root / ARTICLES_DIR
    if directory.is_dir():
        for path in sorted(directory.glob("*.txt")):
            if f"{ARTICLES_DIR}/{path.name}" not in articles:
                result.warnings.append(f"{path}: no row of {REVIEWED_NAME} uses this article "
                                       "(left by an interrupted `labels add`?); it can be deleted")


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def check_labels(directory: str | Path = "labels") -> LabelSet:
    """Everything `moderate labels check` verifies; problems are in `.errors`."""
    result = load_labels(directory, collect_errors=True)
    root = Path(directory)
    referenced = set(result.threads)
    for path in sorted((root / "threads").glob("*.txt")) if (root / "threads").is_dir() else []:
        key = path.relative_to(root).as_posix()
        if key not in referenced:
            result.errors.append(f"{path}: thread file has no labeled comments in {TABLE_NAME}")
    by_text: dict[str, set[str]] = {}
    first_seen: dict[str, LabeledComment] = {}
    for e in result.examples:
        norm = _normal(e.text)
        by_text.setdefault(norm, set()).add(e.split)
        first_seen.setdefault(norm, e)
    for norm, splits in by_text.items():
        if len(splits) > 1:
            e = first_seen[norm]
            result.errors.append(f"{root / e.table}:{e.row}: comment text appears in both train and test "
                                 f"({e.thread} {e.comment_id}): {norm[:60]}…")
    return result


def count_table(examples: list[LabeledComment]) -> list[tuple[str, str, int, int, int]]:
    """(label, value, train, test, all) rows: the counts `labels check` prints."""
    rows = []
    for name in ALL_LABELS:
        values = ("1", "0") if name in BINARY_LABELS else STANCES
        counts = {s: Counter() for s in ("train", "test")}
        for e in examples:
            v = e.labels[name]
            if v is not None:
                counts[e.split][str(v)] += 1
        for v in values:
            rows.append((name, v, counts["train"][v], counts["test"][v], counts["train"][v] + counts["test"][v]))
    return rows


def summary_lines(result: LabelSet) -> list[str]:
    """A people-readable table of the set: threads, comments and label counts per split."""
    ex = result.examples
    threads = {s: {e.thread for e in ex if e.split == s} for s in ("train", "test")}
    total_threads = len(threads["train"]) + len(threads["test"])
    lines = [f"{total_threads} threads ({len(threads['test'])} test = "
             f"{len(threads['test']) / max(total_threads, 1):.0%}), {len(ex)} labeled comments, "
             f"max depth {max((e.depth for e in ex), default=0)}",
             "",
             f"{'label':<11} {'value':<8} {'train':>6} {'test':>6} {'all':>6} {'share':>6}"]
    for name, value, train, test, total in count_table(ex):
        known = sum(1 for e in ex if e.labels[name] is not None) or 1
        lines.append(f"{name:<11} {value:<8} {train:>6} {test:>6} {total:>6} {total / known:>6.1%}")
    reviewed = sum(1 for e in ex if e.table == REVIEWED_NAME)
    if reviewed:
        lines.append(f"({reviewed} of the labeled comments come from review sheets, in {REVIEWED_NAME})")
    lines.append("")
    for name in BINARY_LABELS:
        negatives = [e for e in ex if e.labels[name] == 0]
        hard = sum(1 for e in negatives if name in e.hard_negative)
        lines.append(f"hard negatives for {name}: {hard} of {len(negatives)} negatives ({hard / max(len(negatives), 1):.1%})")
    return lines
