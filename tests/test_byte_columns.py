"""The numpy column operations give what plain Python gives, byte by byte."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.byte_columns import (gather, wide_spaces, joined_lines, leading_spaces, run_back,
                                     run_length, where)

TEXT = st.text(alphabet=st.sampled_from(list(" \n  x1.é“😀\u00a0\u2003Reply")), max_size=60)


def as_bytes(text: str):
    data = text.encode("utf-8", "surrogatepass")
    return data, np.frombuffer(data, dtype=np.uint8)


def ranges(data: bytes, draw_pairs) -> tuple[np.ndarray, np.ndarray]:
    starts = np.array([min(a, b) for a, b in draw_pairs], dtype=np.int64)
    stops = np.array([max(a, b) for a, b in draw_pairs], dtype=np.int64)
    return np.clip(starts, 0, len(data)), np.clip(stops, 0, len(data))


@settings(max_examples=300, deadline=None)
@given(text=TEXT, pairs=st.lists(st.tuples(st.integers(0, 80), st.integers(0, 80)), max_size=6))
def test_runs_are_counted_as_python_counts_them(text, pairs):
    data, r = as_bytes(text)
    starts, stops = ranges(data, pairs)
    spaces = [len(data[a:b]) - len(data[a:b].lstrip(b" ")) for a, b in zip(starts, stops)]
    assert leading_spaces(r, starts, stops).tolist() == spaces
    assert run_length(r, starts, stops, (0x20,)).tolist() == spaces
    digits = [len(data[a:b]) - len(data[a:b].lstrip(b"0123456789")) for a, b in zip(starts, stops)]
    assert run_length(r, starts, stops, tuple(b"0123456789")).tolist() == digits
    assert run_back(r, stops, starts, (0x20,)).tolist() == [len(data[a:b]) - len(data[a:b].rstrip(b" "))
                                                          for a, b in zip(starts, stops)]


def test_leading_spaces_read_eight_bytes_at_a_time_up_to_the_end():
    data, r = as_bytes(" " * 30 + "x" + " " * 9)
    starts = np.array([0, 5, 31, 35, 40], dtype=np.int64)
    stops = np.array([40, 40, 40, 40, 40], dtype=np.int64)
    assert leading_spaces(r, starts, stops).tolist() == [30, 25, 9, 5, 0]


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_wide_spaces_are_found_and_nothing_else(text):
    data, r = as_bytes(text)
    no_break, other = wide_spaces(r)
    assert other == any(c.isspace() and ord(c) > 127 and c != "\u00a0" for c in text)
    assert no_break.tolist() == [len(text[:k].encode()) for k, c in enumerate(text) if c == "\u00a0"]
    assert where(r, lambda chunk: chunk == 10).tolist() == [k for k, b in enumerate(data) if b == 10]


@settings(max_examples=300, deadline=None)
@given(text=TEXT, pairs=st.lists(st.tuples(st.integers(0, 80), st.integers(0, 80)), min_size=1, max_size=6))
def test_gather_joins_the_ranges(text, pairs):
    data, r = as_bytes(text + "\n")
    starts, stops = ranges(data, pairs)
    assert gather(r, starts, stops) == b"\n".join(data[a:b] for a, b in zip(starts, stops))


@settings(max_examples=200, deadline=None)
@given(bodies=st.lists(st.lists(st.sampled_from(["", "text", "“more” é", " deeper 😀"]), min_size=1, max_size=4),
                       min_size=1, max_size=5),
       indent=st.integers(1, 6))
def test_joined_lines_are_the_lines_less_their_indent(bodies, indent):
    pad = " " * indent
    lines = [pad + line if line else "" for body in bodies for line in body]
    data, r = as_bytes("\n".join(lines))
    ls = np.array([0] + [k + 1 for k, b in enumerate(data) if b == 10], dtype=np.int64)
    le = np.append(ls[1:] - 1, len(data))
    blank = ls == le
    counts = np.array([len(body) for body in bodies])
    first = np.cumsum(counts) - counts
    got = joined_lines(r, ls, le, blank, first, first + counts - 1, np.full(len(bodies), indent))
    assert got == ["\n".join(body) for body in bodies]
