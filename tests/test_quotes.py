"""Quote detection: the batched and C-level fast paths agree with the plain definitions, and
quotes are found however the copy was laid out (across lines and paragraphs, accents, tabs, CRLF)."""

from __future__ import annotations

import re

from hypothesis import event, given, settings
from hypothesis import strategies as st

from moderation import parse_dump
from moderation.quotes import (
    _PUNCT,
    _WORD_TOKEN,
    MIN_WORDS,
    Quotable,
    _normal_words,
    blocks,
    normal_words,
    normal_words_many,
    split_quotes,
)

# Text made of words, every punctuation mark the normaliser knows, odd whitespace (no-break
# space, tab, newline, \x1c, line separator), letters that change length or script when
# lowered, and a lone surrogate.
ALPHABET = list(_PUNCT) + list("abcXYZ éÉİıſKß\t\n\u00a0\u2028\x1c😀ΣΟ\u0301\x00") + ["\ud800", "\udc00", " ", " ", " "]
texts = st.lists(st.sampled_from(ALPHABET), max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=texts)
def test_normal_words_is_the_regex_definition(text):
    assert normal_words(text) == _normal_words(text)


@settings(max_examples=100, deadline=None)
@given(batch=st.lists(texts, max_size=20))
def test_batched_words_and_blocks(batch):
    words = normal_words_many(batch)
    assert words == [_normal_words(t) for t in batch]
    no_nul = [t.replace("\x00", "") for t in batch]  # the joined path (NUL sends a batch per text)
    assert normal_words_many(no_nul) == [_normal_words(t) for t in no_nul]
    for w in words:
        assert blocks(w) == set(zip(w[0::4], w[1::4], w[2::4], w[3::4]))


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_token_offsets_split_the_same_as_finditer(text):
    # split_quotes takes token offsets from a capturing split; they must be finditer's spans.
    from itertools import accumulate

    from moderation.quotes import _WORD_TOKEN_SPLIT

    bounds = list(accumulate(map(len, _WORD_TOKEN_SPLIT.split(text))))
    assert list(zip(bounds[0::2], bounds[1::2])) == [m.span() for m in _WORD_TOKEN.finditer(text)]
    assert len(bounds) // 2 == len(normal_words(text))


def exhaustive_has_quote(reply: str, ancestors: list[str]) -> bool:
    """Any 8 words in a row in common, by brute force."""
    w = normal_words(reply)
    grams = {tuple(w[i:i + MIN_WORDS]) for i in range(len(w) - MIN_WORDS + 1)}
    for a in ancestors:
        aw = normal_words(a)
        if any(tuple(aw[i:i + MIN_WORDS]) in grams for i in range(len(aw) - MIN_WORDS + 1)):
            return True
    return False


small_words = st.lists(st.sampled_from("a b c d e f the of".split()), min_size=0, max_size=30).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(reply=small_words, ancestors=st.lists(small_words, min_size=1, max_size=4))
def test_prefilter_never_misses_a_quote(reply, ancestors):
    # A tiny vocabulary makes 8-word repeats common, so both branches are exercised.
    words = normal_words(reply)
    own, quotes = split_quotes(reply, [Quotable(a) for a in ancestors])
    assert bool(quotes) == exhaustive_has_quote(reply, ancestors)
    assert split_quotes(reply, [Quotable(a) for a in ancestors], words, blocks(words)) == (own, quotes)


PARENT = "Rents in the old town went up by a third in just two years, said the council’s report."


def thread(reply_body: str, newline: str = "\n", indent: str = "  ") -> str:
    lines = ["Headline", "", f"{indent}1. Ann says", "", f"{indent * 2}{PARENT}", "",
             f"{indent * 2}1. Bob says", ""]
    lines += [f"{indent * 3}{line}" if line else "" for line in reply_body.split("\n")]
    lines += ["", "Leave A Reply"]
    return newline.join(lines) + newline


def quotes_of_reply(text: str) -> tuple[tuple[str, ...], str]:
    reply = parse_dump(text).get("1.1")
    return reply.quotes, reply.text


def test_quote_across_a_line_break():
    quotes, own = quotes_of_reply_text("Rents in the old town went up\nby a third in just two years, said the council’s report.\n\nNot on my street.")
    assert quotes == ("Rents in the old town went up\nby a third in just two years, said the council’s report.",)
    assert own == "Not on my street."


def test_quote_across_paragraphs_and_case_and_punctuation():
    quotes, own = quotes_of_reply_text("“RENTS in the old town went up by a third…\n\nin just two years” — really? Prove it.")
    assert quotes == ("RENTS in the old town went up by a third…\n\nin just two years”",)
    assert own == "“ — really? Prove it."  # the opening mark stays: a token starts at its first letter


