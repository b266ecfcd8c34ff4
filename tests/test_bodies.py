"""Comment bodies: the fast paths give what the plain regex definition gives, on any body."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.bodies import (LOOKS_LIKE_DATE, body_text, body_texts, clean_region, parse_posted, posted_by_strptime,
                               posted_many, posted_of)

# The definition as first written (one regex per step, every line tried), kept here as the
# reference the guarded fast paths must agree with.
_REPLY_LINK = re.compile(r"^[ \t\u00a0]*(?:reply|reply ↓|↓ reply|log in to reply)[ \t]*(?:\n|$)", re.M | re.I)
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+$", re.M)


def reference_body(raw: str) -> tuple[str, str | None]:
    """The body code as it was before the fast paths (issue 4), line for line."""
    raw = raw.strip("\n")
    if "\t" in raw:
        raw = raw.expandtabs(8)
    if not raw.strip():
        return "", None
    posted = None
    first, _, rest = raw.partition("\n")
    if LOOKS_LIKE_DATE.match(first.strip()):
        posted = posted_by_strptime(first)
        if posted is not None:
            raw = rest.strip("\n")
    if "eply" in raw:
        raw = _REPLY_LINK.sub("", raw)
    if " \n" in raw or "\u00a0\n" in raw or raw.endswith((" ", "\u00a0")):
        raw = _TRAILING_SPACE.sub("", raw)
    raw = raw.strip("\n")
    if not raw:
        return "", posted
    if "\n\n\n" in raw:
        raw = re.sub(r"\n{3,}", "\n\n", raw)
    cut = len(raw) - len(raw.lstrip(" "))
    prefix = "\n" + " " * cut
    if cut and raw.count(prefix) == raw.count("\n") - raw.count("\n\n"):
        raw = raw[cut:].replace(prefix, "\n")
    else:
        cut = min(len(line) - len(line.lstrip(" \u00a0")) for line in raw.split("\n") if line)
        if cut:
            raw = re.sub(r"^[ \u00a0]{0,%d}" % cut, "", raw, flags=re.M)
    return raw, posted


PIECES = ["Reply", "reply", "REPLY", "Reply ↓", "↓ Reply", "Log in to Reply", "RePly", "replying", "March 3, 2020 at 4:15 pm",
          "2020-03-03", "3 March 2020 at 16:15", "word", "the “quoted” text…", "\u00a0", " ", "  ", "\t", "\n", "\n\n",
          "\n\n\n", "İ", "ß", "Ωμέγα", "x"]
line = st.tuples(st.sampled_from(["", " ", "  ", "    ", "      ", "\u00a0", "\t", "  \t"]),
                 st.lists(st.sampled_from(PIECES), max_size=4)).map(lambda t: t[0] + "".join(t[1]))
raw_body = st.tuples(st.sampled_from(["", "\n", "\n\n"]), st.lists(line, max_size=7),
                     st.sampled_from(["", "\n", "\n\n", " "])).map(lambda t: t[0] + "\n".join(t[1]) + t[2])


@settings(max_examples=600, deadline=None)
@given(raw=raw_body)
def test_body_text_matches_the_definition(raw):
    assert body_text(raw) == reference_body(raw)


@settings(max_examples=600, deadline=None)
@given(raws=st.lists(raw_body, min_size=1, max_size=4))
def test_clean_bodies_skip_only_tests_that_cannot_fire(raws):
    # In a dump every body but the last ends where a header line starts: after a newline.
    bodies = [raw + "\n" for raw in raws[:-1]] + raws[-1:]
    text = "  1. Ann says\n".join(bodies)
    if clean_region(text, 0, len(text)):
        for raw in bodies:
            assert body_text(raw, clean=True) == body_text(raw) == reference_body(raw)


def test_clean_region_sees_what_a_body_would_hold():
    assert clean_region("  a\n\n  b\n", 0, 10)
    assert not clean_region("  a \n  b\n", 0, 9)
    assert not clean_region("  a\n\n\n  b\n", 0, 11)
    assert not clean_region("  a\tb\n", 0, 7)
    assert not clean_region("  a\u00a0", 0, 4) and not clean_region("  a ", 0, 4)
    assert clean_region("\t  a\n", 1, 5)  # only the region counts


@given(text=st.text(alphabet=" \n\tab\u00a0é😀", max_size=30), data=st.data())
def test_clean_region_of_the_utf8_is_clean_region_of_the_text(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    at = [len(text[:k].encode()) for k in (start, end)]
    assert clean_region(text.encode(), *at) == clean_region(text, start, end)


@settings(max_examples=300, deadline=None)
@given(indent=st.integers(1, 12), lines=st.lists(st.text("abc xyz.“”é", min_size=1).map(str.strip).filter(bool),
                                                  min_size=1, max_size=5),
       blank=st.booleans(), reply=st.booleans())
def test_plain_and_wordpress_bodies(indent, lines, blank, reply):
    pad = " " * indent
    sep = "\n\n" if blank else "\n"
    raw = "\n" + sep.join(pad + x for x in lines) + (f"\n\n{pad}Reply\n\n" if reply else "\n\n")
    assert body_text(raw) == reference_body(raw) == (sep.join(lines), None)
    dated = raw.replace("\n", f"\n{pad}March 3, 2020 at 4:15 pm\n\n", 1)
    assert body_text(dated) == reference_body(dated) == (sep.join(lines), "2020-03-03T16:15:00")
    for body in (raw, dated):
        if clean_region(body, 0, len(body)):
            assert body_text(body, clean=True) == body_text(body)


@pytest.mark.parametrize("raw, expected", [
    ("\n    First line\n      deeper line\n    back\n\n", ("First line\n  deeper line\nback", None)),
    ("\n    March 3, 2020 at 4:15 pm\n\n    Hello there.\n\n    Reply\n\n", ("Hello there.", "2020-03-03T16:15:00")),
    ("\n    REPLY to all\n    Reply\n\n    and more\n    reply\n", ("REPLY to all\n\nand more", None)),
    ("\n    Text\n    REPLY\n    Reply\n", ("Text", None)),  # every link line goes, not only the last
    ("\n\u00a0\u00a0Text with no-break spaces\n\u00a0\u00a0and more\n", ("Text with no-break spaces\nand more", None)),
    ("\n\tTabbed\n\ttext\n", ("Tabbed\ntext", None)),
    ("\n    trailing   \n    spaces\u00a0\n", ("trailing\nspaces", None)),
    ("\n    Reply\n", ("", None)),
    ("\n    REPLY\n", ("REPLY", None)),  # as before: no lower-case `eply`, no link removal
])
def test_body_cases(raw, expected):
    assert body_text(raw) == reference_body(raw) == expected


@settings(max_examples=400, deadline=None)
@given(month=st.sampled_from(["January", "February", "March", "May", "September", "December", "Sept", "march", "MAY"]),
       day=st.sampled_from(["1", "01", "0", "29", "30", "31", "32", "00"]), year=st.sampled_from(["2020", "2019", "0000", "1900"]),
       hour=st.sampled_from(["1", "12", "0", "13", "01", "00"]), minute=st.sampled_from(["00", "59", "60", "5", "05"]),
       ampm=st.sampled_from(["am", "pm", "AM", "PM", "Am", "pM", "a.m.", "p.m.", "xm"]),
       pad=st.sampled_from(["", "  ", "\u00a0", "\t", "\x1c", " x"]))
def test_wordpress_dates_without_strptime_match_strptime(month, day, year, hour, minute, ampm, pad):
    line = f"{pad}{month} {day}, {year} at {hour}:{minute} {ampm}{pad}"
    assert posted_of(line) == parse_posted(line) == posted_by_strptime(line)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.builds("{}{} {}, {}{}{}:{} {}{}".format, st.sampled_from(["", " "]),
                                st.sampled_from(["March", "May", "Sept", "december"]),
                                st.sampled_from(["1", "09", "28", "29", "31", "32", "00"]), st.sampled_from(["2020", "0000", "99"]),
                                st.sampled_from([" at ", " at  ", " "]), st.sampled_from(["1", "12", "13", "00", "07"]),
                                st.sampled_from(["00", "59", "60", "5"]), st.sampled_from(["am", "PM", "p.m.", "xm"]),
                                st.sampled_from(["", " ", " at 1:00 pm"]))
                      | st.sampled_from(["", " at ", "Not a date", "2020-03-03 16:15"]), max_size=8))
def test_posted_many_is_posted_of_each(lines):
    assert posted_many(lines) == list(map(posted_of, lines))


def test_wordpress_date_values():
    assert parse_posted("March 3, 2020 at 12:05 am") == "2020-03-03T00:05:00"
    assert parse_posted("March 3, 2020 at 12:05 pm") == "2020-03-03T12:05:00"
    assert parse_posted("February 29, 2019 at 1:00 pm") is None  # no such day
    assert parse_posted("February 29, 2020 at 1:00 pm") == "2020-02-29T13:00:00"
    assert posted_of("March 3, 2020 at 12:05 am") == "2020-03-03T00:05:00"
    assert posted_of(" December 28, 1999 at 09:59 PM ") == "1999-12-28T21:59:00"
    assert posted_of("February 29, 2019 at 1:00 pm") is None


# Bodies as they come in dumps (after a header, up to the next one), clean or not: plain and
# WordPress forms with the odd twist (a `reply` in the text, a date that does not read, a line
# indented less than the first, a blank run, a date-like first line without the form).
_TEXT_LINE = st.lists(st.sampled_from(["word", "Reply", "rEPLY", "replying", "eply", "March 3, 2020", "“quoted”", "x.",
                                       "\u00a0y", "é", "z ", "z\u00a0", "a\tb"]), min_size=1, max_size=4).map(" ".join)
_DUMP_BODY = st.tuples(
    st.integers(1, 6), st.lists(st.tuples(st.sampled_from(["", "", "", " ", "  ", "-1", "\t"]), _TEXT_LINE), min_size=1, max_size=5),
    st.sampled_from(["\n", "\n\n", "\n\n\n"]),
    st.sampled_from([None, "March 3, 2020 at 4:15 pm", "May 31, 2020 at 12:00 am", "February 30, 2021 at 1:00 pm",
                     "3 March 2020 at 16:15", "2020-03-03"]),
    st.sampled_from(["", "Reply", " Reply", "Reply ", "REPLY", "Log in to Reply"]),
).map(lambda t: "\n" + (" " * t[0] + t[3] + "\n\n" if t[3] else "")
      + t[2].join((" " * max(t[0] - 1, 0) if extra == "-1" else " " * t[0] + extra) + line for extra, line in t[1])
      + ("\n\n" + " " * t[0] + t[4] if t[4] else "") + "\n\n")


def in_a_dump(raws: list[str]) -> tuple[str, list[int], list[int]]:
    """The bodies with a header line before each, as in a dump: (text, body starts, stops)."""
    text, starts, stops = "", [], []
    for raw in raws:
        text += "  1. Ann says\n"
        starts.append(len(text))
        text += raw
        stops.append(len(text))
    return text, starts, stops


@settings(max_examples=600, deadline=None)
@given(raws=st.lists(_DUMP_BODY | raw_body, min_size=1, max_size=6))
def test_body_texts_are_body_text_of_each(raws):
    bodies = [raw + "\n" for raw in raws[:-1]] + raws[-1:]  # a header line starts after a newline
    text, starts, stops = in_a_dump(bodies)
    clean = clean_region(text, starts[0], len(text))
    asked = []
    texts, dates = body_texts(text, starts, stops, lambda: asked.append(1) or clean)
    assert len(asked) <= 1
    assert list(zip(texts, dates)) == [body_text(raw, clean) for raw in bodies] == [reference_body(raw) for raw in bodies]


def test_body_texts_take_the_usual_forms_whole():
    raws = ["\n    Plain text\n\n    more\n      deeper\n\n", "\n  March 3, 2020 at 4:15 pm\n\n  Dated text\n\n  Reply\n\n",
            "\n  March 3, 2020 at 4:15 pm\n\n  Text that says reply\n\n  Reply\n\n", "\n  Feb 30, 2020\n  Not a date\n"]
    text, starts, stops = in_a_dump(raws)
    assert body_texts(text, starts, stops, lambda: True) == (
        ["Plain text\n\nmore\n  deeper", "Dated text", "Text that says reply", "Feb 30, 2020\nNot a date"],
        [None, "2020-03-03T16:15:00", "2020-03-03T16:15:00", None])
    # Of the usual forms only (the first two): `clean` is never asked.
    assert body_texts(text, starts[:2], stops[:2], lambda: 1 / 0)[1] == [None, "2020-03-03T16:15:00"]
