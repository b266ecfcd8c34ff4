"""The dump parser on the reference seed and on every variant of the format we promise."""

from __future__ import annotations

import textwrap

import pytest

from moderation import ParseError, parse_dump, parse_thread

SEED_TREE = [
    ("1", None, "David Chu"),
    ("1.1", "1", "thomas malthaus"),
    ("1.1.1", "1.1", "David Chu"),
    ("1.1.1.1", "1.1.1", "thomas malthaus"),
    ("1.1.1.2", "1.1.1", "rightiswrong rightiswrong"),
    ("1.1.1.2.1", "1.1.1.2", "David Chu"),
    ("1.1.1.2.1.1", "1.1.1.2.1", "Séamus Ó Néill"),
    ("1.1.1.2.1.2", "1.1.1.2.1", "rightiswrong rightiswrong"),
    ("1.1.1.2.1.3", "1.1.1.2.1", "rightiswrong rightiswrong"),
    ("1.1.1.2.1.4", "1.1.1.2.1", "Tom Surguine, already signed ."),
]
USA_SENTENCE = "The USA loaned Hitler the money for his army, and they supply and transport ISIS butchers around the globe."


def test_seed_tree(seed_thread_path):
    thread = parse_thread(seed_thread_path)
    assert [(c.id, c.parent_id, c.author) for c in thread.comments] == SEED_TREE
    assert [c.depth for c in thread.comments] == [1, 2, 3, 4, 4, 5, 6, 6, 6, 6]
    assert thread.warnings == []


def test_seed_own_text_and_quote(seed_thread_path):
    thread = parse_thread(seed_thread_path)
    first = thread.get("1.1")
    assert first.text == "Flip a coin.\n\nHaftar has CIA links. That might be your first clue."
    quoting = thread.get("1.1.1.2.1")
    assert quoting.quotes == (USA_SENTENCE,)
    assert quoting.text.startswith("In your little Yankee mind full of CNN/FOX/ETC narratives!\n\nHAHAHAHAHAHA!")
    assert "Hitler" not in quoting.text
    # The parent said it first: its own text keeps the sentence, it quotes nothing.
    assert USA_SENTENCE in thread.get("1.1.1.2").text and thread.get("1.1.1.2").quotes == ()
    # A line break inside a paragraph is kept; paragraphs are separated by a blank line.
    assert thread.get("1.1.1.2.1.2").text.count("\n") == 1
    assert thread.get("1.1.1.2.1.3").text.count("\n\n") == 1


def test_seed_article_and_footer(seed_thread_path):
    thread = parse_thread(seed_thread_path)
    a = thread.article
    assert a.source == "Al Monitor"
    assert a.subtitle.startswith("A reminder to Erdogan")
    assert "Source:" not in a.body and "Leave A Reply" not in a.body
    assert all("Leave A Reply" not in c.text and "email address" not in c.text for c in thread.comments)
    assert thread.get("1").line == 35


@pytest.mark.parametrize(
    "prefix, title",
    [
        ("000", "Media: Russia intends to hold Libyan peace talks with Kadyrov\u2019s involvement"),
        ("001", "Libya\u2019s military strongman Haftar to meet Russian FM Lavrov in Moscow"),
        ("002", "Russia aims to mediate ceasefire in Tripoli"),
        ("003", "Libya's Khalifa Haftar to attend Moscow talks"),
        ("004", "Russia\u2019s Defense Minister Hosts Libya\u2019s Haftar in Moscow to Mess With Erdogan"),
    ],
)
def test_seed_titles(seeds, prefix, title):
    thread = parse_thread(next(seeds.glob(f"{prefix}_*.txt")))
    assert thread.article.title == title
    if prefix != "004":
        assert thread.comments == []


def test_seed_chrome_stays_out_of_body(seeds):
    body = {p.name[:3]: parse_thread(p).article for p in seeds.glob("00*.txt")}
    assert "icon" not in body["001"].body[:200]
    assert not body["001"].body.startswith(body["001"].title)  # the repeated headline is dropped
    assert "LibyaPolitics" not in body["002"].body
    assert "Related Articles" not in body["002"].body and "Back to top" not in body["002"].body
    assert "newsletter" not in body["003"].body and "republishing" not in body["003"].body
    assert body["000"].tags == ["Lybia", "Kadyrov", "Libyan peace talks", "Russia"]
    assert "Kadyrov, Libyan peace talks" not in body["000"].body


