"""Parse a saved news page with its reader comments into a Thread.

The family of dumps this reads: the article, then comments whose headers are `N. Name says`
(or WordPress's `N. Name says:` with a date line and a `Reply` link), each reply indented one
step deeper than its parent, the body indented under its header, and a footer such as
`Leave A Reply` that ends the thread. The indentation step is measured from the file (spaces
or tabs, any width), so dumps from other tools and sites parse as well as the reference one.

Broken structure is read best-effort and reported as warnings naming the line; callers that
want certainty pass `strict=True` and get a ParseError instead.

Speed (issue 4): at a few microseconds per comment, every Python-level step per comment
counts, so the work is done for all comments at once wherever it can be. A dump in the usual
form (one tool's output, every comment alike) is read by numpy passes over its lines
(`usual_dump`); any other has its headers and footers found by C-level searches over the whole
text (`dump_scan`) and its bodies read by one regex `fullmatch` each or guarded fast paths
(`bodies`). The tree of a well-formed dump comes from numpy passes over the levels
(`_tree_columns`), the stack loop being kept for dumps it must warn about; which replies quote
is decided by hashing every comment's 8-word runs with numpy and sorting them a group of
top-level subtrees at a time (`quote_filter.quote_windows`), and only the passages found there
are checked and cut exactly (`quotes.cut_spans`).

Memory (issue 4: a few times the file): the usual form is read from the text's UTF-8 and the
str let go; each column of the read is let go once used; the C heap's freed pages go back to
the system after the numpy steps (`heap`). A 100 MB dump peaks at 4 times its size, the parsed
thread itself being 2.8 (docs/parser-speed.md).
"""

from __future__ import annotations

import gc
from array import array
from itertools import repeat
from operator import floordiv, mod, sub

from .article import parse_article
from .bodies import body_texts, clean_region, parse_posted
from .dump_scan import _PLUS_ONE, Headers, find_headers, indent_step
from .errors import ParseError
from .heap import give_back_freed_memory
from .quote_filter import quote_windows
from .quotes import MIN_WORDS, Quotable, cut_spans, normal_words_many, split_quotes
from .thread import NO_EXTRA, Comment, Thread
from .usual_dump import read_usual
from .utf8_text import Utf8Text

__all__ = ["parse_dump", "parse_posted", "parse_taken"]


def parse_dump(text: str, source: str | None = None, strict: bool = False) -> Thread:
    """Parse a dump's text into a Thread; `source` names the file in warnings and errors."""
    return parse_taken([text], source, strict)


def parse_taken(holder: list[str], source: str | None = None, strict: bool = False) -> Thread:
    """`parse_dump` of the one text in `holder`, which it takes out of the list.

    A caller that hands over its only reference (as `parse_thread` does with the file it read)
    has the str freed as soon as the parse has its UTF-8 (`read_comments`, a dump of 64K
    characters or more in the usual form) or has read the comments: a str with curly quotes
    takes 2 bytes a character, and it is not held while the comment objects are made."""
    text = holder.pop()
    where = source or "<input>"
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    holder.append(text)
    del text
    # Hundreds of thousands of new, acyclic objects would make the cyclic garbage collector
    # rescan a growing heap again and again; pause it while the headers and tree are built.
    collecting = gc.isenabled()
    gc.disable()
    try:
        text, headers, bodies, dates = read_comments(holder)
        article_end = headers.starts[0] if len(headers) else headers.end
        thread = Thread(article=parse_article(text[:article_end].split("\n")), source=source)
        problems: list[tuple[int, str]] = []
        if len(headers):
            taken = [_layout(text, headers), headers, bodies, dates]
            del text, headers, bodies, dates
            if len(taken[1]) >= _GIVE_BACK_FROM:
                give_back_freed_memory()
            _build_tree(taken, thread, problems)
    finally:
        if collecting:
            _promote_to_oldest_generation()
            gc.enable()
    thread.warnings.extend(f"{where}:{line + 1}: {message}" for line, message in problems)
    if strict and problems:
        line, message = problems[0]
        raise ParseError(f"{len(problems)} structural problem(s); first: {message}", path=where, line=line + 1,
                         hint="fix the indentation or numbering, or parse without --strict to read it best-effort")
    return thread


