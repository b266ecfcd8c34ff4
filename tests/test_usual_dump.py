"""The numpy line pass (`read_usual`) gives what finding the headers and reading each body gives,
or declines: dumps built from comment blocks, each with a quirk the general path treats in its
own way (tabs, no-break spaces, trailing spaces, blank lines with spaces, `Reply` in the text,
header-like lines in a body, long authors, dates that do not read, footers at any depth)."""

from __future__ import annotations

from hypothesis import event, given, settings
from hypothesis import strategies as st

from moderation.bodies import body_texts, clean_region
from moderation.dump_scan import find_headers
from moderation.usual_dump import read_usual as read_usual_bytes


AUTHORS = ["Ann", "Bob Smith", "Séamus Ó Néill", "Tom Surguine, already signed .", "user42", "x", "A  B",
           "one two three four five six seven eight nine ten eleven", "a" * 160, "é" * 100, "Zoë says", "1. says", "Bob\tTab",
           "Ann\u00a0Lee", "\u00a0Nbsp first", "Nbsp last\u00a0"]
TEXTS = ["Plain text here.", "“Curly” ünïcode… and more", "Short", "It says that you should reply.",
         "Reply", "REPLY now", "3. Not a header says", "42. Looks like one says:", "Trailing space ",
         "tab\tinside", "nbsp\u00a0inside", "ends with nbsp\u00a0", "emoji 😀 text", "nul\x00inside", "12", "1.5 million people said so"]
DATES = ["March 3, 2020 at 4:15 pm", "Feb 30, 2020", "2020-03-03 16:15", "December 12, 2021 at 12:00 am",
         "March 3, 2020 at 4:15 pm ", "Jan 5, 2020"]
FOOTERS = ["Leave A Reply", "Leave a Reply Cancel reply", "Your email address will not be published.",
           "Comments are closed."]


@st.composite
def dumps(draw) -> str:
    # Indented by spaces (any step) or by tabs, one a level.
    unit = draw(st.sampled_from([" " * 2, " " * 3, " " * 4, "\t"]))
    # Half the dumps without tabs where they make the line pass decline the whole dump (in a
    # text, or in a dump indented by spaces), so that it is the bodies' quirks that are compared.
    plain = draw(st.booleans())
    authors = [a for a in AUTHORS if not plain or "\t" not in a and len(a) < 100]
    texts = [t for t in TEXTS if not plain or "\t" not in t]
    shifts = ["", "", "", "  ", "-"] + ([] if plain else ["\u00a0"]) + (["\t"] if unit == "\t" or not plain else [])
    lines = ["A headline", "", "Some article text says nothing.", ""]
    depth, base = 0, draw(st.sampled_from([0, 1, 1]))  # top-level headers flush left, or indented
    for _ in range(draw(st.integers(1, 7))):
        depth = draw(st.integers(0, depth + 1))
        pad = unit * (depth + base)
        number = draw(st.integers(1, 3))
        wordpress = draw(st.booleans())
        header = f"{pad}{number}. {draw(st.sampled_from(authors))} says{':' if wordpress else ''}"
        lines.append(header + draw(st.sampled_from(["", "", " "])))
        body_pad = pad + unit
        if wordpress:
            lines.append(body_pad + draw(st.sampled_from(DATES)))
        lines.extend([""] * draw(st.integers(0, 2)))
        for k in range(draw(st.integers(0, 3))):
            if k:
                lines.extend(draw(st.sampled_from([[""], [""], [], ["", ""], [body_pad[:-1] + " "], [body_pad]])))
            shift = draw(st.sampled_from(shifts))
            line_pad = body_pad[:-1] if shift == "-" else body_pad + shift
            lines.append(line_pad + draw(st.sampled_from(texts)))
        if wordpress:
            lines.extend(["", body_pad[:draw(st.integers(0, len(body_pad)))] + draw(st.sampled_from(["Reply", "Reply ", "reply"]))])
        lines.append("")
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["", "", "  ", " " * 8, "\t"])) + draw(st.sampled_from(FOOTERS)))
        lines.append("")
    text = "\n".join(lines)
    return text if draw(st.booleans()) else text.rstrip("\n")


def general(text: str):
    headers = find_headers(text)
    if not len(headers):
        return None
    clean = clean_region(text, headers.body_starts[0], headers.end)
    return headers, *body_texts(text, headers.body_starts, headers.stops(), lambda: clean)


def read_usual(text: str):
    """`read_usual` of the text's UTF-8, its headers' byte offsets made character offsets
    (what the general path gives) after checking they fall between characters."""
    data = text.encode("utf-8", "surrogatepass")
    usual = read_usual_bytes(data)
    if usual is None:
        return None
    headers = usual[0]

    def chars(offsets):
        return [len(data[:at].decode("utf-8", "surrogatepass")) for at in offsets]

    headers.starts, headers.body_starts, (headers.end,) = chars(headers.starts), chars(headers.body_starts), chars([headers.end])
    return usual


def columns(headers):
    return (list(headers.lines), headers.indents, headers.numbers, headers.authors, list(headers.body_starts),
            list(headers.starts), headers.end)


