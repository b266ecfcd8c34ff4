"""The parser as it was before the vectorised quote filter and bodies: the oracle
`tests/test_quote_filter.py` holds `moderation.parse._build_tree` equal to. Each body is read by
`body_text` alone, the tree by the stack loop, and each reply's quotes by `split_quotes` against
all its ancestors: the plain definitions the fast paths must agree with. (With `no_usual` in place of
`parse.read_usual`, the headers are found by `find_headers` and not by the numpy line pass
either.) Kept here, out of the
package, because nothing parses with it."""

from __future__ import annotations

from itertools import repeat

from moderation.bodies import body_text, clean_region
from moderation.dump_scan import Headers
from moderation.parse import _ancestors, _layout, _tree_loop
from moderation.quotes import Quotable, split_quotes
from moderation.thread import Thread


def build_tree_reference(text: str):
    """`_build_tree` by the plain definitions for a parse of `text` (see the module docstring):
    the bodies and dates it is given are read again, from the text and `headers`."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return lambda taken, thread, problems: _reference(text, taken[1], thread, problems)


def _reference(text: str, headers: Headers, thread: Thread, problems: list[tuple[int, str]]) -> None:
    step, base, levels, remainders = _layout(text, headers)
    clean = repeat(clean_region(text, headers.body_starts[0], headers.end))
    raws = map(text.__getitem__, map(slice, headers.body_starts, headers.stops()))
    bodies, dates = (list(column) for column in zip(*map(body_text, raws, clean)))
    parents, _ = _tree_loop(headers, levels, remainders, bodies, dates, base, step, thread.comments, problems)
    for k, comment in enumerate(thread.comments):
        if parents[k] >= 0:
            ancestors = [Quotable(bodies[a]) for a in reversed(_ancestors(parents, k))]  # from the top down
            comment.text, quotes = split_quotes(bodies[k], ancestors)
            comment.quotes = tuple(quotes)


def no_usual(text: str) -> None:
    """`usual_dump.read_usual` declining every dump: the headers are then found by
    `find_headers` and the bodies read by `body_texts`."""
    return None