def dump(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


SMALL = dump("""
    Town hall roof to be replaced

    The council approved the work on Monday.

      1. Ann says

        Good, it leaks every winter.

        1. Bob says

          It does not leak that much.

          1. Ann says

            It leaked on my coat.

      2. Cy says

        Cost?

    Leave A Reply
    """)


def expected_small(thread):
    assert [(c.id, c.parent_id, c.author, c.text) for c in thread.comments] == [
        ("1", None, "Ann", "Good, it leaks every winter."),
        ("1.1", "1", "Bob", "It does not leak that much."),
        ("1.1.1", "1.1", "Ann", "It leaked on my coat."),
        ("2", None, "Cy", "Cost?"),
    ]
    assert thread.article.title == "Town hall roof to be replaced"
    assert thread.warnings == []


@pytest.mark.parametrize("step", ["\t", "    ", "   ", " "])
def test_any_consistent_indent_step(step):
    text = "\n".join(line.replace("  ", step) if line.startswith(" ") else line for line in SMALL.split("\n"))
    expected_small(parse_dump(text))


def test_crlf_and_bom(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SMALL.replace("\n", "\r\n").encode())
    expected_small(parse_thread(path))


def test_cp1252_falls_back_with_a_note(tmp_path, capsys):
    path = tmp_path / "t.txt"
    path.write_bytes(SMALL.replace("Cost?", "Cost \u2013 in \u20ac?").encode("cp1252"))
    thread = parse_thread(path)
    assert thread.get("2").text == "Cost \u2013 in \u20ac?"
    assert "not valid UTF-8" in capsys.readouterr().err


WORDPRESS = dump("""
    Bridge repairs start next week

    Lanes will close for a month.

    3 thoughts on \u201cBridge repairs start next week\u201d

      1. Dana K. says:
        March 3, 2020 at 4:15 pm

        About time. The Wilson Ave bridge says it all.

        Reply

        1. Ed says:
          March 3, 2020 at 5:02 pm

          Agreed.

          Reply

      2. Fay says:
        March 4, 2020 at 9:00 am

        Which lanes?

        Reply

    Leave a Reply Cancel reply

    Your email address will not be published. Required fields are marked *

    Comment

    Name *
    """)


def test_wordpress_dates_reply_links_and_preamble():
    thread = parse_dump(WORDPRESS)
    assert [(c.id, c.author, c.posted) for c in thread.comments] == [
        ("1", "Dana K.", "2020-03-03T16:15:00"),
        ("1.1", "Ed", "2020-03-03T17:02:00"),
        ("2", "Fay", "2020-03-04T09:00:00"),
    ]
    assert thread.get("1").text == "About time. The Wilson Ave bridge says it all."
    assert all("Reply" not in c.text for c in thread.comments)
    assert "thoughts on" not in thread.article.body
    assert thread.get("2").text == "Which lanes?"


@pytest.mark.parametrize("author", ["J.R. Whitcombe", "Tom Barrow, retired teacher", "user2024", "Mairead O'Dowd",
                                    "Zoë Ångström", "Łukasz Wiśniewski", "Tom Surguine, already signed ."])
def test_unusual_author_names(author):
    thread = parse_dump(SMALL.replace("Bob says", f"{author} says"))
    assert thread.get("1.1").author == author


def test_says_inside_sentences_is_not_a_header():
    text = dump("""
        Mayor says budget is balanced

        The mayor says the budget is balanced. Her deputy says:
        it is not.

          1. Gil says

            My neighbour says
            the opposite, and the auditor says so too.
        """)
    thread = parse_dump(text)
    assert [c.author for c in thread.comments] == ["Gil"]
    assert thread.article.title == "Mayor says budget is balanced"
    assert "My neighbour says" in thread.get("1").text


@pytest.mark.parametrize("footer", ["Leave A Reply", "Leave a Reply Cancel reply", "Leave a Comment",
                                    "Your email address will not be published. Required fields are marked *",
                                    "Comments are closed."])
def test_footers_end_the_thread(footer):
    text = SMALL.replace("Leave A Reply", f"{footer}\n\nName *\nEmail *\nPost Comment")
    thread = parse_dump(text)
    assert thread.get("2").text == "Cost?"
    assert len(thread.comments) == 4


def test_dump_with_only_comments():
    thread = parse_dump(SMALL.split("\n", 4)[4])
    assert thread.article.title == ""
    assert len(thread.comments) == 4


def test_dump_with_no_comments():
    thread = parse_dump("Headline here today\n\nFirst paragraph of the story.\n\nLeave A Reply\n")
    assert thread.comments == []
    assert thread.article.title == "Headline here today"
    assert thread.article.body == "First paragraph of the story."


def test_quote_of_grandparent_moves_to_quotes():
    text = dump("""
      1. Ann says

        Rents in the old town went up by a third in just two years.

        1. Bob says

          Source?

          1. Cy says

            > Rents in the old town went up by a third in just two years.

            That matches what my landlord told me.
        """)
    cy = parse_dump(text).get("1.1.1")
    assert cy.quotes == ("Rents in the old town went up by a third in just two years.",)
    assert cy.text == "That matches what my landlord told me."


def test_short_overlap_is_not_a_quote():
    text = SMALL.replace("It leaked on my coat.", "It does not leak that much, you say?")
    assert parse_dump(text).get("1.1.1").quotes == ()


BROKEN = dump("""
      1. Ann says

        Top.

            1. Bob says

              Two levels deeper than its parent.

      3. Cy says

        Numbering skips from 1 to 3.
    """)


def test_broken_indentation_is_read_best_effort_with_warnings():
    thread = parse_dump(BROKEN, source="broken.txt")
    assert [(c.id, c.parent_id) for c in thread.comments] == [("1", None), ("1.1", "1"), ("2", None)]
    assert any("broken.txt:5:" in w and "levels deeper" in w for w in thread.warnings)
    assert any("broken.txt:9:" in w and "numbering skips" in w for w in thread.warnings)


def test_reply_with_no_plausible_parent_warns():
    text = dump("""
            1. Ann says

              Starts deep.

      1. Bob says

        Shallow.
        """)
    thread = parse_dump(text)
    assert [c.parent_id for c in thread.comments] == [None, None]
    assert any("no comment above it" in w for w in thread.warnings)


def test_strict_turns_warnings_into_errors():
    with pytest.raises(ParseError) as err:
        parse_dump(BROKEN, source="broken.txt", strict=True)
    assert "broken.txt:5" in str(err.value)


def test_thread_navigation(seed_thread_path):
    thread = parse_thread(seed_thread_path)
    assert [c.id for c in thread.children("1.1.1.2.1")] == ["1.1.1.2.1.1", "1.1.1.2.1.2", "1.1.1.2.1.3", "1.1.1.2.1.4"]
    assert [c.id for c in thread.ancestors("1.1.1.2.1.3")] == ["1.1.1.2.1", "1.1.1.2", "1.1.1", "1.1", "1"]
    assert [c.id for c in thread.walk()] == [c.id for c in thread.comments]
    assert [c.id for c in thread.walk("1.1.1.2")][:2] == ["1.1.1.2", "1.1.1.2.1"]
    assert thread.parent("1") is None


def test_parsing_leaves_the_garbage_collector_as_it_found_it():
    import gc

    assert gc.isenabled()
    parse_dump(SMALL)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        parse_dump(SMALL)
        assert not gc.isenabled()
    finally:
        gc.enable()
    gc.freeze()  # a program that keeps frozen objects of its own (a pre-fork server) keeps them
    try:
        assert gc.get_freeze_count() > 0
        parse_dump(SMALL)
        assert gc.get_freeze_count() > 0  # not released by `unfreeze`
    finally:
        gc.unfreeze()


def test_parse_taken_takes_the_text_and_parses_as_parse_dump():
    from moderation.parse import parse_taken

    holder = [SMALL]
    thread = parse_taken(holder, "small.txt")
    assert holder == []
    expected = parse_dump(SMALL, "small.txt")
    assert [c.as_dict() for c in thread.comments] == [c.as_dict() for c in expected.comments]
    assert thread.article == expected.article and thread.warnings == expected.warnings


def test_comments_share_an_empty_quotes_tuple_and_a_read_only_extra():
    import copy
    import pickle

    from moderation.thread import NO_EXTRA

    thread = parse_dump(SMALL)
    assert all(c.quotes == () and c.extra is NO_EXTRA for c in thread.comments)
    with pytest.raises(TypeError):
        thread.comments[0].extra["note"] = "x"  # type: ignore[index]
    thread.comments[0].extra = {"note": "x"}  # a dict of its own to add to
    assert thread.comments[1].extra == {} and not thread.comments[1].extra and dict(NO_EXTRA) == {}
    for copied in (pickle.loads(pickle.dumps(thread)), copy.deepcopy(thread)):  # a thread still pickles
        assert [c.as_dict() for c in copied.comments] == [c.as_dict() for c in thread.comments]
        assert copied.comments[1].extra is NO_EXTRA and copied.comments[0].extra == {"note": "x"}


def test_large_dumps_give_freed_memory_back_and_parse_the_same(monkeypatch):
    import moderation.parse as parse_module

    text = "Headline\n\n" + "".join(f"  {k}. User {k} says\n\n    Comment number {k}, with “quotes”.\n\n"
                                     f"    1. Reply {k} says\n\n      Comment number {k}, with “quotes”. Yes.\n\n"
                                     for k in range(1, 40))
    expected = [c.as_dict() for c in parse_dump(text).comments]
    calls = []
    monkeypatch.setattr(parse_module, "_GIVE_BACK_FROM", 1)
    monkeypatch.setattr(parse_module, "_LINE_PASS_FROM", 0)
    monkeypatch.setattr(parse_module, "give_back_freed_memory", lambda: calls.append(1))
    assert [c.as_dict() for c in parse_dump(text).comments] == expected
    assert len(calls) == 4  # after the read, the quote filter, the comment objects and the quotes
