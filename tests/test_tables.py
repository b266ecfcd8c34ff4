"""Comment tables (CSV/JSONL) as platforms export them."""

from __future__ import annotations

import json

import pytest

from moderation import TableError, read_table, read_threads

CSV = (
    "id,parent_id,thread_id,author,text,article_title,score\n"
    "a,,t1,Ann,Top comment,Roof news,5\n"
    "b,a,t1,Bob,A reply,,3\n"
    "c,b,t1,Cy,\"A reply to the reply,\nover two lines\",,1\n"
    "d,,t2,Dee,Other thread,Bridge news,0\n"
)


def test_csv_builds_threads_and_tree():
    t1, t2 = read_table(CSV, "c.csv")
    assert [(c.id, c.parent_id, c.depth) for c in t1.comments] == [("a", None, 1), ("b", "a", 2), ("c", "b", 3)]
    assert t1.article.title == "Roof news" and t2.article.title == "Bridge news"
    assert t1.get("c").text == "A reply to the reply,\nover two lines"
    assert t1.get("a").extra == {"score": "5"}  # unknown columns pass through
    assert [c.id for c in t1.children("a")] == ["b"]


def test_jsonl_and_no_ids():
    rows = [{"text": "one"}, {"text": "two", "author": "Bo"}]
    (thread,) = read_table("\n".join(json.dumps(r) for r in rows), "c.jsonl")
    assert [(c.id, c.text, c.parent_id) for c in thread.comments] == [("1", "one", None), ("2", "two", None)]


def test_reply_listed_before_parent_keeps_input_order():
    (thread,) = read_table("id,parent_id,text\nb,a,reply\na,,top\n", "c.csv")
    assert [c.id for c in thread.comments] == ["b", "a"]
    assert [c.id for c in thread.walk()] == ["a", "b"]


@pytest.mark.parametrize(
    "table, message, line",
    [
        ("id,author\n1,Ann\n", "no 'text' column", 1),
        ("id,parent_id,text\n1,,a\n2,9,b\n3,8,c\n", "parent_id points at no row: line 3", 3),
        ("id,parent_id,text\n1,3,a\n2,1,b\n3,2,c\n", "cycle", 2),
        ("id,parent_id,text\n1,1,a\n", "cycle", 2),
        ("id,text\n1,a\n1,b\n", "duplicate id", 3),
        ("id,text\n1,a,extra\n", "cells but the header has", 2),
        ("{\"text\": \"ok\"}\nnot json\n", "not valid JSON", 2),
    ],
)
def test_bad_tables_name_the_rows(table, message, line):
    with pytest.raises(TableError) as err:
        read_table(table, "bad.csv")
    assert message in str(err.value)
    assert err.value.line == line and err.value.path == "bad.csv"


def test_semicolon_csv_detected(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id;text\n1;hello there\n", encoding="utf-8")
    (thread,) = read_threads(path)
    assert thread.get("1").text == "hello there"
