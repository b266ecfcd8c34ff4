"""The vectorised quote filter never misses a quote, and the parser built on it gives exactly
what the reference parser (each reply's quote test inside the tree loop) gives."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import moderation.parse as parse_module
from moderation import Article, Comment, Thread, parse_dump, render_thread
from moderation.quote_filter import fold_word, normal_bytes, quote_windows
from moderation.quotes import Quotable, _normal_words, normal_words

from .parse_reference import build_tree_reference, no_usual

# Few words, so 8-word repeats happen by chance too; spellings that normalise alike (case,
# punctuation, final sigma, a Kelvin sign, a dotted capital I), and every kind of whitespace.
WORDS = ["the", "The", "THE", "vote", "vote,", "“vote”", "Budget", "budget…", "ΣΟΦΟΣ", "σοφος", "σοφοσ",
         "\u212aelvin", "kelvin", "İz", "iz", "é", "—", "don't", "dont", "a-b", "ab", "x", "ÿ", "\U0001f600"]
SPACES = [" ", " ", " ", "\n", "\n\n", "\t", "\u00a0", "\u2003", "\u3000", "\x1c", "\x85", "  "]
text_st = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SPACES)), max_size=30).map(
    lambda pairs: "".join(w + s for w, s in pairs))

def quote_candidates(texts, parents, last):
    """The replies `quote_windows` names, each with the ancestors it names for them (None when
    some text holds NUL): every reply with a quote must be among them, with every ancestor it
    quotes."""
    found = quote_windows(texts, parents, last)
    if found is None:
        return None
    named: dict[int, set[int]] = {}
    for reply, ancestor in zip(found[0].tolist(), found[2].tolist()):
        named.setdefault(reply, set()).add(ancestor)
    return named



@st.composite
def forests(draw):
    """Texts and parents of a random tree in document order; replies often repeat a piece of
    an ancestor (respelled: the words normalise alike)."""
    texts: list[str] = []
    parents: list[int] = []
    depth: list[int] = []
    for k in range(draw(st.integers(1, 25))):
        parent = draw(st.integers(-1, k - 1)) if k else -1
        # Document order: a reply comes after its parent's subtree so far, so attach only to
        # the last comment or one of its ancestors.
        if parent >= 0:
            chain = []
            p = k - 1
            while p >= 0:
                chain.append(p)
                p = parents[p]
            parent = draw(st.sampled_from(chain + [-1]))
        text = draw(text_st)
        if parent >= 0 and draw(st.booleans()):
            ancestor = parent
            while parents[ancestor] >= 0 and draw(st.booleans()):
                ancestor = parents[ancestor]
            words = texts[ancestor].split()
            i = draw(st.integers(0, max(len(words) - 1, 0)))
            piece = " ".join(w.upper() if draw(st.booleans()) else w for w in words[i:i + draw(st.integers(6, 12))])
            text = draw(st.sampled_from(["", "“", "> "])) + piece + draw(st.sampled_from(["", ".", "”\n\n"])) + text
        texts.append(text)
        parents.append(parent)
        depth.append(depth[parent] + 1 if parent >= 0 else 1)
    last = list(range(len(texts)))
    for k in range(len(texts)):
        p = parents[k]
        while p >= 0:
            last[p] = max(last[p], k)
            p = parents[p]
    return texts, parents, last


def ancestors_of(parents, k):
    p = parents[k]
    while p >= 0:
        yield p
        p = parents[p]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forest=forests())
def test_every_shared_8_word_run_is_a_candidate(forest):
    texts, parents, last = forest
    found = quote_candidates(texts, parents, last)
    assert found is not None
    for k in range(len(texts)):
        mine = Quotable(texts[k]).full()
        for a in ancestors_of(parents, k):
            if mine & Quotable(texts[a]).full():
                assert a in found.get(k, ())
    for k, flagged in found.items():  # and only ancestors are ever named
        assert flagged <= set(ancestors_of(parents, k))


def shared_runs(texts, parents):
    """Every (reply, run, ancestor, run) whose 8 normal words are equal, by brute force."""
    words = [normal_words(t) for t in texts]
    out = set()
    for k in range(len(texts)):
        for a in ancestors_of(parents, k):
            for i in range(len(words[k]) - 7):
                for j in range(len(words[a]) - 7):
                    if words[k][i:i + 8] == words[a][j:j + 8]:
                        out.add((k, i, a, j))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forest=forests(), wide=st.sampled_from([1, 2, 32]), group=st.sampled_from([1, 40, 1 << 23]))
def test_every_shared_run_is_a_row_with_its_place(forest, wide, group, monkeypatch_module):
    # Rows name where the shared run is in the reply and the ancestor; hashes held by many
    # runs (more than _WIDE_GROUP) take the ancestor walk, the others the all-pairs test. The
    # thread is taken in groups of whole top-level subtrees of about _GROUP_CHARS characters.
    import moderation.quote_filter as quote_filter

    texts, parents, last = forest
    monkeypatch_module.setattr(quote_filter, "_WIDE_GROUP", wide)
    monkeypatch_module.setattr(quote_filter, "_GROUP_CHARS", group)
    try:
        replies, at, ancestors, there = quote_windows(texts, parents, last)
    finally:
        monkeypatch_module.undo()
    rows = list(zip(replies.tolist(), at.tolist(), ancestors.tolist(), there.tolist()))
    assert len(set(rows)) == len(rows)
    assert shared_runs(texts, parents) <= set(rows)
    assert rows == sorted(rows, key=lambda row: (row[0], row[2], row[3] - row[1], row[1]))
    for k, i, a, j in rows:
        assert a in set(ancestors_of(parents, k))
        assert 0 <= i <= len(normal_words(texts[k])) - 8 and 0 <= j <= len(normal_words(texts[a])) - 8


@given(texts=st.lists(text_st, max_size=6))
def test_normal_bytes_split_into_the_folded_normal_words(texts):
    data = normal_bytes(texts)
    assert data is not None
    # Latin-1 maps each byte to one character; the fold leaves no byte that is a space there
    # (0x85, 0xA0 are continuation bytes, deleted), so str.split splits on the filter's spaces.
    pieces = data.decode("latin-1").split("\x00") if texts else []
    assert [p.split() for p in pieces] == [[fold_word(w).decode("latin-1") for w in normal_words(t)] for t in texts]
    # No continuation byte is left, every whitespace byte is a space: a byte <= 0x20 is a space or NUL.
    assert not any(0x80 <= b < 0xC0 or (b < 0x20 and b != 0) for b in data)


# Characters whose lower case is special to the fold, punctuation and spaces of every kind.
FOLD_ALPHABET = (list("aZé\u00c9\u00ff\u0178\u03a3\u03c3\u03c2\u0130\u0131i\u0307\u212aKk\u1e9e\u00df\u023a\u2c65")
                 + ["\U00010400", "\U00010428", "\U0001f600", "\ud800", "\x00", "\x01", "\x1b", "\x7f", "\x0b",
                    "-", "'", "\u2019", "\u201c", "\u2026",
                    " ", "\t", "\n", "\x1c", "\x85", "\u00a0", "\u2003", "\u3000", "\u2028", "\u00ab"])


@settings(max_examples=400, deadline=None)
@given(texts=st.lists(st.lists(st.sampled_from(FOLD_ALPHABET), max_size=25).map("".join), max_size=5))
def test_the_fold_is_a_function_of_the_normal_words(texts):
    # The filter may only merge words, never part words that are equal: its words must be
    # fold_word of the normal words, whatever case, final sigma, NUL or whitespace the text has.
    data = normal_bytes(texts)
    if any("\x00" in t for t in texts):
        assert data is None
        return
    pieces = data.decode("latin-1").split("\x00") if texts else []
    assert [p.split() for p in pieces] == [[fold_word(w).decode("latin-1") for w in _normal_words(t)] for t in texts]


def test_only_kelvin_and_dotted_i_lower_to_other_than_one_non_ascii_character():
    # What the fold rests on, checked for the running Python's Unicode tables: a non-ASCII
    # character that is neither punctuation nor whitespace lowers to one non-ASCII character
    # (so both fold to one marker), except the two that normal_bytes respells; lowering never
    # makes or unmakes punctuation or whitespace; and the token regex's \s is str.isspace.
    from moderation.quotes import _PUNCT

    punct = set(_PUNCT)
    odd = []
    for code in range(0x80, 0x110000):
        c = chr(code)
        low = c.lower()
        if c in punct or c.isspace():
            assert low == c
            continue
        assert not any(x in punct or x.isspace() for x in low), hex(code)
        if len(low) != 1 or low.isascii():
            odd.append(code)
    assert odd == [0x130, 0x212A]
    for code in range(0x80):
        assert chr(code).lower() == chr(code).lower().lower() and (chr(code).lower() in punct) == (chr(code) in punct)
    assert [c for c in map(chr, range(0x110000)) if bool(re.match(r"\s", c)) != c.isspace()] == []


def test_every_non_ascii_space_is_turned_into_a_space_byte():
    from moderation.quote_filter import _WIDE_SPACE_CODES

    assert sorted(_WIDE_SPACE_CODES) == [c for c in range(0x80, 0x110000) if chr(c).isspace()]


def test_nul_in_a_text_says_so():
    assert normal_bytes(["a\x00b", "c"]) is None
    assert quote_candidates(["a\x00b"], [-1], [0]) is None


def test_no_texts_and_no_runs():
    assert quote_candidates([], [], []) == {}
    assert quote_candidates(["one two three", "four"], [-1, 0], [1, 1]) == {}


def test_long_runs_find_ancestors_beyond_the_neighbour():
    run = "one two three four five six seven eight"
    # Two branches, each a comment and its reply holding the run: four owners of one hash.
    assert quote_candidates([run, "z " + run, "x " + run, run + " y"], [-1, 0, -1, 2], [1, 1, 3, 3]) == {1: {0}, 3: {2}}
    # 0 has two replies holding the run: the second's ancestor is not its neighbour (the first).
    assert quote_candidates([run, "x " + run, "y " + run], [-1, 0, 0], [2, 1, 2]) == {1: {0}, 2: {0}}
    # Unrelated comments sharing a run are no candidates.
    assert quote_candidates([run, run, run], [-1, -1, -1], [0, 1, 2]) == {}


# Dumps: random trees rendered in both styles, replies quoting ancestors (respelled), broken
# indentation and numbering now and then, and the odd NUL.
@st.composite
def dumps(draw):
    comments: list[Comment] = []

    def grow(parent: Comment | None, depth: int, chain: list[Comment]) -> None:
        count = draw(st.integers(0, 3 if depth < 5 else 0)) if parent else draw(st.integers(1, 3))
        for position in range(1, count + 1):
            text = draw(text_st.filter(lambda t: t.strip()))
            if chain and draw(st.booleans()):
                source = draw(st.sampled_from(chain)).text.split()
                i = draw(st.integers(0, max(len(source) - 1, 0)))
                text = " ".join(source[i:i + draw(st.integers(7, 10))]).swapcase() + "\n\n" + text
            cid = f"{parent.id}.{position}" if parent else str(position)
            c = Comment(id=cid, parent_id=parent.id if parent else None, author=draw(st.sampled_from(["Ann", "Bo Li"])),
                        text=text, depth=depth)
            comments.append(c)
            grow(c, depth + 1, chain + [c])

    grow(None, 1, [])
    thread = Thread(article=Article(title="A headline", body="Body."), comments=comments)
    text = render_thread(thread, style=draw(st.sampled_from(["seed", "wordpress"])),
                         indent=draw(st.sampled_from(["  ", "   ", "\t"])))
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 2))):  # shift a line, drop one, or put in a NUL
        k = draw(st.integers(0, len(lines) - 1))
        lines[k] = draw(st.sampled_from([" ", "", "\x00"])) + lines[k]
    return "\n".join(lines)


def as_rows(thread):
    return [c.as_dict() for c in thread.comments], thread.warnings


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=dumps())
def test_parser_matches_the_reference_tree(text, monkeypatch_module):
    fast = parse_dump(text)
    monkeypatch_module.setattr(parse_module, "_build_tree", build_tree_reference(text))
    monkeypatch_module.setattr(parse_module, "read_usual", no_usual)
    try:
        reference = parse_dump(text)
    finally:
        monkeypatch_module.undo()
    assert as_rows(fast) == as_rows(reference)


@pytest.fixture(scope="module", autouse=True)
def line_pass_for_every_size():
    """The fast parse here takes the line pass even on small dumps (`parse._LINE_PASS_FROM`)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parse_module, "_LINE_PASS_FROM", 0)
        yield


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_parser_matches_the_reference_on_the_seeds(seeds, monkeypatch):
    paths = sorted(seeds.glob("*.txt"))
    assert paths
    for path in paths:
        text = path.read_text(encoding="utf-8")
        fast = parse_dump(text)
        monkeypatch.setattr(parse_module, "_build_tree", build_tree_reference(text))
        monkeypatch.setattr(parse_module, "read_usual", no_usual)
        reference = parse_dump(text)
        monkeypatch.undo()
        assert as_rows(fast) == as_rows(reference)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=dumps())