@settings(max_examples=700, deadline=None)
@given(text=dumps(), piece=st.sampled_from([1 << 22, 1 << 22, 1, 40, 200]))
def test_read_usual_is_the_general_path_or_declines(text, piece):
    import moderation.usual_dump as usual_dump

    usual_dump._PIECE_BYTES, kept = piece, usual_dump._PIECE_BYTES  # small pieces: many piece boundaries
    try:
        usual = read_usual(text)
    finally:
        usual_dump._PIECE_BYTES = kept
    event("declined" if usual is None else "read by the line pass")
    if usual is None:
        return
    headers, bodies, dates = usual
    expected = general(text)
    assert expected is not None
    assert columns(headers) == columns(expected[0])
    assert (bodies, dates) == (expected[1], expected[2])


def test_read_usual_takes_the_usual_dumps():
    text = ("Headline\n\n  1. Ann says\n\n    First “line”… of the text.\n    Second line.\n\n    Para two.\n\n"
            "    1. Bob says:\n      March 3, 2020 at 4:15 pm\n\n      A dated reply.\n\n      Reply\n\n"
            "  2. Zoë Ångström says\n\n    Top again 😀\n\nLeave A Reply\n")
    headers, bodies, dates = read_usual(text)
    assert headers.authors == ["Ann", "Bob", "Zoë Ångström"]
    assert bodies == ["First “line”… of the text.\nSecond line.\n\nPara two.", "A dated reply.", "Top again 😀"]
    assert dates == [None, "2020-03-03T16:15:00", None]
    assert (list(headers.starts), headers.end) == ([text.index("  1."), text.index("    1."), text.index("  2.")],
                                                   text.index("Leave"))
    assert columns(headers) == columns(general(text)[0])


def test_read_usual_declines_what_it_cannot_vouch_for():
    base = "Headline\n\n  1. Ann says\n\n    Text.\n\n  2. Bob says\n\n    More text.\n"
    assert read_usual(base) is not None
    assert read_usual(base.replace("    More", "\tMore")) is None  # a tab in a dump indented by spaces
    tabbed = base.replace("  ", "\t")
    assert read_usual(tabbed) is not None and read_usual(tabbed)[1] == ["Text.", "More text."]
    assert read_usual(tabbed.replace("More text", "More\ttext")) is None  # ... and in a text
    assert read_usual(base.replace("Text.", "Text\u00a0here.")) is not None  # a no-break space in a line: text
    assert read_usual(base.replace("    Text.", "    \u00a0Text.")) is None  # ... first after the indent
    assert read_usual(base.replace("Text.", "Text\u2003here.")) is None  # another Unicode space
    assert read_usual(base.replace("Bob", "one two three four five six seven eight nine ten eleven")) is None
    assert read_usual(base + "  3. Carol says\n") is None  # a header with nothing after it
    assert read_usual("No comments here.\n") is None
    assert read_usual(base.replace("Text.", "İstanbul.")) is None  # U+0130: `footers` reads it by regex
    assert read_usual(base.replace("Headline", "Head\u00a0line\tand\u2003more")) is not None  # odd spaces, but in the article


def test_the_seed_thread_goes_through_the_line_pass(seed_thread_path):
    text = seed_thread_path.read_text(encoding="utf-8").replace("\r\n", "\n")
    usual = read_usual(text)
    assert usual is not None
    expected = general(text)
    assert columns(usual[0]) == columns(expected[0])
    assert usual[1:] == expected[1:]


def test_parse_dump_reads_a_large_dump_by_the_line_pass(monkeypatch):
    import moderation.parse as parse_module
    from moderation import Article, Comment, Thread, parse_dump, render_thread

    comments, k = [], 0
    for top in range(1, 201):
        comments.append(Comment(str(top), None, f"user{top}", f"Top comment {top} with “some” text… and more words.",
                                depth=1))
        for reply in range(1, 4):
            k += 1
            comments.append(Comment(f"{top}.{reply}", str(top), f"Émile {k}", f"Reply {k} to {top}.\n\nA second paragraph.",
                                    posted="2020-03-03T16:15:00" if k % 2 else None, depth=2))
    text = render_thread(Thread(article=Article(title="A headline", body="Body."), comments=comments), style="wordpress")
    assert len(text) >= parse_module._LINE_PASS_FROM
    calls = []
    real = parse_module.read_usual
    monkeypatch.setattr(parse_module, "read_usual", lambda data: calls.append(real(data)) or calls[-1])
    fast = parse_dump(text)
    assert calls and calls[0] is not None
    monkeypatch.setattr(parse_module, "read_usual", lambda t: None)
    general = parse_dump(text)
    assert [c.as_dict() for c in fast.comments] == [c.as_dict() for c in general.comments]
    assert len(fast.comments) == 800


def test_the_first_header_is_found_past_the_first_prefix_and_not_at_its_cut():
    # The first header is looked for in a decoded prefix of 64 KiB (cut after a newline) that
    # grows; a `says` line cut off from its next line there is not taken, though HEADER, seeing
    # the text end after it, would match.
    from moderation.usual_dump import _first_header

    fake = b"1. Not a header says\n"
    after = b"because this line is not indented.\n"  # crosses byte 65536: the cut falls before it
    article = "Ünïcödé article line.\n".encode() * 3000
    for short in (1, 10, 30):
        head = article[:(1 << 16) - short - len(fake)]
        head = head[:head.rfind(b"\n") + 1]
        head += b"x" * ((1 << 16) - short - len(fake) - len(head) - 1) + b"\n"
        data = head + fake + after + article + b"  1. Ann says\n\n    Text.\n"
        assert data.rfind(b"\n", 0, 1 << 16) + 1 == len(head) + len(fake)
        assert _first_header(data) == (data.index(b"  1. Ann says"), 2, False), short
