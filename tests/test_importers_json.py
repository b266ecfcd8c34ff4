"""Reddit thread JSON and Hacker News (Algolia) item JSON."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from moderation import ParseError, read_threads

FIXTURES = Path(__file__).parent / "fixtures"
REDDIT = FIXTURES / "reddit_thread.json"
HN = FIXTURES / "hn_item.json"


def test_reddit_submission_is_the_article():
    (t,) = read_threads(REDDIT)
    assert t.thread_id == "t3_11abcde"
    assert t.article.title == "Ferry fares are up again & nobody explained why"
    assert t.article.body.startswith("Single ticket is now \u00a39.40 & rising.")
    assert t.article.source == "r/islandlife"
    assert t.article.created == datetime(2023, 3, 1, 9, 0, tzinfo=timezone.utc)


def test_reddit_tree_deleted_removed_and_more_stubs():
    (t,) = read_threads(REDDIT)
    assert [(c.id, c.parent_id, c.depth) for c in t.comments] == [
        ("t1_jc1", None, 1), ("t1_jc2", "t1_jc1", 2), ("t1_jc6", "t1_jc1", 2), ("t1_jc4", None, 1),
        ("t1_jcb", None, 1)]
    assert t.get("t1_jc6").extra["original_parent_id"] == "t1_jc5"  # its parent was [removed]
    assert t.get("t1_jc4").extra["orphan"] == "parent deleted, no kept ancestor"
    assert t.get("t1_jcb").author == "[deleted]"  # account gone, words kept and scored
    assert t.get("t1_jc6").text == "Whatever was said here, please keep it civil > everyone is annoyed."
    assert t.stats == {"removed": 1, "deleted": 1, "reattached": 1, "orphans": 1, "comments": 5,
                       "more_stubs": 3, "more_comments": 16}
    assert "3 'more' stub(s) stand for 16 comment(s)" in t.warnings[0]


def test_reddit_empty_replies_and_odd_shapes_never_crash(tmp_path):
    data = json.loads(REDDIT.read_text(encoding="utf-8"))
    data[1]["data"]["children"] = [{"kind": "more", "data": {"count": "many"}}, {"kind": "t1", "data": None},
                                   {"kind": "t1", "data": {"name": "t1_x", "parent_id": "t3_11abcde",
                                                           "body": "hi", "replies": ""}}]
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps(data), encoding="utf-8")
    (t,) = read_threads(odd)
    assert [c.id for c in t.comments] == ["t1_x"] and t.stats["more_stubs"] == 1
    only_post = tmp_path / "no-comments.json"
    only_post.write_text(json.dumps(data[:1]), encoding="utf-8")
    assert read_threads(only_post)[0].comments == []


def test_hn_story_is_the_article_and_deleted_comments_left_out():
    (t,) = read_threads(HN)
    assert t.thread_id == "39001"
    assert t.article.title == "Show HN: A tide-table API for small harbours"
    assert t.article.url == "https://tides.example.org/" and t.article.source == "Hacker News"
    assert [(c.id, c.parent_id, c.depth) for c in t.comments] == [
        ("39002", None, 1), ("39003", "39002", 2), ("39005", None, 1)]
    assert t.get("39002").text == ("Nice. How do you handle harbours where the datum changed? The old charts use "
                                   "a different one.\n\nAlso: the /v1/stations endpoint 404s for me.")
    assert t.get("39003").text.endswith("see https://tides.example.org/docs/datums")
    assert t.get("39005").extra == {"orphan": "parent deleted, no kept ancestor", "original_parent_id": "39004"}
    assert t.get("39003").created == datetime(2024, 1, 20, 15, 0, tzinfo=timezone.utc)
    assert t.stats == {"deleted": 1, "orphans": 1, "comments": 3}


def test_hn_comment_item_is_refused_with_a_hint(tmp_path):
    data = json.loads(HN.read_text(encoding="utf-8"))["children"][0]
    item = tmp_path / "comment.json"
    item.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ParseError, match="not a story") as err:
        read_threads(item)
    assert "story_id 39001" in str(err.value)


def test_detected_without_the_json_extension(tmp_path):
    for source, name in ((REDDIT, "thread.txt"), (HN, "item")):
        copy = tmp_path / name
        copy.write_bytes(source.read_bytes())
        assert read_threads(copy)[0].thread_id in ("t3_11abcde", "39001")


def test_malformed_json_names_the_line(tmp_path):
    broken = tmp_path / "hn.json"
    broken.write_text(HN.read_text(encoding="utf-8").replace('"author": "quay_side",', '"author": "quay_side"'),
                      encoding="utf-8")
    with pytest.raises(ParseError, match="not valid JSON") as err:
        read_threads(broken)
    assert err.value.line == 66  # the line after the missing comma, where JSON notices


def test_other_json_list_is_refused(tmp_path):
    other = tmp_path / "x.json"
    other.write_text("[1, 2, 3]", encoding="utf-8")
    with pytest.raises(ParseError, match="neither a Reddit thread"):
        read_threads(other)


def test_jsonl_tables_still_read_as_tables(tmp_path):
    table = tmp_path / "comments.json"
    table.write_text('{"id": "1", "text": "first"}\n{"id": "2", "parent_id": "1", "text": "second"}\n',
                     encoding="utf-8")
    (t,) = read_threads(table)
    assert [(c.id, c.parent_id) for c in t.comments] == [("1", None), ("2", "1")]
