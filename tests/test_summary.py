"""The thread summary's figures on a small thread, computed by hand."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from moderation import Article, Comment, Thread, summarise

# id, parent, author, stance, flags  (document order: parents before replies)
ROWS = [
    ("1", None, "Bo", "deny", ""),
    ("1.1", "1", "Di", "query", ""),
    ("1.2", "1", "Fay", "comment", ""),
    ("1.3", "1", "Di", "comment", ""),
    ("2", None, "Al", "support", ""),
    ("2.1", "2", "Bo", "deny", "incivility"),
    ("2.1.1", "2.1", "Al", "deny", "incivility;conspiracy"),
    ("2.1.2", "2.1", "Cy", "comment", "incivility"),
    ("3", None, "Ed", "support", "off_topic"),
    ("3.1", "3", "Cy", "deny", "off_topic"),
]


def _thread_and_scores():
    comments = [Comment(id=i, parent_id=p, author=a, text=f"comment {i}", depth=i.count(".") + 1)
                for i, p, a, _, _ in ROWS]
    thread = Thread(article=Article(title="Hand-made"), comments=comments, thread_id="t1")
    scores = pd.DataFrame([{"thread_id": "t1", "id": i, "author": a, "stance": s, "flags": f} for i, _, a, s, f in ROWS])
    return thread, scores


def test_summary_figures_by_hand():
    thread, scores = _thread_and_scores()
    s = summarise(thread, scores)
    assert (s.comments, s.authors, s.flagged) == (10, 6, 5)
    assert s.labels == {"incivility": {"count": 3, "share": 0.3}, "conspiracy": {"count": 1, "share": 0.1},
                        "off_topic": {"count": 2, "share": 0.2}}
    # top level: deny, support, support; replies: query, comment, comment, deny, deny, comment, deny
    assert s.stance_to_article["support"] == {"count": 2, "share": 0.6667}
    assert s.stance_to_article["deny"] == {"count": 1, "share": 0.3333}
    assert s.stance_in_replies["deny"] == {"count": 3, "share": round(3 / 7, 4)}
    assert s.stance_in_replies["comment"]["count"] == 3 and s.stance_in_replies["query"]["count"] == 1
    assert s.dominant_stance == "support"
    assert s.contested == round(3 / 7, 4)
    # subtrees of 3+: "1" 0/4, "2" 3/4, "2.1" 3/3 -> 2.1 is the most heated
    assert s.heated_subthread == {"root": "2.1", "author": "Bo", "comments": 3, "flagged": 3, "density": 1.0}
    # "1": 0 of 3 replies flagged; "2": 3 of 3 -> the thread derails after 2 (itself clean)
    assert s.derail_point == {"comment": "2", "author": "Al", "flagged": False, "replies": 3,
                              "flagged_replies": 3, "flagged_share": 1.0}
    # flags per author: Al 2 (one comment with two), Bo 1, Cy 2, Ed 1
    assert [(a["author"], a["flags"]) for a in s.top_authors] == [("Al", 2), ("Cy", 2), ("Bo", 1)]


def test_summary_is_json_ready_and_flat_row_is_one_line():
    thread, scores = _thread_and_scores()
    s = summarise(thread, scores)
    assert json.loads(json.dumps(s.as_dict()))["heated_subthread"]["root"] == "2.1"
    row = s.as_row()
    assert row["derail_at"] == "2" and row["replies_deny_count"] == 3 and row["top_authors"] == "Al (2); Cy (2); Bo (1)"
    assert all(not isinstance(v, (dict, list)) for v in row.values())
    assert "derails after 2 (Al): 3 of the 3 replies below it are flagged" in s.as_text()


def test_quiet_thread_has_no_heat_and_no_derail():
    thread, scores = _thread_and_scores()
    scores["flags"] = ""
    scores["stance"] = "comment"
    s = summarise(thread, scores)
    assert s.flagged == 0 and s.heated_subthread is None and s.derail_point is None and s.top_authors == []
    assert s.dominant_stance == "comment" and s.contested == 0.0


def test_scores_must_match_the_thread():
    thread, scores = _thread_and_scores()
    with pytest.raises(ValueError):
        summarise(thread, scores.iloc[:3])
