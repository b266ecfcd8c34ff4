"""The decision log: background writes in WAL mode, and reading a window back as Threads."""

from __future__ import annotations

import sqlite3

import pytest

from moderation.decision_log import DecisionLog, DecisionRow, read_decisions, read_rows
from moderation.errors import InputError


def row(time: str, story: str, text: str, **kw) -> DecisionRow:
    base = dict(time=time, action="NEW", context="article", text=text, http_status=204, answer="NO_OPINION",
                policy_version="default-1+abc", story_id=story, story_url=f"https://x.example/{story}",
                author_id="u", incivility=0.1, conspiracy=0.2, off_topic=0.3, stance="comment")
    base.update(kw)
    return DecisionRow(**base)


def test_rows_are_written_in_wal_mode_and_read_back_in_a_window(tmp_path):
    db = tmp_path / "d.db"
    log = DecisionLog(db)
    log.record(row("2024-05-01T10:00:00.000Z", "a", "first"))
    log.record(row("2024-05-01T11:00:00.000Z", "b", "second", author_id="v", quotes="q1\n\nq2",
                   http_status=200, answer="FLAG", response='{"actions":[]}', parent_id="c7", article_title="B"))
    log.record(row("2024-05-02T09:00:00.000Z", "a", "third"))
    assert log.flush()
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [r["text"] for r in read_rows(db)] == ["first", "second", "third"]
    threads = read_decisions(db)
    assert [t.thread_id for t in threads] == ["a", "b"]
    assert [c.text for c in threads[0].comments] == ["first", "third"]
    second = threads[1].comments[0]
    assert second.id.startswith("d") and second.parent_id is None and second.author == "v"
    assert second.quotes == ["q1", "q2"] and threads[1].article.title == "B"
    assert second.extra["answer"] == "FLAG" and second.extra["coral_parent_id"] == "c7"
    assert second.extra["off_topic"] == "0.300000" and second.extra["story_url"] == "https://x.example/b"
    window = read_decisions(db, since="2024-05-01T10:30:00Z", until="2024-05-02T00:00:00+00:00")
    assert [c.text for t in window for c in t.comments] == ["second"]
    assert [c.text for t in read_decisions(db, since="2024-05-01T12:00:00") for c in t.comments] == ["third"]
    log.close()


def test_a_reader_sees_rows_while_the_writer_is_open(tmp_path):
    db = tmp_path / "d.db"
    log = DecisionLog(db)
    for i in range(600):  # more than one batch
        log.record(row(f"2024-05-01T10:{i // 60:02d}:{i % 60:02d}.000Z", "s", f"c{i}"))
    assert log.flush()
    assert len(read_rows(db)) == 600 and log.written == 600
    log.close()


def test_bad_paths_and_bounds_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such decision log"):
        read_decisions(tmp_path / "missing.db")
    (tmp_path / "junk.db").write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(InputError, match="not a decision log"):
        read_decisions(tmp_path / "junk.db")
    log = DecisionLog(tmp_path / "d.db")
    log.close()
    with pytest.raises(InputError, match="bad time bound"):
        read_decisions(tmp_path / "d.db", since="yesterday")
