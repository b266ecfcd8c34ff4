"""WordPress WXR exports: one thread per post, unapproved/spam/trash/pingbacks left out unless asked."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from moderation import ParseError, read_threads
from moderation.importers.html_text import html_text

FIXTURES = Path(__file__).parent / "fixtures"
WXR = FIXTURES / "wordpress_export.xml"


def test_one_thread_per_post_with_comments():
    threads = read_threads(WXR)
    assert [t.thread_id for t in threads] == ["12", "20"]  # the attachment (13) has no comments
    t = threads[0]
    assert t.article.title == "Harbour wall repairs: who pays?"
    assert t.article.body == ("The storm in December cracked the harbour wall in two places.\n\n"
                              "The council says the repairs will cost \u00a31.2m.")
    assert t.article.source == "Harbour Town Gazette"
    assert t.article.url == "https://gazette.example.org/2024/01/harbour-wall-repairs/"
    assert t.article.created == datetime(2024, 1, 15, 7, 30, tzinfo=timezone.utc)


def test_default_keeps_only_approved_comments():
    t = read_threads(WXR)[0]
    assert [(c.id, c.parent_id, c.depth) for c in t.comments] == [
        ("101", None, 1), ("102", "101", 2), ("108", "102", 3), ("104", None, 1)]
    assert t.get("108").extra == {"original_parent_id": "107"}  # 107 was trashed
    assert t.get("104").extra["orphan"] == "parent unapproved, no kept ancestor"
    assert t.stats == {"unapproved": 1, "spam": 1, "pingback": 1, "trashed": 1, "orphans": 1, "reattached": 1,
                       "comments": 4}
    assert "left out 1 spam, 1 unapproved, 1 trashed, 1 pingback(s)" in t.warnings[0]


def test_flags_include_unapproved_and_pingbacks():
    t = read_threads(WXR, include_unapproved=True)[0]
    assert [c.id for c in t.comments] == ["101", "102", "107", "108", "103", "104", "105"]
    assert t.get("105").extra == {"wp_status": "spam"}
    assert t.get("104").parent_id == "103" and "orphan" not in t.get("104").extra
    t = read_threads(WXR, include_unapproved=True, include_pingbacks=True)[0]
    assert t.get("106").extra == {"wp_type": "pingback"}
    assert t.get("106").text == "[\u2026] the Gazette reports the wall cracked in two places [\u2026]"
    assert t.stats == {"comments": 8}


def test_html_and_entities_become_plain_text():
    t = read_threads(WXR)[0]
    assert t.get("101").author == "Ann & Bob"
    assert t.get("101").text == ("The wall was patched in 2019 and it still didn\u2019t hold.\n\n"
                                 "Somebody should ask where that money went.")
    assert t.get("104").text == "Agreed with the comment above <3"
    assert t.get("101").created == datetime(2024, 1, 15, 9, 5, tzinfo=timezone.utc)
    assert t.get("101").line == 62


def test_missing_gmt_date_keeps_the_local_one_aside():
    page = read_threads(WXR)[1]
    c = page.comments[0]
    assert c.created is None and c.extra == {"wp_local_date": "2024-02-03 01:15:00"}
    assert page.article.body == "Readers write about the night bus.\nKeep letters short."


def test_any_export_namespace_version():
    (t,) = read_threads(FIXTURES / "wordpress_export_1_1.xml")
    assert t.article.title == "Fete moved to Sunday"
    assert [(c.id, c.parent_id, c.author) for c in t.comments] == [("1", None, "Marge"), ("2", "1", "Vicar")]
    assert t.comments[0].created == datetime(2012, 6, 1, 13, 0, tzinfo=timezone.utc)


def test_malformed_wxr_names_the_line(tmp_path):
    broken = tmp_path / "export.xml"
    broken.write_text(WXR.read_text(encoding="utf-8").replace("<wp:comment_id>102</wp:comment_id>",
                                                              "<wp:comment_id>102</wp:comment_di>"),
                      encoding="utf-8")
    with pytest.raises(ParseError) as err:
        read_threads(broken)
    assert err.value.line == 83 and "mismatched tag" in str(err.value)


@pytest.mark.parametrize("fragment, text", [
    ("<p>One</p><p>Two &amp; three</p>", "One\n\nTwo & three"),
    ("line<br>break<br/>again", "line\nbreak\nagain"),
    ('see <a href="https://x.example/a">the report</a>', "see the report (https://x.example/a)"),
    ('<a href="https://x.example/a/very/long">x.example/a/very/lo\u2026</a>', "https://x.example/a/very/long"),
    ("<script>alert(1)</script>fine", "fine"),
    ("para one\n\n\n\npara two", "para one\n\npara two"),
])
def test_html_text(fragment, text):
    assert html_text(fragment) == text