def _promote_to_oldest_generation() -> None:
    """Move the objects made while the collector was paused into its oldest generation.

    They live as long as the thread; left in the youngest generation, the first collection
    after `gc.enable()` would walk all of them (40 ms for a 10 MB dump), and the next
    generation's collection again. `freeze` then `unfreeze` moves every tracked object to the
    oldest generation without a walk; it is skipped when the program keeps frozen objects of
    its own (a pre-fork server), which `unfreeze` would release."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


# From this many comments, the C heap's free pages are given back to the system after the
# steps that use numpy (`heap.give_back_freed_memory`: 3 ms at 650k comments).
_GIVE_BACK_FROM = 10_000

# Below this many characters (a few hundred comments) numpy's fixed costs make the line pass
# slower than the general path: 2.0 against 1.0 ms at 5k characters, even at 80k (measured).
_LINE_PASS_FROM = 1 << 16


def read_comments(holder: list[str]) -> tuple[str | Utf8Text, Headers, list[str], list[str | None]]:
    """The text in `holder` (taken out of it) as the headers' offsets index it, and (headers,
    body texts, dates).

    By numpy passes over the lines of its UTF-8 when the dump allows (`read_usual`); the text
    is then held as UTF-8 from here on (`Utf8Text`), which halves the memory of most threads
    (a str with curly quotes takes two bytes a character). Else by finding the headers and then
    reading each body."""
    text = holder.pop()
    if len(text) >= _LINE_PASS_FROM:
        data = text.encode("utf-8", "surrogatepass")
        del text
        usual = read_usual(data)
        if usual is not None:
            return Utf8Text(data), *usual
        text = data.decode("utf-8", "surrogatepass")
        del data
    headers = find_headers(text)
    if not len(headers):
        return text, headers, [], []
    region = (text, headers.body_starts[0], headers.end)
    bodies, dates = body_texts(text, headers.body_starts, headers.stops(), lambda: clean_region(*region))
    return text, headers, bodies, dates


def _layout(text: str | Utf8Text, headers: Headers) -> tuple[int, int, list[int], list[int]]:
    """(indent step, base indent, each header's level and its indent's remainder after the
    step): what the tree is read from."""
    step = indent_step(text, headers)
    base = min(headers.indents)
    offsets = list(map(sub, headers.indents, repeat(base)))
    levels = list(map(floordiv, offsets, repeat(step)))
    remainders = list(map(mod, offsets, repeat(step)))
    return step, base, levels, remainders


def _build_tree(taken: list, thread: Thread, problems: list[tuple[int, str]]) -> None:
    """Attach each comment to the nearest open comment less indented than itself, then take
    the quotes out of the replies.

    The tree of a well-formed dump is computed from the levels with numpy (`_tree_columns`),
    anything else goes through the loop with its stack and warnings (`_tree_loop`). Which
    replies quote, where and whom, is found for all comments at once by hashing their 8-word
    runs (`quote_filter.quote_windows`); only those passages are checked word for word and cut
    (`_cut_found_quotes`).

    `taken` holds `_layout`'s layout, the headers, the bodies and the dates, and is emptied
    here: each column goes once it is used (at 650k comments, each of the dozen is 5 MB or
    more), and the quote filter's arrays before the comment objects are made."""
    layout, headers, bodies, dates = taken
    taken.clear()
    step, base, levels, remainders = layout
    del layout
    n = len(headers)
    large = n >= _GIVE_BACK_FROM
    columns = None
    if not any(remainders) and all(bodies):
        columns = _tree_columns(levels, headers.numbers)
    comments = thread.comments
    if columns is not None:
        authors, lines = headers.authors, headers.lines
        ids, parent_ids, parents, depths, last = columns
        del headers, levels, remainders, columns
        found = quote_windows(bodies, parents, last)
        if large:
            give_back_freed_memory()
        # Made into a list of its full size at once: appended one by one, the list's reallocations
        # would leave about 30 MB of touched and freed pages on the C heap at 650k comments.
        made = map(Comment, ids, parent_ids, authors, bodies, repeat(()), dates, depths, map(_PLUS_ONE, lines),
                   repeat(NO_EXTRA))
        import numpy as np

        comments += np.fromiter(made, dtype=object, count=n).tolist()
        del made, ids, parent_ids, depths, authors, lines, dates
    else:
        parents, last = _tree_loop(headers, levels, remainders, bodies, dates, base, step, comments, problems)
        del headers, levels, remainders, dates
        found = quote_windows(bodies, parents, last)
    if large:
        give_back_freed_memory()
    if found is None:  # a body holds NUL: every reply may quote any ancestor
        _cut_quotes_everywhere(bodies, parents, last, comments)
    else:
        _cut_found_quotes(bodies, parents, last, comments, found)
    if large:
        del bodies, parents, last, found
        give_back_freed_memory()  # what the thread's user allocates next has it