def test_parser_matches_the_reference_when_every_run_collides(text, monkeypatch_module):
    # All word hashes 0: every 8-word run of every comment hashes alike, so every reply is a
    # candidate at every run and the exact check (whole passages, then run by run) decides.
    import moderation.quote_filter as quote_filter

    monkeypatch_module.setattr(quote_filter, "_C1", 0)
    monkeypatch_module.setattr(quote_filter, "_C2", 0)
    monkeypatch_module.setattr(quote_filter, "_C3", 0)
    try:
        fast = parse_dump(text)
        monkeypatch_module.setattr(parse_module, "_build_tree", build_tree_reference(text))
        monkeypatch_module.setattr(parse_module, "read_usual", no_usual)
        reference = parse_dump(text)
    finally:
        monkeypatch_module.undo()
    assert as_rows(fast) == as_rows(reference)


def test_a_collision_inside_a_copied_passage_is_checked_run_by_run(monkeypatch):
    # Words that differ only in the middle of 17 bytes or more hash alike: the reply's passage
    # hashes like the parent's but one run differs, so only the runs that really match are cut.
    long_a, long_b = "abcdefgh" + "x" + "ijklmnop", "abcdefgh" + "y" + "ijklmnop"
    parent = "one two three four five six seven eight nine ten eleven twelve " + long_a + " end"
    reply = "one two three four five six seven eight nine ten eleven twelve " + long_b + " end\n\nMine."
    text = "Headline\n\n  1. Ann says\n\n    " + parent + "\n\n    1. Bob says\n\n      " + reply.replace(
        "\n\n", "\n\n      ") + "\n\nLeave A Reply\n"
    fast = parse_dump(text)
    monkeypatch.setattr(parse_module, "_build_tree", build_tree_reference(text))
    reference = parse_dump(text)
    assert as_rows(fast) == as_rows(reference)
    assert fast.comments[1].quotes == ("one two three four five six seven eight nine ten eleven twelve",)


