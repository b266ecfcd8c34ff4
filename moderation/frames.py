"""Turn labeled sets and threads into the flat table the model reads.

One row per comment with the comment's own text, its target's text (parent, article), its
depth and its thread, plus one column per label (NaN / None where unknown). Labeled sets,
foreign label tables (with `--map`) and threads to score all meet here, so training and scoring
see exactly the same columns.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import TableError
from .labels import ALL_LABELS, BINARY_LABELS, STANCES
from .thread import Thread

CONTEXT_COLUMNS = ("text", "parent_text", "article_text", "quotes", "depth", "group")


def thread_rows(thread: Thread) -> list[dict[str, object]]:
    """Context rows for every comment of a thread, in the thread's comment order."""
    article = thread.article.text
    rows = []
    for c in thread.comments:
        parent = thread.parent(c)  # parsers and table readers guarantee the parent exists
        parent_text = c.extra.get("parent_text", "") if parent is None else "\n\n".join([*parent.quotes, parent.text])
        rows.append({
            "text": c.text,
            "parent_text": parent_text or "",
            "article_text": article or c.extra.get("article_text", ""),
            "quotes": "\n\n".join(c.quotes),
            "depth": c.depth,
            "group": thread.thread_id or (thread.source or ""),
        })
    return rows


def label_set_frame(directory: str | Path = "labels", split: str | None = None):
    """The labeled set as a DataFrame (optionally one split), labels as columns."""
    import pandas as pd

    from .labels import load_labels

    label_set = load_labels(directory)
    rows = []
    for e in label_set.examples:
        if split is not None and e.split != split:
            continue
        rows.append({"text": e.text, "parent_text": e.parent_text, "article_text": e.article_text,
                     "quotes": e.quotes, "depth": e.depth, "group": e.thread,
                     **{name: e.labels[name] for name in ALL_LABELS}})
    return _typed(pd.DataFrame(rows, columns=[*CONTEXT_COLUMNS, *ALL_LABELS]))


def _typed(frame):
    for name in BINARY_LABELS:
        frame[name] = frame[name].astype("float64")
    frame["stance"] = frame["stance"].astype("object").where(frame["stance"].notna(), None)
    frame["depth"] = frame["depth"].fillna(1).astype("int64")
    for col in ("text", "parent_text", "article_text", "quotes", "group"):
        frame[col] = frame[col].fillna("").astype(str)
    return frame


@dataclass(frozen=True)
class Condition:
    """`source` alone (the column as it is), or `source OP value` with OP one of
    >= <= > < (numbers) or == != (text): the value side of `--map` and `--where`."""

    source: str
    op: str | None = None
    value: str | None = None

    _RULE = re.compile(r"^\s*(?P<source>[\w.-]+)\s*(?:(?P<op>>=|<=|==|!=|>|<)\s*(?P<value>.+?))?\s*$")

    @classmethod
    def parse(cls, text: str, option: str) -> "Condition":
        m = cls._RULE.match(text)
        if not m:
            raise TableError(f"cannot read {option} {text!r}", hint="write column, column>=0.5 or column==value")
        return cls(m.group("source"), m.group("op"), m.group("value"))

    def apply(self, frame, source_name: str):
        """The column, or 0/1 (NaN where the cell is blank) when there is an operator."""
        import numpy as np
        import pandas as pd

        if self.source not in frame.columns:
            raise TableError(f"no column {self.source!r} (columns: {', '.join(map(str, frame.columns))})",
                             path=source_name, line=1)
        column = frame[self.source]
        if self.op is None:
            return column
        blank = column.isna() | (column.astype(str).str.strip() == "")
        if self.op in ("==", "!="):
            hit = column.astype(str).str.strip() == self.value
            out = (hit if self.op == "==" else ~hit).astype("float64")
        else:
            numbers = pd.to_numeric(column, errors="coerce")
            bad = numbers.isna() & ~blank
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
                raise TableError(f"{self.source}{self.op}{self.value}: {column[bad].iloc[0]!r} is not a number",
                                 path=source_name, line=row)
            threshold = float(self.value)  # type: ignore[arg-type]
            compare = {">=": numbers.ge, "<=": numbers.le, ">": numbers.gt, "<": numbers.lt}[self.op]
            out = compare(threshold).astype("float64")
        return out.where(~blank, np.nan)


MAP_TARGETS = (*ALL_LABELS, "text", "parent_text", "article_text", "thread_id", "depth")