def _cut_found_quotes(bodies: list[str], parents: array, last, comments: list[Comment], found) -> None:
    """Take the quotes out of the replies `quote_windows` names, checking its rows exactly.

    Its rows are runs of 8 words that hash alike in a reply and an ancestor; consecutive rows
    along one diagonal (the same reply, ancestor and offset between them) are one copied
    passage, checked by one comparison of word lists (each row alone only if that fails: a
    collision). The runs that check out are exactly the reply's 8-word runs some ancestor has
    (every such run is a row), which is what `cut_quotes` cuts by; their tokens are found only
    as far as the last quoted one (`cut_spans`)."""
    import numpy as np

    replies, at, ancestors, there = found
    if not len(replies):
        return
    offset = there - at
    new = np.ones(len(replies), dtype=bool)
    new[1:] = ((replies[1:] != replies[:-1]) | (ancestors[1:] != ancestors[:-1]) | (offset[1:] != offset[:-1])
               | (at[1:] != at[:-1] + 1))
    firsts = np.flatnonzero(new)
    lasts = np.append(firsts[1:], len(replies)) - 1
    n = MIN_WORDS
    passages = list(zip(replies[firsts].tolist(), ancestors[firsts].tolist(), at[firsts].tolist(),
                        at[lasts].tolist(), offset[firsts].tolist()))
    del new, firsts, lasts, offset
    words: dict[int, list[str]] = {}  # normal words of the comments still to be compared
    reply = -1
    runs: list[tuple[int, int]] = []  # the reply's checked runs of hits: (first, last)
    for begin in range(0, len(passages), _PASSAGES_AT_ONCE):
        chunk = passages[begin:begin + _PASSAGES_AT_ONCE]
        # Forget the words of comments whose replies are all behind; normalise the chunk's
        # others in one batch (`normal_words_many`).
        words = {c: w for c, w in words.items() if last[c] >= chunk[0][0]}
        needed = sorted({c for r, a, *_ in chunk for c in (r, a)}.difference(words))
        words.update(zip(needed, normal_words_many(list(map(bodies.__getitem__, needed)))))
        for r, a, first, last_at, shift in chunk:
            if r != reply:
                if runs:
                    _cut_runs(bodies, parents, comments, reply, runs)
                    runs = []
                reply = r
            mine, theirs = words[r], words[a]
            if mine[first:last_at + n] == theirs[first + shift:last_at + shift + n]:
                runs.append((first, last_at))
            else:  # a collision somewhere: each run alone
                runs += [(i, i) for i in range(first, last_at + 1) if mine[i:i + n] == theirs[i + shift:i + shift + n]]
    if runs:
        _cut_runs(bodies, parents, comments, reply, runs)


_PASSAGES_AT_ONCE = 1024  # passages whose comments' words are made in one batch


def _cut_runs(bodies: list[str], parents: array, comments: list[Comment], k: int, runs: list[tuple[int, int]]) -> None:
    """Cut reply k by its runs of hits (first and last 8-word run of each), as `cut_quotes`
    would: runs that overlap or touch make one span."""
    n = MIN_WORDS
    runs.sort()
    spans: list[list[int]] = []
    for first, last in runs:
        if spans and first <= spans[-1][1] + 1:
            spans[-1][1] = max(spans[-1][1], last + n - 1)
        else:
            spans.append([first, last + n - 1])
    cut = cut_spans(bodies[k], spans)
    if cut is None:  # defensive: tokens and words disagree, take the plain definition
        cut = split_quotes(bodies[k], [Quotable(bodies[a]) for a in reversed(_ancestors(parents, k))])
    comments[k].text, comments[k].quotes = cut[0], tuple(cut[1])


def _cut_quotes_everywhere(bodies: list[str], parents: array, last, comments: list[Comment]) -> None:
    """Every reply against every ancestor by the plain definition (`split_quotes`): a body
    holds NUL, which the filter cannot join."""
    offered: dict[int, Quotable] = {}  # what each comment offers to quote, made once
    for k in range(len(bodies)):
        if parents[k] < 0:
            continue
        if k % 1024 == 1023:  # forget the comments whose replies are all behind
            offered = {a: q for a, q in offered.items() if last[a] >= k}
        ancestors = [offered[a] if a in offered else offered.setdefault(a, Quotable(bodies[a]))
                     for a in _ancestors(parents, k)]
        text, quotes = split_quotes(bodies[k], ancestors)
        comments[k].text, comments[k].quotes = text, tuple(quotes)


