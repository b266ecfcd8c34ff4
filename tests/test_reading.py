"""Refusing what is not a readable text file, with a message that says what to do."""

from __future__ import annotations

import pytest

from moderation import InputError, parse_thread


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "file is empty"),
        (b"  \n\n\t\n", "file is empty"),
        (b"\xef\xbb\xbf", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(256)) * 4, "binary"),
    ],
)
def test_unreadable_files(tmp_path, content, message):
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        parse_thread(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        parse_thread(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        parse_thread(tmp_path)


def test_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("A title for the story\n\n" + "word " * 5000, encoding="utf-8")
    with pytest.raises(InputError, match="over the .* limit"):
        parse_thread(path, max_bytes=1000)
    assert parse_thread(path, max_bytes=None).article.title == "A title for the story"