def test_quote_with_tabs_crlf_and_accents():
    body = "Rents in the old town went up by a third in just two years.\n\nÇa alors, même chez moi."
    for newline in ("\n", "\r\n"):
        for indent in ("  ", "\t"):
            quotes, own = quotes_of_reply(thread(body, newline, indent))
            assert quotes == ("Rents in the old town went up by a third in just two years.",), (newline, indent)
            assert own == "Ça alors, même chez moi."


def quotes_of_reply_text(body: str) -> tuple[tuple[str, ...], str]:
    return quotes_of_reply(thread(body))


def test_seven_words_are_not_a_quote():
    quotes, own = quotes_of_reply_text("Rents in the old town went up, you say? Not here.")
    assert quotes == () and own == "Rents in the old town went up, you say? Not here."


def test_two_quotes_in_one_reply():
    body = ("Rents in the old town went up by a third: no. In just two years, said the council’s report: "
            "which report?")
    quotes, own = quotes_of_reply_text(body)
    assert quotes == ("Rents in the old town went up by a third:", "In just two years, said the council’s report:")
    assert own == "no. which report?"


# Keep the module's regex honest: a token must have a character that is not punctuation.
def test_word_token_skips_pure_punctuation():
    assert [m.group() for m in _WORD_TOKEN.finditer("— “hello” ... world.")] == ["hello”", "world."]
    assert re.escape("…") in _WORD_TOKEN.pattern or "…" in _WORD_TOKEN.pattern


def test_batched_words_keep_each_texts_final_sigma_and_nul():
    batch = ["ΟΔΟΣ", "Σa", "aΣ\u0301", "\u0301Σ", "x\x00y", "ΣΣ"]
    assert normal_words_many(batch) == [_normal_words(t) for t in batch]
    assert normal_words_many(batch[:4]) == [["οδος"], ["σa"], ["aς\u0301"], ["\u0301σ"]]
    assert normal_words_many([]) == [] and normal_words_many([""]) == [[]]


# The fast paths of the exact quote cut, each against what it replaces.
OLD_WORD_TOKEN = re.compile(r"[^\s%s]*[^\s%s][^\s]*" % (re.escape(_PUNCT), re.escape(_PUNCT)))


@settings(max_examples=400, deadline=None)
@given(text=texts)
def test_word_token_is_the_old_pattern(text):
    assert [m.span() for m in _WORD_TOKEN.finditer(text)] == [m.span() for m in OLD_WORD_TOKEN.finditer(text)]


TIDY_ALPHABET = ["a", "b", "É", " ", "  ", "\t", "\n", "\n\n", "\n\n\n", "“", "”", ">", ":", ".", "-",
                 "\u00a0", "\u2003", "\r"]


@settings(max_examples=600, deadline=None)
@given(text=st.lists(st.sampled_from(TIDY_ALPHABET), max_size=30).map("".join))
def test_tidy_quick_is_tidy(text):
    from moderation.quotes import _tidy, _tidy_quick

    assert _tidy_quick(text) == _tidy(text)


def spans_of(hits):
    """cut_quotes's merging of hits into [first, last] word spans."""
    spans = []
    for i in hits:
        if spans and i <= spans[-1][1] + 1:
            spans[-1][1] = i + MIN_WORDS - 1
        else:
            spans.append([i, i + MIN_WORDS - 1])
    return spans


quote_text = st.lists(st.tuples(st.sampled_from(["a", "B", "c,", "“d”", "é", "Σς", "—", "...", "x'y", ">",
                                                "\x00"]),
                                st.sampled_from([" ", "\n", "\n\n", "\t", "  ", "\u00a0", " \n "])),
                      min_size=4, max_size=40).map(lambda pairs: "".join(w + s for w, s in pairs))


@settings(max_examples=200, deadline=None)
@given(own=st.lists(quote_text, min_size=1, max_size=3), ancestors=st.lists(quote_text, min_size=1, max_size=3),
       data=st.data())
def test_cut_spans_is_cut_quotes(own, ancestors, data):
    from moderation.quotes import _hits, cut_quotes, cut_spans

    # The reply: its own pieces with pieces of its ancestors' text (respelled) between them.
    reply = own[0]
    for piece in own[1:]:
        source = data.draw(st.sampled_from(ancestors))
        i = data.draw(st.integers(0, len(source) // 3))
        copied = source[i:i + data.draw(st.integers(20, 400))]
        reply += (copied.swapcase() if data.draw(st.booleans()) else copied) + piece
    words = normal_words(reply)
    quoted = set().union(*(Quotable(a).full() for a in ancestors))
    expected = cut_quotes(reply, words, quoted, lambda: [Quotable(a) for a in ancestors])
    hits = _hits(words, quoted)
    event("quoted" if hits else "not quoted")
    if hits:
        assert cut_spans(reply, spans_of(hits)) == expected
    else:
        assert expected == (reply, [])
