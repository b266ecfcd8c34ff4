"""`moderate parse` and `moderate score` on platform exports, through the real entry point."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from .conftest import run_cli

FIXTURES = Path(__file__).parent / "fixtures"
DISQUS = FIXTURES / "disqus_export.xml"
REDDIT = FIXTURES / "reddit_thread.json"
WXR = FIXTURES / "wordpress_export.xml"


def test_parse_disqus_json_with_ids_times_stats_and_warnings():
    result = run_cli("parse", DISQUS, "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert [t["thread_id"] for t in data["threads"]] == ["2001", "2002", "2999"]
    first = data["threads"][0]
    assert first["article"]["url"] == "https://gazette.example.org/2023/03/ferry-fares-rise/"
    assert first["article"]["created"] == "2023-03-01T08:00:00+00:00"
    assert [c["id"] for c in first["comments"]] == ["3001", "3003", "3007", "3005", "3008"]
    assert first["comments"][0]["created"] == "2023-03-01T09:15:00+00:00"
    assert first["stats"]["orphans"] == 2 and first["stats"]["deleted"] == 1
    stderr = result.stderr.decode()
    assert "warning:" in stderr and "left out 1 deleted, 1 spam" in stderr and "not in the export" in stderr


def test_parse_reddit_csv_has_created_column():
    result = run_cli("parse", REDDIT, "-f", "csv")
    assert result.returncode == 0, result.stderr.decode()
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode())))
    assert [r["id"] for r in rows] == ["t1_jc1", "t1_jc2", "t1_jc6", "t1_jc4", "t1_jcb"]
    assert rows[0]["created"] == "2023-03-01T09:13:20+00:00"
    assert "'more' stub(s)" in result.stderr.decode()


def test_disqus_export_saved_as_txt_is_still_read_as_disqus(tmp_path):
    saved = tmp_path / "export.txt"
    shutil.copy(DISQUS, saved)
    result = run_cli("parse", saved)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert out.startswith("Ferry fares rise again & islanders ask why")
    assert "3007 Maria K.: Ignore the ticket spam." in out


def test_parse_wordpress_include_flags():
    default = json.loads(run_cli("parse", WXR, "-f", "json").stdout)
    wider = json.loads(run_cli("parse", WXR, "-f", "json", "--include-unapproved", "--include-pingbacks").stdout)
    assert len(default["threads"][0]["comments"]) == 4
    assert len(wider["threads"][0]["comments"]) == 8


def test_stdin_disqus():
    result = run_cli("parse", "-", "-f", "json", stdin=DISQUS.read_bytes())
    assert result.returncode == 0, result.stderr.decode()
    assert len(json.loads(result.stdout)["threads"]) == 3


def test_score_a_directory_of_exports(tmp_path):
    shutil.copy(DISQUS, tmp_path / "disqus.xml")
    shutil.copy(REDDIT, tmp_path / "reddit.json")
    result = run_cli("score", tmp_path, "--format", "csv")
    assert result.returncode == 0, result.stderr.decode()
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode())))
    assert [(r["thread_id"], r["id"]) for r in rows] == [
        ("2001", "3001"), ("2001", "3003"), ("2001", "3007"), ("2001", "3005"), ("2001", "3008"),
        ("2002", "3002"), ("2002", "3009"), ("2002", "3011"), ("2999", "3010"),
        ("t3_11abcde", "t1_jc1"), ("t3_11abcde", "t1_jc2"), ("t3_11abcde", "t1_jc6"), ("t3_11abcde", "t1_jc4"),
        ("t3_11abcde", "t1_jcb")]
    assert all(0.0 <= float(r["incivility"]) <= 1.0 for r in rows)
    by_id = {r["id"]: r for r in rows}
    assert by_id["3008"]["orphan"] == "parent not in export"  # the mark passes through to the scores
    assert "scored 14 comments in 4 threads" in result.stderr.decode()


def test_malformed_export_is_one_line_and_exit_2(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_bytes(DISQUS.read_bytes()[:4000])
    for command in ("parse", "score"):
        result = run_cli(command, broken)
        assert result.returncode == 2
        err = result.stderr.decode().strip()
        assert err.startswith(f"error: {broken}:") and "not well-formed XML" in err
        assert "Traceback" not in err and len(err.splitlines()) == 1


def test_review_takes_the_wordpress_include_flags_too(tmp_path):
    def sheet_rows(*flags: str) -> int:
        out = tmp_path / f"review{len(flags)}.csv"
        result = run_cli("review", WXR, "--output", out, "--min-score", "0", *flags)
        assert result.returncode == 0, result.stderr.decode()
        return len(list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))))

    assert sheet_rows("--include-unapproved", "--include-pingbacks") - sheet_rows() == 4
