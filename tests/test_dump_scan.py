"""Header and footer search: the column-wise, byte-level fast paths find exactly what a plain
multiline regex over the text finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.dump_scan import (FOOTER, HEADER, MAX_AUTHOR_WORDS, _footers_by_regex, find_headers, footer_lines_in,
                                 footers, indent_width)
from moderation.tables import _first_nonblank_line

PHRASES = ("leave a reply", "leave a comment", "cancel reply", "post comment", "add a comment",
           "your email address will not be published", "comments are closed", "you must be logged in to post a comment")


_NOT_CONTINUATION = bytes(range(0x80)) + bytes(range(0xC0, 0x100))  # bytes that start a UTF-8 character


def _footers_utf8(text: str) -> list[tuple[int, int]]:
    """`footers` as it was, through UTF-8 (byte offsets converted by counting character
    starts): the reference the one-byte-per-character search is tested against."""
    if "\u0130" in text:
        return _footers_by_regex(text)
    data = text.encode("utf-8", "surrogatepass").lower()
    out = []
    chars = done = 0
    for byte_offset, indent in sorted(footer_lines_in(data)):  # byte offsets to str offsets: count character starts
        continuation = len(data[done:byte_offset].translate(None, _NOT_CONTINUATION))
        chars += byte_offset - done - continuation
        done = byte_offset
        out.append((chars, indent))
    return out


def reference_footers(text: str) -> list[tuple[int, int]]:
    """Every FOOTER line whose lower-cased text holds a phrase (what the parser always did)."""
    return [(m.start(), indent_width(m.group("indent"))) for m in FOOTER.finditer(text)
            if "\u0130" in text or any(p in m.group(0).lower() for p in PHRASES)]


def reference_headers(text: str) -> tuple[list[tuple[int, int, int, str, int, int]], int]:
    """(line, indent, number, author, body start, start) of every header line before the footer."""
    found = [m for m in HEADER.finditer(text)
             if not (m["author"].count(" ") >= MAX_AUTHOR_WORDS and len(m["author"].split()) > MAX_AUTHOR_WORDS)]
    end = len(text)
    for f_start, f_indent in reference_footers(text):
        if not found or f_start < found[0].start() or f_indent <= indent_width(found[0]["indent"]):
            end = f_start
            break
    return [(text.count("\n", 0, m.start()), indent_width(m["indent"]), int(m["num"]), m["author"], m.end() + 1, m.start())
            for m in found if m.start() < end], end


LINES = ["  1. Ann says", "    2. Bob says:", "\t3. Zoë Ångström says", "  4. A B C D E F G H I J K L says",
         "1. says", "  12. Tom, retired says ", "\u00a01. Nbsp says", "    Body text here.", "    “Curly” ünïcode…",
         "Leave A Reply", "  Leave a Reply Cancel reply", "LEAVE A COMMENT", "Comments are cloſed", "Comments are closed.",
         "    Post Comment", "Your email address will not be published. Required", "\u212aelvin", "İstanbul", "😀 emoji",
         "cancel reply", "", "", "", "   "]


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(st.sampled_from(LINES), max_size=25), end=st.sampled_from(["", "\n"]))
def test_find_headers_and_footers_match_the_regex_definition(lines, end):
    text = "\n".join(lines) + end
    assert footers(text) == reference_footers(text)
    headers = find_headers(text)
    columns = list(zip(headers.lines, headers.indents, headers.numbers, headers.authors, headers.body_starts,
                       headers.starts))
    assert (columns, headers.end) == reference_headers(text)


SHIFTED = "".join(chr(ord(c) << 8) for c in "comment")  # UTF-16 bytes that spell a phrase one byte off


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.sampled_from(LINES + [SHIFTED, SHIFTED + "Leave a comment", "\u0a00\u0a00Comments are closed",
                                               "  Leave a comment", "\u0143\u0141", "\u212aomments are closed", "Comme?t", "  ?eave a reply"]), max_size=12))
def test_one_byte_per_character_footer_search_is_the_utf8_one(lines):
    import moderation.dump_scan as dump_scan

    for text in ("\n".join(lines), "\n".join(lines).replace("😀", "")):
        assert footers(text) == _footers_utf8(text) == reference_footers(text)
        chunk = dump_scan._CHUNK
        try:  # phrases cut by chunk boundaries are still found (the chunks overlap)
            for dump_scan._CHUNK in (1, 3, 7, 16):
                assert footers(text) == reference_footers(text)
        finally:
            dump_scan._CHUNK = chunk


def test_footer_offsets_after_multibyte_characters():
    text = "Ωμέγα “quoted” 😀\n  1. Ann says\n\n    Hi.\n\nLeave A Reply\n"
    assert footers(text) == [(text.index("Leave"), 0)]
    assert find_headers(text).end == text.index("Leave")


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(["\n", "\r", "\r\n", " ", "a", "bc", "\u2028", "\x0b", "\x85", "\t"]), max_size=25).map("".join),
       head=st.integers(1, 10))
def test_first_nonblank_line_reads_only_the_head(text, head):
    assert _first_nonblank_line(text, head) == next((line for line in text.splitlines() if line.strip()), "")
