"""HTML comment bodies as the plain text the model learned from."""

from __future__ import annotations

from moderation.html_text import html_to_text, looks_like_html


def test_tags_entities_and_blocks():
    text, quotes = html_to_text("<div>Fares&nbsp;up <b>40%</b>?<br>Really&hellip;</div><p>AT&amp;T &lt;3</p>")
    assert text == "Fares up 40%?\nReally…\nAT&T <3" and quotes == []


def test_blockquotes_are_quotes_not_own_words():
    text, quotes = html_to_text("<blockquote><p>the board <i>lied</i></p></blockquote><p>Source?</p>"
                                "<blockquote>second</blockquote>")
    assert text == "Source?" and quotes == ["the board lied", "second"]


def test_scripts_dropped_and_broken_markup_read_on():
    assert html_to_text("<script>alert(1)</script><style>p{}</style>ok <b>bold")[0] == "ok bold"
    assert html_to_text("<p>unclosed <span class='x'>span")[0] == "unclosed span"


def test_plain_text_passes_through_with_entities_decoded():
    assert html_to_text("3 < 4 and 5 > 2, AT&amp;T")[0] == "3 < 4 and 5 > 2, AT&T"
    assert not looks_like_html("3 < 4 and 5 > 2") and looks_like_html("a<br/>b")
    assert html_to_text("  spaced   out \n\n\n line ") == ("spaced out\nline", [])
