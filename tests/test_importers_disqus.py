"""Disqus XML exports: threads, deleted/spam posts, orphans, missing threads, unsafe or broken XML."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from moderation import ParseError, iter_threads, read_threads

FIXTURE = Path(__file__).parent / "fixtures" / "disqus_export.xml"


@pytest.fixture(scope="module")
def threads():
    return {t.thread_id: t for t in read_threads(FIXTURE)}


def test_one_thread_per_disqus_thread_with_posts(threads):
    # 2003 has no posts: not a thread to score; 2999 is named by a post but missing from the export
    assert list(threads) == ["2001", "2002", "2999"]
    t = threads["2001"]
    assert t.article.title == "Ferry fares rise again & islanders ask why"
    assert t.article.url == "https://gazette.example.org/2023/03/ferry-fares-rise/"
    assert t.article.source == "harbourgazette"
    assert t.article.created == datetime(2023, 3, 1, 8, 0, tzinfo=timezone.utc)
    assert threads["2002"].article.body == "The council voted on Tuesday."


def test_real_ids_tree_order_and_depth(threads):
    t = threads["2001"]
    assert [(c.id, c.parent_id, c.depth) for c in t.comments] == [
        ("3001", None, 1), ("3003", "3001", 2), ("3007", "3003", 3), ("3005", None, 1), ("3008", None, 1)]
    # a reply listed before its parent in the export still comes after it
    assert [(c.id, c.parent_id, c.depth) for c in threads["2002"].comments] == [
        ("3002", None, 1), ("3009", "3002", 2), ("3011", "3009", 3)]
    assert t.get("3001").line == 62  # the line of <post dsq:id="3001">


def test_deleted_and_spam_left_out_replies_reattached_or_orphaned(threads):
    t = threads["2001"]
    ids = [c.id for c in t.comments]
    assert "3004" not in ids and "3006" not in ids  # deleted, spam
    assert t.get("3007").parent_id == "3003"  # its parent 3006 was spam: nearest kept ancestor
    assert t.get("3007").extra == {"original_parent_id": "3006"}
    assert t.get("3005").extra["orphan"] == "parent deleted, no kept ancestor"
    assert t.get("3008").extra == {"orphan": "parent not in export", "original_parent_id": "9999"}
    assert t.stats == {"deleted": 1, "spam": 1, "reattached": 1, "orphans": 2, "missing_parent": 1, "comments": 5}
    assert any("left out 1 deleted, 1 spam" in w and "2 made top-level and marked orphan" in w for w in t.warnings)
    assert any("3008 (line 162)" in w for w in t.warnings)


def test_posts_of_a_missing_thread_are_kept_and_reported(threads):
    t = threads["2999"]
    assert [c.id for c in t.comments] == ["3010"]
    assert t.article.title == ""
    assert t.stats["missing_thread"] == 1
    assert any(":206:" in w and "not in the export" in w for w in t.warnings)


def test_html_entities_and_times(threads):
    t = threads["2001"]
    assert t.get("3001").text == ("Fares went up twelve percent in two years while the timetable got thinner."
                                  "\n\nWho signs off on this?")
    t2 = threads["2002"]
    assert t2.get("3002").author == "Tom & Jerry's Dad"
    assert t2.get("3009").text == ("The new hours are on https://library.example.org/opening-hours/ \u2014 "
                                   "Thursday late opening stays.")
    assert t2.get("3011").text == "Thanks, that page also lists\nthe holiday closures."
    # +01:00 in the export, UTC in the model and outputs
    assert t2.get("3011").created == datetime(2023, 3, 2, 12, 0, tzinfo=timezone.utc)
    assert t2.get("3011").as_dict()["created"] == "2023-03-02T12:00:00+00:00"


def test_strict_refuses_missing_parent():
    with pytest.raises(ParseError, match="not in the export") as err:
        read_threads(FIXTURE, strict=True)
    assert err.value.line == 162


def test_detected_by_content_whatever_the_name(tmp_path):
    saved = tmp_path / "comments-backup.txt"
    saved.write_bytes(FIXTURE.read_bytes())
    assert [t.thread_id for t in read_threads(saved)] == ["2001", "2002", "2999"]
    # and as raw text
    assert len(read_threads(FIXTURE.read_text(encoding="utf-8"))) == 3


def test_iter_threads_yields_one_at_a_time():
    stream = iter_threads(FIXTURE)
    first = next(stream)
    assert first.thread_id == "2001"
    stream.close()  # leaves no temporary store behind (no exception, no warning)


def test_max_size_does_not_apply_to_streamed_xml():
    assert len(read_threads(FIXTURE, max_bytes=100)) == 3


def test_malformed_xml_names_the_line(tmp_path):
    broken = tmp_path / "broken.xml"
    text = FIXTURE.read_text(encoding="utf-8").replace("<isSpam>true</isSpam>", "<isSpam>true</isSpm>")
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError, match="not well-formed XML") as err:
        read_threads(broken)
    assert err.value.line == 138 and err.value.path == str(broken)


def test_truncated_export_is_an_error_not_a_partial_result(tmp_path):
    cut = tmp_path / "cut.xml"
    cut.write_bytes(FIXTURE.read_bytes()[:5000])
    with pytest.raises(ParseError, match="not well-formed XML"):
        read_threads(cut)


def test_entity_expansion_is_refused(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE disqus [\n<!ENTITY a "aaaaaaaaaa">\n'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n'
                    '<disqus><post><message>&b;</message></post></disqus>\n', encoding="utf-8")
    with pytest.raises(ParseError, match="refused") as err:
        read_threads(bomb)
    assert err.value.line == 3


def test_external_entity_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me", encoding="utf-8")
    xxe = tmp_path / "xxe.xml"
    xxe.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE disqus [<!ENTITY s SYSTEM "file://{secret}">]>\n'
                   '<disqus><post dsq:id="1" xmlns:dsq="http://disqus.com/disqus-internals">'
                   '<message>&s;</message><thread dsq:id="9"/></post></disqus>\n', encoding="utf-8")
    with pytest.raises(ParseError, match="refused"):
        read_threads(xxe)


def test_other_xml_is_refused_clearly(tmp_path):
    other = tmp_path / "feed.xml"
    other.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>\n',
                     encoding="utf-8")
    with pytest.raises(ParseError, match="neither a Disqus export"):
        read_threads(other)
