"""The parser's tree and quote test as they were before the vectorised quote filter and tree:
the oracle `tests/test_quote_filter.py` holds `moderation.parse._build_tree` equal to. Kept
here, out of the package, because nothing parses with it."""

from __future__ import annotations

from itertools import repeat
from operator import floordiv, mod, sub

from moderation.bodies import body_text, clean_region
from moderation.dump_scan import Headers, indent_step
from moderation.quotes import MIN_WORDS, Quotable, blocks_many, normal_words_many, probes, split_quotes
from moderation.thread import Comment, Thread

_BATCH = 4096  # comments cleaned at a time: big enough to amortise, small enough for memory

# A comment on the path from the root to the current line, still taking replies, as a list:
# [level, id, text before quotes were taken out (what a later reply may repeat), replies so
#  far, its normalised words, its Quotable or None (made once a quote is likely), its line].
_LEVEL, _ID, _RAW, _REPLIES, _WORDS, _QUOTABLE, _LINE = range(7)


def build_tree_reference(text: str, headers: Headers, thread: Thread, problems: list[tuple[int, str]]) -> None:
    """The parser's tree and quote test as they were before the vectorised quote filter and
    tree (each reply's quote test inside the stack loop, from 4-grams kept beside the stack):
    the reference `tests/test_quote_filter.py` compares `_build_tree` with, not used to parse.

    Attach each comment to the nearest open comment less indented than itself.

    `stack` holds the open comments; `path` holds, parallel to it, each one's 4-grams (None
    until a reply needs them), so the no-quote test is `all(map(blocks.isdisjoint, path))`."""
    step = indent_step(text, headers)
    base = min(headers.indents)
    offsets = list(map(sub, headers.indents, repeat(base)))
    levels = list(map(floordiv, offsets, repeat(step)))
    remainders = list(map(mod, offsets, repeat(step)))
    stops = headers.starts[1:]
    stops.append(headers.end)
    stack: list[list] = []
    path: list[set | None] = []
    pop_open, push_open = stack.pop, stack.append
    pop_path, push_path = path.pop, path.append
    clean = repeat(clean_region(text, headers.body_starts[0], headers.end))
    top_count = 0
    append = thread.comments.append
    report = problems.append
    for first in range(0, len(headers), _BATCH):
        last = first + _BATCH
        raws = map(text.__getitem__, map(slice, headers.body_starts[first:last], stops[first:last]))
        texts, dates = zip(*map(body_text, raws, clean))
        words_of = normal_words_many(texts)
        blocks_of = blocks_many(words_of)
        for (level, remainder, indent, line, number, author, body, posted, words, reply_blocks) in zip(
                levels[first:last], remainders[first:last], headers.indents[first:last], headers.lines[first:last],
                headers.numbers[first:last], headers.authors[first:last], texts, dates, words_of, blocks_of):
            if remainder:
                level = round((indent - base) / step)
                report((line, f"indentation of {indent} is not a multiple of the step {step}; read as level {level + 1}"))
            while stack and stack[-1][0] >= level:
                pop_open()
                pop_path()
            if stack:
                parent_open = stack[-1]
                if parent_open[0] < level - 1:
                    report((line, f"reply by {author} is indented {level - parent_open[0]} levels deeper than "
                                  f"its parent on line {parent_open[_LINE]}; attached to it"))
                position = parent_open[3] = parent_open[3] + 1
                parent_id: str | None = parent_open[1]
                cid = f"{parent_id}.{position}"
            else:
                if level > 0:
                    report((line, f"comment by {author} is indented as a reply but has no comment above it to "
                                  "reply to; read as top-level"))
                top_count += 1
                position = top_count
                parent_id = None
                cid = str(position)
            if number != position:
                owner = f"comment {parent_id}" if parent_id is not None else "the thread"
                report((line, f"numbered {number} but is reply {position} of {owner}; numbering skips"))
            own, quotes = body, []
            if not body:
                report((line, f"comment by {author} has no text"))
            elif parent_id is not None and len(words) >= MIN_WORDS:
                if path[-1] is None:  # the parent's 4-grams: usually the only ones not made yet
                    path[-1] = probes(parent_open[_WORDS])
                if None in path:
                    for k, open_ in enumerate(stack):
                        if path[k] is None:
                            path[k] = probes(open_[_WORDS])
                if not all(map(reply_blocks.isdisjoint, path)):  # type: ignore[arg-type]
                    ancestors = []
                    for k, open_ in enumerate(stack):
                        if open_[_QUOTABLE] is None:
                            open_[_QUOTABLE] = Quotable(open_[_RAW], open_[_WORDS], path[k])
                        ancestors.append(open_[_QUOTABLE])
                    own, quotes = split_quotes(body, ancestors, words, reply_blocks)
            append(Comment(cid, parent_id, author, own, quotes, posted, len(stack) + 1, line + 1))
            push_open([level, cid, body, 0, words, None, line + 1])
            push_path(None)
