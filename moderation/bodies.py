"""Turn the raw text under a comment header into the comment's text and date.

`body_text` strips the WordPress date line and `Reply` links, trailing spaces and extra blank
lines, then dedents by the least-indented line. It runs once per comment, so each step is
guarded by a substring test and a plain body (no date, no link, even indentation) costs a
handful of C calls: no regex tries every offset, no Python loop runs over lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import lru_cache
from itertools import repeat

# A `Reply` link on a line of its own (any case), found from the newline before it: a literal
# first character lets the regex engine jump from line to line instead of trying every offset.
_REPLY_LINK_LINE = re.compile(r"\n[ \t\u00a0]*(?:reply|reply ↓|↓ reply|log in to reply)[ \t]*(?=\n|\Z)", re.I)
_BLANK_RUN = re.compile(r"\n{3,}")
LOOKS_LIKE_DATE = re.compile(r"^(?:[A-Za-z]{3,9}\.? \d{1,2}, \d{4}|\d{1,2} [A-Za-z]{3,9} \d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})")
# LOOKS_LIKE_DATE without its anchor, to match at an offset (the first line's first character).
_DATE_AT = re.compile(LOOKS_LIKE_DATE.pattern[1:])
DATE_FORMATS = (
    "%B %d, %Y at %I:%M %p", "%b %d, %Y at %I:%M %p", "%d %B %Y at %H:%M", "%d %B %Y at %I:%M %p",
    "%B %d, %Y at %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d at %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M", "%B %d, %Y", "%d %B %Y", "%Y-%m-%d", "%d/%m/%Y at %H:%M", "%d/%m/%Y",
)
# WordPress's own form, `March 3, 2020 at 4:15 pm`, read without strptime (which costs 20 µs a
# line): only where it is exactly what the first format would accept; anything else falls through.
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
# WordPress's day (`March 3, 2020`) and time of day (`4:15 pm`), in every regex that reads them.
_DAY = r"(%s) ([0-9]{1,2}), ([0-9]{4})" % "|".join(_MONTHS)
_TIME = r"([0-9]{1,2}):([0-5][0-9]) ([aApP][mM])"
_WORDPRESS_DATE = re.compile(_DAY + " at " + _TIME + r"\Z")
_MONTH_NUMBER = {name: k for k, name in enumerate(_MONTHS, start=1)}


def _wordpress_date(candidate: str) -> str | None:
    """`DATE_FORMATS[0]` (`%B %d, %Y at %I:%M %p`) for its common spelling, or None to let
    strptime decide (other spellings, out-of-range fields, impossible days)."""
    m = _WORDPRESS_DATE.match(candidate)
    if m is None:
        return None
    month, day, year, hour, minute, ampm = m.groups()
    h, d = int(hour), int(day)
    if not 1 <= h <= 12 or not 1 <= d <= 28 or year == "0000":
        # Days 29 to 31 are checked by datetime (month lengths, leap years).
        if not (1 <= h <= 12 and 29 <= d <= 31 and year != "0000"):
            return None
        try:
            datetime(int(year), _MONTH_NUMBER[month], d)
        except ValueError:
            return None
    if ampm in ("am", "AM", "Am", "aM"):
        h = 0 if h == 12 else h
    elif h != 12:
        h += 12
    return f"{year}-{_MONTH_NUMBER[month]:02d}-{d:02d}T{h:02d}:{minute}:00"


# The same form with the line's surrounding whitespace (what `_date_candidate` strips), the
# fields looked up rather than converted: days 1 to 28 (valid in every month), hours 1 to 12
# with their am/pm, minutes 00 to 59. Anything else falls through to `parse_posted`.
_WORDPRESS_LINE = re.compile(r"\s*" + _DAY + " at " + _TIME + r"\s*\Z")
_MONTH_DIGITS = {name: f"{k:02d}" for k, name in enumerate(_MONTHS, start=1)}
_DAY_DIGITS = {**{str(d): f"{d:02d}" for d in range(1, 29)}, **{f"{d:02d}": f"{d:02d}" for d in range(1, 10)}}
_HOUR_DIGITS = {(written, ampm): f"{(h % 12) + (12 if ampm.lower() == 'pm' else 0):02d}"
                for h in range(1, 13) for written in {str(h), f"{h:02d}"}
                for ampm in ("am", "AM", "Am", "aM", "pm", "PM", "Pm", "pM")}


def posted_of(line: str) -> str | None:
    """`parse_posted(line)`, with WordPress's usual spelling read by one regex match and three
    dictionary look-ups (a dump can have hundreds of thousands of date lines)."""
    m = _WORDPRESS_LINE.match(line)
    if m is not None:
        month, day, year, hour, minute, ampm = m.groups()
        d = _DAY_DIGITS.get(day)
        h = _HOUR_DIGITS.get((hour, ampm))
        if d is not None and h is not None and year != "0000":
            return f"{year}-{_MONTH_DIGITS[month]}-{d}T{h}:{minute}:00"
    return parse_posted(line)


# WordPress's usual line split at ` at `: its date and its time each read once per distinct
# spelling (a thread has a few hundred days and at most 1,440 times of day).
_WORDPRESS_DAY = re.compile(_DAY)
_WORDPRESS_TIME = re.compile(_TIME)


def _day_of(written: str) -> str | None:
    m = _WORDPRESS_DAY.fullmatch(written)
    if m is None:
        return None
    month, day, year = m.groups()
    d = _DAY_DIGITS.get(day)
    return None if d is None or year == "0000" else f"{year}-{_MONTH_DIGITS[month]}-{d}"


def _time_of(written: str) -> str | None:
    m = _WORDPRESS_TIME.fullmatch(written)
    if m is None:
        return None
    hour, minute, ampm = m.groups()
    h = _HOUR_DIGITS.get((hour, ampm))
    return None if h is None else f"{h}:{minute}"


_UNSEEN = object()


def posted_many(lines: list[str]) -> list[str | None]:
    """`posted_of` of each line. A line that is exactly `<day> at <time>` in WordPress's usual
    spelling costs a `partition` and two look-ups; anything else goes through `posted_of`."""
    days: dict[str, str | None] = {}
    times: dict[str, str | None] = {}
    out: list[str | None] = []
    add = out.append
    for line in lines:
        day, at, time = line.partition(" at ")
        d = days.get(day, _UNSEEN)
        if d is _UNSEEN:
            d = days[day] = _day_of(day)
        t = times.get(time, _UNSEEN)
        if t is _UNSEEN:
            t = times[time] = _time_of(time)
        add(f"{d}T{t}:00" if d is not None and t is not None and at else posted_of(line))
    return out


def parse_posted(line: str) -> str | None:
    """A WordPress date line as ISO 8601 (`2020-03-03T16:15:00`), or None if it is not one."""
    candidate = _date_candidate(line)
    return candidate and (_wordpress_date(candidate) or _strptime_date(candidate))


def posted_by_strptime(line: str) -> str | None:
    """`parse_posted` without the fast path: every format through `strptime` (the reference
    the fast path is tested against)."""
    candidate = _date_candidate(line)
    return candidate and _strptime_date(candidate)


def _date_candidate(line: str) -> str | None:
    candidate = line.strip()
    if len(candidate) > 40 or not LOOKS_LIKE_DATE.match(candidate):
        return None
    return candidate.replace("a.m.", "am").replace("p.m.", "pm")


def _strptime_date(candidate: str) -> str | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(candidate, fmt).isoformat()
        except ValueError:
            continue
    return None


@lru_cache(maxsize=64)
def _dedent_pattern(cut: int) -> re.Pattern[str]:
    return re.compile(r"^[ \u00a0]{0,%d}" % cut, re.M)


def _drop_reply_links(raw: str) -> str:
    """`raw` without its link lines, up to a trailing newline (which the caller strips).

    The usual case, one `Reply` link on the last line, is cut off by slicing: `reply` in any
    case has no letter that IGNORECASE matches outside ASCII, so if the lowered text holds it
    once, no other line can be a link. Otherwise the regex does it, each link line going with
    the newline before it rather than the one after it."""
    i = raw.rfind("\n")
    # Lowering the ASCII bytes is half the price of `str.lower` and counts the same `reply`s: no
    # other character lowers to one of its letters (U+0130 gives an `i`, the Kelvin sign a `k`).
    if raw[i + 1:].strip(" ") == "Reply" and raw.encode("utf-8", "surrogatepass").lower().count(b"reply") == 1:
        return raw[:i + 1]
    out = _REPLY_LINK_LINE.sub("", "\n" + raw)
    return out[1:] if out[:1] == "\n" else out


def _drop_trailing_space(raw: str) -> str:
    """`raw` without spaces, tabs and no-break spaces at line ends (a regex anchored at line
    ends would try every offset)."""
    return "\n".join([line.rstrip(" \t\u00a0") for line in raw.split("\n")])


_NEWLINE_SPACES: list[str] = ["\n" + " " * k for k in range(128)]


def _newline_indent(width: int) -> str:
    """A newline and `width` spaces: what dedenting a body by `width` replaces with a newline."""
    return _NEWLINE_SPACES[width] if width < len(_NEWLINE_SPACES) else "\n" + " " * width


_UNCLEAN_MARKS = ("\t", " \n", "\u00a0\n", "\n\n\n")
_UNCLEAN_ENDS = (" ", "\u00a0")
_UNCLEAN_MARKS_UTF8 = tuple(mark.encode() for mark in _UNCLEAN_MARKS)
_UNCLEAN_ENDS_UTF8 = tuple(end.encode() for end in _UNCLEAN_ENDS)


def clean_region(text: str | bytes, start: int, end: int) -> bool:
    """True when no body cut from `text[start:end]` holds a tab, a space or no-break space at
    a line end, or three newlines in a row: `body_text(raw, clean=True)` may then skip those
    tests, four C calls for the whole thread instead of four per comment. (A body ends with a
    space only before a newline, or where the region does.) `text` may be the UTF-8 of the
    text, `start` and `end` then byte offsets."""
    marks, ends = (_UNCLEAN_MARKS_UTF8, _UNCLEAN_ENDS_UTF8) if isinstance(text, bytes) else (_UNCLEAN_MARKS, _UNCLEAN_ENDS)
    return (all(text.find(mark, start, end) < 0 for mark in marks)  # type: ignore[arg-type]
            and not any(text[max(start, end - len(last)):end] == last for last in ends))


def body_text(raw: str, clean: bool = False) -> tuple[str, str | None]:
    """The comment's text (paragraphs joined by blank lines) and its date line, if any.

    A plain body (no date line, no `Reply` link, no trailing spaces or blank runs, and its
    first line's indent carried by every line) is dedented here in a few C calls; a body whose
    first line is indented and dated goes straight to `_after_date`; anything else goes
    through `_careful_body`, which gives the same results for those too. `clean=True` says the
    body has no tab, trailing space or run of blank lines (see `clean_region`)."""
    raw = raw.strip("\n")
    if not clean and "\t" in raw:
        raw = raw.expandtabs(8)
    first = raw.lstrip(" ")
    cut = len(raw) - len(first)
    if cut and not first[:1].isspace():
        if LOOKS_LIKE_DATE.match(first):  # the WordPress form: a date line, the text, a Reply link
            line, _, rest = first.partition("\n")
            posted = posted_of(line)
            if posted is not None:
                return _after_date(rest.strip("\n"), posted, clean)
        elif "eply" not in first and (clean or (" \n" not in first and "\u00a0\n" not in first
                                                and not first.endswith((" ", "\u00a0")) and "\n\n\n" not in first)):
            prefix = _newline_indent(cut)
            if first.count(prefix) == first.count("\n") - first.count("\n\n"):
                return first.replace(prefix, "\n"), None
    return _careful_body(raw)


def _careful_body(raw: str) -> tuple[str, str | None]:
    """`body_text` step by step: the definition, and the path for any body that is not plain."""
    raw = raw.strip("\n")
    if "\t" in raw:
        raw = raw.expandtabs(8)
    if not raw or raw.isspace():
        return "", None
    posted = None
    lead = len(raw) - len(raw.lstrip(" "))
    if raw[lead:lead + 1].isspace():  # a no-break space or a blank first line: strip it the slow way
        looks_dated = LOOKS_LIKE_DATE.match(raw.partition("\n")[0].strip())
    else:
        looks_dated = _DATE_AT.match(raw, lead)
    if looks_dated:
        first, _, rest = raw.partition("\n")
        posted = posted_of(first)
        if posted is not None:
            raw = rest.strip("\n")
    return _after_date(raw, posted)


def _after_date(raw: str, posted: str | None, clean: bool = False) -> tuple[str, str | None]:
    """The rest of `_careful_body`, once the date line (if any) is gone: links, trailing
    spaces, blank runs, dedent. (Taking out a link line can leave a run of blank lines even
    in a clean body, never a trailing space: so `clean` skips only the trailing-space test.)"""
    changed = False
    if "eply" in raw:
        raw = _drop_reply_links(raw)
        changed = True
    if not clean and (" \n" in raw or "\u00a0\n" in raw or raw.endswith((" ", "\u00a0"))):
        raw = _drop_trailing_space(raw)
        changed = True
    if changed:
        raw = raw.strip("\n")
    if not raw:
        return "", posted
    if "\n\n\n" in raw:
        raw = _BLANK_RUN.sub("\n\n", raw)
    # Dedent by the least-indented line. Fast path: the first line's indentation, confirmed
    # by counting the lines that carry it (non-blank lines = newlines + 1 - blank lines).
    cut = len(raw) - len(raw.lstrip(" "))
    if cut:
        prefix = _newline_indent(cut)
        if raw.count(prefix) == raw.count("\n") - raw.count("\n\n"):
            return raw[cut:].replace(prefix, "\n"), posted
    cut = min(len(line) - len(line.lstrip(" \u00a0")) for line in raw.split("\n") if line)
    if cut:
        raw = _dedent_pattern(cut).sub("", raw)
    return raw, posted


# The two usual bodies, matched whole: a plain one (no date line first, every line indented at
# least as far as the first, at most one blank line in a row) and the WordPress one (a date
# line, such a body, a `Reply` link on the last line); no tab anywhere, no line ending in a space
# or no-break space. For these `body_text` comes down to one `replace`.
_DATE_FIRST = LOOKS_LIKE_DATE.pattern[1:]
_USUAL_BODY = re.compile(
    r"\n*( +)(?:(?!%s)(\S(?:[^\n\t]*\S)?(?:\n\n?\1[^\n\t]*\S)*)"
    r"|(?=%s)([^\n\t]*)\n+( +)(\S(?:[^\n\t]*\S)?(?:\n\n?\4[^\n\t]*\S)*)\n+ *Reply)\n*"
    % (_DATE_FIRST, _DATE_FIRST))
_REPLY_ANY_CASE = re.compile("[rR][eE][pP][lL][yY]")


def body_texts(text: str, starts: Sequence[int], stops: Sequence[int],
               clean: Callable[[], bool]) -> tuple[list[str], list[str | None]]:
    """`body_text(text[start:stop], clean())` for each body, as two columns (texts, dates).

    A body of one of the two usual forms is read by one `fullmatch` in `text` (no slice made):
    `body_text` of it is then a `replace` of the lines' shared indentation after each newline.
    Where that shortcut's conditions do not hold (a `reply` or `eply` in the text, a date that
    does not read) or the body is of another form, `body_text` does it; `clean` (whether the
    region is, see `clean_region`) is asked then, once at most."""
    texts: list[str] = []
    dates: list[str | None] = []
    add_text, add_date = texts.append, dates.append
    is_clean = None
    for start, stop, m in zip(starts, stops, map(_USUAL_BODY.fullmatch, repeat(text), starts, stops)):
        if m is not None:
            indent, plain, date, indent2, content = m.groups()
            if plain is not None:
                # body_text: its plain fast path (no `eply`, lines carrying the first's indent).
                if "eply" not in plain:
                    add_text(plain.replace(_newline_indent(len(indent)), "\n"))
                    add_date(None)
                    continue
            elif _REPLY_ANY_CASE.search(content) is None:
                # body_text: the date line read, then `_after_date` cutting the one `Reply` link
                # off the end and dedenting by the first line's indent.
                posted = posted_of(date)
                if posted is not None:
                    add_text(content.replace(_newline_indent(len(indent2)), "\n"))
                    add_date(posted)
                    continue
        if is_clean is None:
            is_clean = clean()
        body, posted = body_text(text[start:stop], is_clean)
        add_text(body)
        add_date(posted)
    return texts, dates
