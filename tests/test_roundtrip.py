"""Property tests: rendered trees parse back to themselves; no input crashes the parser."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moderation import Article, Comment, ModerationError, Thread, parse_dump, read_threads, render_thread

LETTERS = string.ascii_letters + "éöñłøçÉÓ"
word = st.text(alphabet=LETTERS, min_size=1, max_size=7)
name_part = st.text(alphabet=LETTERS + "0123456789.'", min_size=1, max_size=9).filter(
    lambda w: w.lower() != "says" and w[0] not in ".'" and not w.isdigit())
author = st.lists(name_part, min_size=1, max_size=3).map(" ".join) | st.tuples(name_part, name_part).map(", ".join)


@st.composite
def trees(draw):
    """A random comment tree with ids by position, texts unique to each comment (so no
    accidental 8-word repeat), and now and then a reply that quotes its parent's paragraph."""
    comments: list[Comment] = []
    counter = [0]

    def text_for(n: int) -> str:
        paragraphs = draw(st.lists(st.lists(word, min_size=1, max_size=12), min_size=1, max_size=3))
        return "\n\n".join(" ".join(f"{w}{n}" for w in para) for para in paragraphs)

    def grow(parent: Comment | None, depth: int) -> None:
        count = draw(st.integers(0, 3 if depth < 7 else 0)) if parent else draw(st.integers(1, 4))
        for position in range(1, count + 1):
            counter[0] += 1
            cid = f"{parent.id}.{position}" if parent else str(position)
            quotes: tuple[str, ...] = ()
            if parent is not None and draw(st.integers(0, 4)) == 0:
                candidate = parent.text.split("\n\n")[0]
                if len(candidate.split()) >= 8:
                    quotes = (candidate,)
            c = Comment(id=cid, parent_id=parent.id if parent else None, author=draw(author),
                        text=text_for(counter[0]), quotes=quotes, depth=depth)
            comments.append(c)
            grow(c, depth + 1)

    grow(None, 1)
    return Thread(article=Article(title="A headline for the story", body="First paragraph.\n\nSecond one."),
                  comments=comments)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees(), indent=st.sampled_from(["  ", "    ", "\t", "   "]), style=st.sampled_from(["seed", "wordpress"]),
       crlf=st.booleans())
def test_render_then_parse_is_identity(tree, indent, style, crlf):
    text = render_thread(tree, style=style, indent=indent)
    if crlf:
        text = text.replace("\n", "\r\n")
    parsed = parse_dump(text)
    assert parsed.warnings == []
    assert [(c.id, c.parent_id, c.author, c.text, c.quotes, c.depth) for c in parsed.comments] == [
        (c.id, c.parent_id, c.author, c.text, c.quotes, c.depth) for c in tree.comments]
    assert parsed.article.title == tree.article.title


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_crash(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "x.txt"
    path.write_bytes(data)
    try:
        read_threads(path, strict=False)
    except ModerationError:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees(), cut=st.floats(0, 1), style=st.sampled_from(["seed", "wordpress"]))
def test_truncated_dumps_never_crash(tree, cut, style):
    text = render_thread(tree, style=style)
    try:
        parse_dump(text[: int(len(text) * cut)])
    except ModerationError:
        pass
