"""CSV files that people open, edit and save in a spreadsheet, then hand back to the toolkit.

Writing: UTF-8 with a BOM (so Excel shows accents right), CRLF rows (RFC 4180), cells quoted
when they hold the delimiter, quotes or newlines (so multi-line comments survive), and every
cell that a spreadsheet would run as a formula neutralised with a leading apostrophe, as OWASP
recommends against CSV injection: cells starting with `=`, `+`, `-`, `@`, tab or carriage
return. A cell that itself starts with an apostrophe gets one more, so reading strips exactly
one and gives back the original text.

Reading: whatever a spreadsheet saves back: comma, semicolon or tab delimiter, BOM or none,
CRLF or LF, columns in any order and extra columns; header names are trimmed and lower-cased.
Rows are numbered as the spreadsheet shows them (the header is row 1), whatever newlines
the cells hold, so error reports point at the row a person sees.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from .errors import TableError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_STARTS = (*FORMULA_STARTS, "'")
BOM = "\ufeff"


def neutralise(cell: object) -> str:
    """The cell as text a spreadsheet shows but never evaluates."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(_ESCAPED_STARTS) else text


def restore(cell: str) -> str:
    """Undo `neutralise`: drop the one apostrophe it added (and only that one)."""
    if cell.startswith("'") and cell[1:2] and cell[1:].startswith(_ESCAPED_STARTS):
        return cell[1:]
    return cell


def write_csv(columns: Sequence[str], rows: Iterable[dict[str, object]]) -> str:
    """The whole file as text, BOM first; cells missing from a row are empty."""
    buf = io.StringIO()
    buf.write(BOM)
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(row.get(c, "")) for c in columns])
    return buf.getvalue()


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(text: str, source: str = "<input>") -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """(header, rows): each row is (spreadsheet row number, {column: restored cell}).
    Blank rows are skipped; a row with more cells than the header is an error."""
    if text.startswith(BOM):
        text = text[1:]
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        raise TableError("the file is empty", path=source, hint="pass the CSV `moderate review` wrote")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise TableError(f"not a readable CSV: {exc}", path=source, line=1) from None
    dupes = sorted({h for h in header if h and header.count(h) > 1})
    if dupes:
        raise TableError(f"duplicate column(s): {', '.join(dupes)}", path=source, line=1,
                         hint="keep one column of each name")

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        number = 1
        try:
            for cells in reader:
                number += 1
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                    raise TableError(f"row {number} has {len(cells)} cells but the header has {len(header)} columns",
                                     path=source, hint="quote cells that contain the delimiter")
                cells = cells + [""] * (len(header) - len(cells))
                yield number, {h: restore(c) for h, c in zip(header, cells) if h}
        except csv.Error as exc:
            raise TableError(f"row {number}: not a readable CSV: {exc}", path=source) from None

    return header, rows()
