"""A dump's text held as UTF-8 and read as str a slice at a time."""

from __future__ import annotations


class Utf8Text:
    """The text whose UTF-8 (surrogates passed) is `data`, sliced by byte offsets into str.

    What the parse keeps of a dump once `usual_dump.read_usual` has read its comments (the
    article and a few bodies are still to read): a str with one character past U+00FF takes
    two bytes a character, and curly quotes are in most real threads, so the bytes take half
    the memory or less. Offsets must fall between characters (`read_usual`'s are line starts)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __getitem__(self, where: slice) -> str:
        return self.data[where].decode("utf-8", "surrogatepass")