def _tree_loop(headers: Headers, levels: list[int], remainders: list[int], bodies: list[str],
               dates: list[str | None], base: int, step: int, comments: list[Comment],
               problems: list[tuple[int, str]]) -> tuple[array, array]:
    """The tree by a stack of open comments, with a warning naming the line for each problem:
    the path for any dump `_tree_columns` declines. Returns (parents, last) as it does."""
    # An open comment: [level, id, replies so far, line, index].
    stack: list[list] = []
    pop_open, push_open = stack.pop, stack.append
    top_count = 0
    append = comments.append
    report = problems.append
    parents = array("q")
    n = len(bodies)
    last = array("q", [n - 1]) * n  # the last comment of each one's subtree
    index = 0
    for (level, remainder, indent, line, number, author, body, posted) in zip(
            levels, remainders, headers.indents, headers.lines, headers.numbers, headers.authors, bodies, dates):
        if remainder:
            level = round((indent - base) / step)
            report((line, f"indentation of {indent} is not a multiple of the step {step}; read as level {level + 1}"))
        while stack and stack[-1][0] >= level:
            last[pop_open()[4]] = index - 1
        if stack:
            parent_open = stack[-1]
            if parent_open[0] < level - 1:
                report((line, f"reply by {author} is indented {level - parent_open[0]} levels deeper than "
                              f"its parent on line {parent_open[3]}; attached to it"))
            position = parent_open[2] = parent_open[2] + 1
            parent_id: str | None = parent_open[1]
            cid = f"{parent_id}.{position}"
            parents.append(parent_open[4])
        else:
            if level > 0:
                report((line, f"comment by {author} is indented as a reply but has no comment above it to "
                              "reply to; read as top-level"))
            top_count += 1
            position = top_count
            parent_id = None
            cid = str(position)
            parents.append(-1)
        if number != position:
            owner = f"comment {parent_id}" if parent_id is not None else "the thread"
            report((line, f"numbered {number} but is reply {position} of {owner}; numbering skips"))
        if not body:
            report((line, f"comment by {author} has no text"))
        append(Comment(cid, parent_id, author, body, (), posted, len(stack) + 1, line + 1, NO_EXTRA))
        push_open([level, cid, 0, line + 1, index])
        index += 1
    return parents, last


_MAX_COLUMN_LEVELS = 64  # one numpy pass per level: deeper trees take the loop


def _tree_columns(levels: list[int], numbers: list[int]):
    """(ids, parent ids, parents, depths, last) of a well-formed dump, or None.

    Well-formed: the first comment is top-level, no comment is more than one level deeper than
    the one before it, and every comment is numbered by its place among its siblings, so the
    loop would warn about nothing. Then a comment's parent is the nearest earlier comment one
    level up, its subtree ends before the next comment at its level or above, and its depth is
    its level + 1: a few numpy passes per level instead of a Python step per comment."""
    import numpy as np

    n = len(levels)
    lv = np.array(levels, dtype=np.int64)
    if n == 0 or lv[0] != 0 or (n > 1 and np.diff(lv).max() > 1) or lv.max() >= _MAX_COLUMN_LEVELS:
        return None
    index = np.arange(n)
    parents = np.full(n, -1, dtype=np.int64)
    last = np.empty(n, dtype=np.int64)
    at_level = [np.flatnonzero(lv == k) for k in range(int(lv.max()) + 1)]
    for k, here in enumerate(at_level):
        if k:
            above = at_level[k - 1]
            parents[here] = above[np.searchsorted(above, here) - 1]
        # The next comment at this level or above ends the subtree.
        stops = np.append(np.flatnonzero(lv <= k), n)
        last[here] = stops[np.searchsorted(stops, here, side="right")] - 1
    # Place among siblings: siblings are consecutive once sorted by parent (stable sort).
    order = np.argsort(parents, kind="stable")
    grouped = parents[order]
    starts = np.flatnonzero(np.concatenate(([True], grouped[1:] != grouped[:-1])))
    sizes = np.diff(np.append(starts, n))
    position = np.empty(n, dtype=np.int64)
    position[order] = index - np.repeat(starts, sizes) + 1
    if not np.array_equal(position, np.array(numbers, dtype=np.int64)):
        return None
    del index, order, grouped, starts, sizes, position
    ids = np.empty(n, dtype=object)
    for k, here in enumerate(at_level):
        own = map(numbers.__getitem__, here.tolist())
        ids[here] = list(map("{}.{}".format, ids[parents[here]].tolist(), own) if k else map(str, own))
    parent_ids = np.full(n, None, dtype=object)
    has_parent = parents >= 0
    parent_ids[has_parent] = ids[parents[has_parent]]
    del has_parent, at_level
    return ids.tolist(), parent_ids.tolist(), array("q", parents.tobytes()), (lv + 1).tolist(), last


def _ancestors(parents: array, k: int) -> list[int]:
    """Comment k's ancestors, nearest first."""
    out = []
    p = parents[k]
    while p >= 0:
        out.append(p)
        p = parents[p]
    return out