@settings(max_examples=400, deadline=None)
@given(levels=st.lists(st.integers(0, 4), min_size=1, max_size=40), renumber=st.booleans(),
       deep=st.booleans())
def test_tree_columns_are_the_loop_on_well_formed_levels(levels, renumber, deep):
    from moderation.dump_scan import Headers
    from moderation.parse import _tree_columns, _tree_loop

    if not deep:  # mostly well-formed: each level at most one deeper than the one before
        fixed = [0]
        for level in levels[1:]:
            fixed.append(min(level, fixed[-1] + 1))
        levels = fixed
    n = len(levels)
    numbers = [1] * n
    if renumber:  # the numbers the loop would expect: place among siblings
        stack: list[list[int]] = []
        top = 0
        for k, level in enumerate(levels):
            while stack and stack[-1][0] >= level:
                stack.pop()
            if stack:
                stack[-1][1] += 1
                numbers[k] = stack[-1][1]
            else:
                top += 1
                numbers[k] = top
            stack.append([level, 0])
    headers = Headers(lines=list(range(0, 3 * n, 3)), indents=[2 * x for x in levels], numbers=numbers,
                      authors=["Ann"] * n, body_starts=[0] * n, starts=[0] * n, end=0)
    comments: list[Comment] = []
    problems: list[tuple[int, str]] = []
    parents, last = _tree_loop(headers, levels, [0] * n, ["text"] * n, [None] * n, 0, 2, comments, problems)
    columns = _tree_columns(levels, numbers)
    assert (columns is None) == bool(problems)
    if columns is not None:
        ids, parent_ids, col_parents, depths, col_last = columns
        assert ids == [c.id for c in comments]
        assert parent_ids == [c.parent_id for c in comments]
        assert depths == [c.depth for c in comments]
        assert list(col_parents) == list(parents)
        assert list(col_last) == list(last)