def parse_map(rule: str) -> tuple[str, Condition]:
    """`target=source`, `target=source>=0.5`, `target=source==Bad`: rename or threshold a
    foreign column into one of ours."""
    m = re.match(r"^\s*(?P<target>\w+)\s*=(?!=)\s*(?P<rest>.+)$", rule)
    if not m:
        raise TableError(f"cannot read --map {rule!r}", hint="write target=source, target=source>=0.5 or target=source==value")
    if m.group("target") not in MAP_TARGETS:
        raise TableError(f"--map target {m.group('target')!r} is not one of ours", hint=f"use one of {', '.join(MAP_TARGETS)}")
    return m.group("target"), Condition.parse(m.group("rest"), "--map")


def table_frame(path: str | Path, maps: Iterable[str] = (), where: Iterable[str] = ()):
    """A label table (CSV/JSONL) as a training frame: a `text` column, any of our label
    columns, optional context columns, with `--map` rules applied first and `--where`
    filters (`split!=test`) after."""
    import pandas as pd

    from .reading import read_text

    name = str(path)
    text = read_text(path, max_bytes=None)
    try:
        if text.lstrip().startswith("{"):
            frame = pd.read_json(io.StringIO(text), lines=True, dtype=False)
        else:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python")
    except ValueError as exc:
        raise TableError(f"cannot read table: {exc}", path=name) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    for rule in maps:
        target, condition = parse_map(rule)
        frame[target] = condition.apply(frame, name)
    for rule in where:
        keep = Condition.parse(rule, "--where").apply(frame, name)
        frame = frame[keep.fillna(0).astype(bool).to_numpy()].reset_index(drop=True)
    if "text" not in frame.columns:
        raise TableError(f"no 'text' column (columns: {', '.join(frame.columns)})", path=name, line=1,
                         hint="name the comment column 'text' or map one with --map text=COLUMN")
    out = pd.DataFrame({"text": frame["text"].astype(str)})
    out["parent_text"] = frame["parent_text"] if "parent_text" in frame else ""
    out["article_text"] = frame["article_text"] if "article_text" in frame else ""
    out["quotes"] = ""
    if "depth" in frame:  # ours counts a top-level comment as 1; some datasets count it as 0
        depth = pd.to_numeric(frame["depth"], errors="coerce").fillna(0).astype(int)
        out["depth"] = depth + 1 if (depth == 0).any() else depth
    else:
        out["depth"] = [2 if str(p).strip() else 1 for p in out["parent_text"]]
    out["group"] = (frame["thread_id"].astype(str) if "thread_id" in frame else pd.Series(range(len(frame))).astype(str)).radd(name + ":")
    for label in BINARY_LABELS:
        if label in frame:
            values = pd.to_numeric(frame[label].replace("", None), errors="coerce")
            bad = values.notna() & ~values.isin([0, 1])
            if bad.any():
                row = int(bad.to_numpy().nonzero()[0][0]) + 2
                raise TableError(f"{label} = {frame[label][bad].iloc[0]!r}: use 0, 1 or blank (or --map)", path=name, line=row)
            out[label] = values.astype("float64")
        else:
            out[label] = float("nan")
    if "stance" in frame:
        stance = frame["stance"].astype(str).str.strip().str.lower().replace({"": None, "nan": None, "none": None})
        bad = stance.notna() & ~stance.isin(STANCES)
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0]) + 2
            raise TableError(f"stance = {frame['stance'][bad].iloc[0]!r}: use {', '.join(STANCES)} or blank", path=name, line=row)
        out["stance"] = stance
    else:
        out["stance"] = None
    return _typed(out)


def sources_frame(sources: Iterable[str | Path], split: str, maps: Iterable[str] = (), where: Iterable[str] = ()):
    """Labels directories (their `split`) and label tables (all rows, after `--map` and
    `--where`) as one frame, with a description of each source for cards and reports.
    `moderate train` reads the train split this way, `moderate evaluate` the test split."""
    import pandas as pd

    parts, described = [], []
    for src in map(Path, sources):
        if src.is_dir():
            part = label_set_frame(src, split)
            described.append({"name": str(src), "kind": f"labels directory ({split} split)", "rows": len(part),
                              "licence": "this project's own labeled threads"})
        else:
            part = table_frame(src, maps, where)
            described.append({"name": str(src), "kind": "label table", "rows": len(part), "map": list(maps),
                              "where": list(where)})
        parts.append(part)
    return pd.concat(parts, ignore_index=True), described
