"""The shared tree builder: the orphan rule, cycles, duplicates, counts."""

from __future__ import annotations

import pytest

from moderation import Article, ParseError
from moderation.importers.records import ImportOptions, Record, build_thread


def build(records, strict=False):
    return build_thread(records, article=Article(), thread_id="t", source="x.xml", platform="test",
                        options=ImportOptions(strict=strict))


def test_chain_of_left_out_posts_reattaches_to_the_nearest_kept_ancestor():
    t = build([Record("a", None, "A", "top"), Record("b", "a", "B", "", excluded="deleted"),
               Record("c", "b", "C", "", excluded="spam"), Record("d", "c", "D", "reply")])
    assert [(c.id, c.parent_id, c.depth) for c in t.comments] == [("a", None, 1), ("d", "a", 2)]
    assert t.get("d").extra == {"original_parent_id": "c"}
    assert t.stats == {"deleted": 1, "spam": 1, "reattached": 1, "comments": 2}


def test_cycle_is_broken_at_its_first_post_and_reported():
    t = build([Record("a", "b", "A", "one"), Record("b", "a", "B", "two"), Record("c", None, "C", "top")])
    assert [(c.id, c.parent_id, c.depth) for c in t.comments] == [("c", None, 1), ("a", None, 1), ("b", "a", 2)]
    assert t.get("a").extra == {"orphan": "parent_id forms a cycle", "original_parent_id": "b"}
    assert t.stats["cycles"] == 1 and t.stats["orphans"] == 1
    with pytest.raises(ParseError, match="cycle"):
        build([Record("a", "b", "A", "one"), Record("b", "a", "B", "two")], strict=True)


def test_duplicate_ids_keep_the_first():
    t = build([Record("a", None, "A", "first", line=3), Record("a", None, "A", "again", line=9)])
    assert [c.text for c in t.comments] == ["first"]
    assert t.stats["duplicates"] == 1 and any("x.xml:9" in w for w in t.warnings)
    with pytest.raises(ParseError, match="duplicate"):
        build([Record("a", None, "A", "first"), Record("a", None, "A", "again")], strict=True)
