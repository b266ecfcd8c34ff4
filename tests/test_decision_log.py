"""The decision log: background writes in WAL mode, and reading a window back as Threads."""

from __future__ import annotations

import sqlite3

import pytest

from moderation.decision_log import DecisionLog, DecisionRow, decision_scores, read_decisions, read_rows
from moderation.errors import InputError
from moderation.scoring import SCORE_COLUMNS
from moderation.thread import Article


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
    article = Article(title="B", subtitle="Sub", body="The body of B.")
    log.record(row("2024-05-01T11:00:00.000Z", "b", "second", author_id="v", quotes="q1\n\nq2",
                   http_status=200, answer="FLAG", response='{"actions":[]}', parent_id="c7", stance_deny=0.7), article)
    log.record(row("2024-05-02T09:00:00.000Z", "a", "third"))
    log.record(row("2024-05-02T09:30:00.000Z", "b", "fourth"), Article(title="B", subtitle="Sub", body="The body of B."))
    assert log.flush()
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [r["text"] for r in read_rows(db)] == ["first", "second", "third", "fourth"]
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1  # stored once
    threads = read_decisions(db)
    assert [t.thread_id for t in threads] == ["a", "b"]
    assert [c.text for c in threads[0].comments] == ["first", "third"]
    assert threads[0].article.text == "" and threads[1].article.text == "B\n\nSub\n\nThe body of B."
    second = threads[1].comments[0]
    assert second.id.startswith("d") and second.parent_id is None and second.author == "v"
    assert second.quotes == ("q1", "q2") and second.extra["stance_deny"] == "0.700000"
    assert second.extra["answer"] == "FLAG" and second.extra["coral_parent_id"] == "c7"
    assert second.extra["off_topic"] == "0.300000" and second.extra["story_url"] == "https://x.example/b"
    window = read_decisions(db, since="2024-05-01T10:30:00Z", until="2024-05-02T00:00:00+00:00")
    assert [c.text for t in window for c in t.comments] == ["second"]
    assert [c.text for t in read_decisions(db, since="2024-05-01T12:00:00") for c in t.comments] == ["third", "fourth"]
    table = decision_scores(threads)
    assert list(table.columns) == list(SCORE_COLUMNS) and len(table) == 4
    assert table["text"].tolist() == ["first", "third", "second", "fourth"]
    assert table["off_topic"].tolist() == [0.3] * 4 and table["stance_deny"].iloc[2] == 0.7
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
