"""Streaming tables in batches of whole threads: same threads as reading whole, bounded batches."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from moderation.errors import InputError, TableError
from moderation.inputs import iter_batches
from moderation.table_stream import stream_table
from moderation.tables import read_table


def _write_table(path: Path, threads: int, per_thread: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["thread_id", "id", "parent_id", "author", "text", "site_note"])
        for t in range(threads):
            for i in range(per_thread):
                parent = "" if i == 0 else f"c{i - 1}"
                w.writerow([f"t{t}", f"c{i}", parent, f"user{i % 3}", f"comment {i} on thread {t}\nsecond line", f"n{t}.{i}"])
    return path


def test_batches_hold_whole_threads_in_table_order(tmp_path):
    path = _write_table(tmp_path / "big.csv", threads=12, per_thread=7)
    batches = list(stream_table(path, batch_rows=20))
    streamed = [t for b in batches for t in b]
    whole = read_table(path.read_text(encoding="utf-8"), str(path))
    assert [t.thread_id for t in streamed] == [f"t{i}" for i in range(12)]
    assert [[(c.id, c.parent_id, c.text, c.depth, c.extra) for c in t.comments] for t in streamed] == \
           [[(c.id, c.parent_id, c.text, c.depth, c.extra) for c in t.comments] for t in whole]
    # 20 rows per batch means 3 threads of 7 (21 rows) before the next thread starts a batch.
    assert [len(b) for b in batches] == [3, 3, 3, 3]


def test_thread_split_across_batches_with_a_reply_to_the_first_part_is_an_error(tmp_path):
    path = tmp_path / "scattered.csv"
    rows = ["thread_id,id,parent_id,text"]
    rows += [f"a,{i},,top {i}" for i in range(5)] + [f"b,{i},,other {i}" for i in range(5)] + ["a,9,0,late reply"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(TableError, match="sort the table by thread_id") as err:
        list(stream_table(path, batch_rows=3))
    assert err.value.line == 12


def test_thread_rows_together_within_one_batch_are_merged(tmp_path):
    path = tmp_path / "interleaved.jsonl"
    rows = [{"thread_id": "a", "id": "1", "text": "one"}, {"thread_id": "b", "id": "1", "text": "other"},
            {"thread_id": "a", "id": "2", "parent_id": "1", "text": "reply"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    (batch,) = list(stream_table(path, batch_rows=100))
    assert [(t.thread_id, [c.id for c in t.comments]) for t in batch] == [("a", ["1", "2"]), ("b", ["1"])]


def test_progress_reports_bytes_and_rows(tmp_path):
    path = _write_table(tmp_path / "p.csv", threads=300, per_thread=10)
    seen: list[tuple[int, int]] = []
    list(stream_table(path, batch_rows=500, progress=lambda done, rows: seen.append((done, rows))))
    assert seen[-1][1] == 3000
    assert seen[-1][0] == path.stat().st_size  # ASCII: characters are bytes
    assert [r for _, r in seen] == sorted(r for _, r in seen)


@pytest.mark.parametrize("content, error, match", [
    (b"", InputError, "empty"),
    (b"\x00\x01\x02binary", InputError, "binary"),
    (b"thread_id,body\nx,hello\n", TableError, "no 'text' column"),
    (b"thread_id,text\n", TableError, "no rows"),
])
def test_bad_tables_are_clear_errors(tmp_path, content, error, match):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(error, match=match):
        list(stream_table(path))


def test_cp1252_table_is_read_with_a_warning(tmp_path):
    path = tmp_path / "legacy.csv"
    path.write_bytes("id,text\n1,caf\u00e9 prices\n".encode("cp1252"))
    warnings: list[str] = []
    (batch,) = list(stream_table(path, warn=warnings.append))
    assert batch[0].comments[0].text == "caf\u00e9 prices"
    assert warnings and "UTF-8" in warnings[0]


def test_iter_batches_groups_dumps_and_streams_tables(tmp_path):
    table = _write_table(tmp_path / "t.csv", threads=4, per_thread=5)
    dumps = sorted(Path(__file__).resolve().parents[1].joinpath("examples").glob("*.txt"))
    names = [[t.thread_id for t in b] for b in iter_batches([*map(str, dumps), str(table)], batch_rows=100)]
    assert names == [[d.stem for d in dumps], ["t0", "t1", "t2", "t3"]]  # small dumps share a batch
    names = [[t.thread_id for t in b] for b in iter_batches([*map(str, dumps), str(table)], batch_rows=10)]
    assert names == [[dumps[0].stem], [dumps[1].stem], ["t0", "t1"], ["t2", "t3"]]
