"""The `moderate` command as a user runs it: real entry point, real files, exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest

from .conftest import EXAMPLES, run_cli


def test_help_lists_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    assert b"parse" in result.stdout


def test_parse_tree_shows_authors_and_first_words(seed_thread_path):
    result = run_cli("parse", seed_thread_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert out.splitlines()[0].startswith("Russia\u2019s Defense Minister Hosts")
    assert "1.1.1.2.1.4 Tom Surguine, already signed .: Man, oh man" in out
    assert "└── 1.1 thomas malthaus: Flip a coin." in out


def test_parse_json_shape(seed_thread_path):
    result = run_cli("parse", seed_thread_path, "--format", "json")
    data = json.loads(result.stdout)
    assert set(data) == {"article", "comments"}
    assert set(data["article"]) == {"title", "subtitle", "body", "source", "tags", "url", "created"}
    assert list(data["comments"][0]) == ["id", "parent_id", "author", "text", "quotes", "posted", "created", "depth", "line"]
    assert [c["id"] for c in data["comments"]][-1] == "1.1.1.2.1.4"


def test_parse_csv_to_output_file(seed_thread_path, tmp_path):
    out = tmp_path / "thread.csv"
    result = run_cli("parse", seed_thread_path, "-f", "csv", "--output", out)
    assert result.returncode == 0 and result.stdout == b""
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 10 and rows[5]["quotes"].startswith("The USA loaned Hitler")


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.txt")), ids=lambda p: p.name)
def test_examples_parse_strictly(example):
    result = run_cli("parse", "--strict", example)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""


def test_stdin_and_python_dash_m(seed_thread_path):
    result = run_cli("parse", "-", "-f", "json", stdin=seed_thread_path.read_bytes())
    assert result.returncode == 0
    assert len(json.loads(result.stdout)["comments"]) == 10


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "setup, expected",
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: _write(d / "e.txt", b""), "file is empty"),
        (lambda d: _write(d / "b.txt", b"\x00\x01\x02binary"), "binary"),
        (lambda d: _write(d / "t.csv", b"id,author\n1,x\n"), "no 'text' column"),
    ],
)
def test_bad_input_exit_2_one_line_no_traceback(tmp_path, setup, expected):
    result = run_cli("parse", setup(tmp_path))
    err = result.stderr.decode()
    assert result.returncode == 2
    assert expected in err and "Traceback" not in err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_max_size_option(tmp_path, seed_thread_path):
    result = run_cli("parse", seed_thread_path, "--max-size", "0.001")
    assert result.returncode == 2 and b"over the" in result.stderr and b"--max-size" in result.stderr


BROKEN = "  1. Ann says\n\n    Top.\n\n        1. Bob says\n\n          Too deep.\n"


def test_warnings_on_stderr_and_strict_exit_2(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_text(BROKEN, encoding="utf-8")
    lenient = run_cli("parse", path)
    assert lenient.returncode == 0
    assert f"warning: {path}:5:".encode() in lenient.stderr
    strict = run_cli("parse", "--strict", path)
    assert strict.returncode == 2 and b"Traceback" not in strict.stderr
    assert f"{path}:5".encode() in strict.stderr


def test_bad_option_is_usage_error(seed_thread_path):
    result = run_cli("parse", seed_thread_path, "--format", "xml")
    assert result.returncode == 2
