"""`Utf8Text`: a dump's text kept as UTF-8, sliced by byte offsets."""

from __future__ import annotations

from moderation.utf8_text import Utf8Text


def test_slices_by_byte_offsets_decode_to_the_text_between_them():
    text = "Séamus says\n“quoted” \ud800 text\n😀 end\n"
    data = text.encode("utf-8", "surrogatepass")
    at = data.index(b"\n") + 1
    view = Utf8Text(data)
    assert view[:at] == "Séamus says\n"
    assert view[at:] == text[len("Séamus says\n"):]  # a lone surrogate passes through, as the parse encoded it
    assert view[:] == text
