"""The labeled set: split rule, validation errors by file and row, and the shipped set's numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation import Article, Comment, LabelError, Thread, render_thread
from moderation.labels import BINARY_LABELS, STANCES, check_labels, load_labels, split_of

from .conftest import REPO, run_cli

HEADER = "thread,comment_id,incivility,conspiracy,off_topic,stance,hard_negative\n"


def _thread(words: str) -> str:
    return render_thread(Thread(article=Article(title="Ferry fares rise sharply", body="The board approved it."),
                                comments=[Comment("1", None, "Ann", f"First comment about {words} and the fares today"),
                                          Comment("1.1", "1", "Bob", "Source?", depth=2)]))


def make_set(tmp_path: Path, rows: str, threads: dict[str, str] | None = None) -> Path:
    (tmp_path / "threads").mkdir()
    for name, text in (threads or {"threads/a.txt": _thread("apples")}).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "labels.csv").write_text(HEADER + rows, encoding="utf-8")
    return tmp_path


def test_split_is_stable_and_about_a_quarter():
    assert split_of("threads/a.txt") == split_of("threads/a.txt")
    shares = [split_of(f"threads/t{i}.txt") for i in range(2000)]
    assert 0.22 < shares.count("test") / len(shares) < 0.28


def test_valid_set_loads_with_context(tmp_path):
    root = make_set(tmp_path, "threads/a.txt,1,0,0,0,deny,incivility\nthreads/a.txt,1.1,,,,query,\n")
    result = check_labels(root)
    assert result.errors == []
    first, reply = result.examples
    assert first.labels == {"incivility": 0, "conspiracy": 0, "off_topic": 0, "stance": "deny"}
    assert reply.labels["incivility"] is None  # blank is unknown, not 0
    assert reply.parent_text == first.text and "Ferry fares" in reply.article_text
    assert first.hard_negative == ("incivility",)


@pytest.mark.parametrize(
    "rows, message, line",
    [
        ("threads/a.txt,1,2,0,0,deny,\n", "incivility = '2'", 2),
        ("threads/a.txt,1,0,0,0,maybe,\n", "stance = 'maybe'", 2),
        ("threads/a.txt,1,0,0,0,deny,\nthreads/a.txt,1,0,0,0,deny,\n", "duplicate row", 3),
        ("threads/a.txt,1,0,0,0,deny,\nthreads/a.txt,7,0,0,0,deny,\n", "has no comment '7'", 3),
        ("threads/a.txt,1,1,0,0,deny,incivility\n", "a hard negative is a 0", 2),
        ("threads/a.txt,1,0,0,0,deny,rudeness\n", "hard_negative names 'rudeness'", 2),
    ],
)
def test_problems_name_file_and_row(tmp_path, rows, message, line):
    result = check_labels(make_set(tmp_path, rows + "threads/a.txt,1.1,0,0,0,query,\n"))
    assert any(message in e and f"labels.csv:{line}:" in e for e in result.errors), result.errors


def test_thread_that_does_not_parse_strictly(tmp_path):
    broken = "  1. Ann says\n\n    Top.\n\n        1. Bob says\n\n          Too deep.\n"
    result = check_labels(make_set(tmp_path, "threads/a.txt,1,0,0,0,deny,\n", {"threads/a.txt": broken}))
    assert any("does not parse cleanly" in e for e in result.errors)


def test_unlabeled_thread_file_and_cross_split_duplicate(tmp_path):
    names = [f"threads/t{i}.txt" for i in range(40)]
    train = next(n for n in names if split_of(n) == "train")
    test = next(n for n in names if split_of(n) == "test")
    same = _thread("pears")
    rows = "".join(f"{n},1,0,0,0,deny,\n{n},1.1,0,0,0,query,\n" for n in (train, test))
    result = check_labels(make_set(tmp_path, rows, {train: same, test: same, "threads/orphan.txt": same}))
    assert any("both train and test" in e for e in result.errors)
    assert any("orphan.txt: thread file has no labeled comments" in e for e in result.errors)


def test_missing_columns_is_an_error(tmp_path):
    (tmp_path / "labels.csv").write_text("thread,comment_id\n", encoding="utf-8")
    with pytest.raises(LabelError, match="missing column"):
        load_labels(tmp_path)


def test_cli_check_exit_codes(tmp_path):
    (tmp_path / "good").mkdir()
    good = make_set(tmp_path / "good", "threads/a.txt,1,0,0,0,deny,\nthreads/a.txt,1.1,0,0,0,query,\n")
    ok = run_cli("labels", "check", good)
    assert ok.returncode == 0 and b"ok:" in ok.stdout and b"stance" in ok.stdout
    (good / "labels.csv").write_text(HEADER + "threads/a.txt,1,0,0,0,nope,\n", encoding="utf-8")
    bad = run_cli("labels", "check", good)
    assert bad.returncode == 2 and b"labels.csv:2:" in bad.stderr


SHIPPED = REPO / "labels"


def test_shipped_set_meets_its_numbers():
    """The issue's floors for the shipped set, checked on every CI run."""
    result = check_labels(SHIPPED)
    assert result.errors == []
    ex = result.examples
    threads = {e.thread for e in ex}
    assert len(threads) >= 120 and len(ex) >= 3000
    test_threads = {e.thread for e in ex if e.split == "test"}
    assert len(test_threads) / len(threads) >= 0.20
    assert max(e.depth for e in ex) >= 6
    for name in BINARY_LABELS:
        known = [e for e in ex if e.labels[name] is not None]
        positives = sum(e.labels[name] == 1 for e in known)
        negatives = [e for e in known if e.labels[name] == 0]
        assert positives / len(known) >= 0.12, name
        assert sum(name in e.hard_negative for e in negatives) / len(negatives) >= 0.20, name
    stances = [e.labels["stance"] for e in ex if e.labels["stance"] is not None]
    for s in STANCES:
        assert stances.count(s) / len(stances) >= 0.10, s
