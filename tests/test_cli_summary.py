"""`moderate score` shows the summary (tree, JSON) and explanations; `moderate summary` gives
one row per thread."""

from __future__ import annotations

import csv
import io
import json

from .conftest import EXAMPLES, run_cli

FERRY = EXAMPLES / "harbour-ferry-fares.txt"


def test_score_json_carries_a_summary_per_thread_and_explanations():
    result = run_cli("score", FERRY, "--format", "json", "--explain")
    assert result.returncode == 0, result.stderr.decode()
    (thread,) = json.loads(result.stdout)["threads"]
    summary = thread["summary"]
    assert summary["comments"] == 12 and summary["thread_id"] == "harbour-ferry-fares"
    assert summary["flagged"] == sum(bool(c["flags"]) for c in thread["comments"])
    for c in thread["comments"]:
        assert bool(c["explanation"]) == bool(c["flags"])


def test_score_tree_shows_why_and_summary():
    out = run_cli("score", FERRY, "--explain").stdout.decode()
    flagged_lines = [line for line in out.splitlines() if "⚑" in line]
    assert flagged_lines and all("why: " in line for line in flagged_lines)
    assert "Summary: 12 comments by 9 authors" in out


def test_score_csv_has_explanation_column():
    with_explain = list(csv.DictReader(io.StringIO(run_cli("score", FERRY, "-f", "csv", "--explain").stdout.decode())))
    assert list(with_explain[0]).index("explanation") == list(with_explain[0]).index("flags") + 1


def test_summary_command_one_row_per_thread():
    result = run_cli("summary", EXAMPLES, "--format", "csv")
    assert result.returncode == 0, result.stderr.decode()
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode())))
    assert [r["thread_id"] for r in rows] == ["harbour-ferry-fares", "library-sunday-hours"]
    assert rows[0]["comments"] == "12" and rows[0]["authors"] == "9"


def test_summary_table_has_one_line_per_thread():
    from moderation.cli.summary_cmd import _table
    from moderation.summary import ThreadSummary

    quiet = ThreadSummary("quiet", "", 4, 2, 0, {k: {"count": 0, "share": 0.0} for k in ("incivility", "conspiracy", "off_topic")})
    lines = _table([quiet]).splitlines()
    assert lines[1].split()[:4] == ["quiet", "4", "2", "0"] and "contested" in lines[-1]


def test_summary_of_missing_file_is_exit_2():
    result = run_cli("summary", "no-such-file.txt")
    assert result.returncode == 2 and b"Traceback" not in result.stderr
