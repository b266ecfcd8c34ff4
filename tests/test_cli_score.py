"""`moderate score` and `moderate train` through the real entry point, with the shipped model."""

from __future__ import annotations

import csv
import io
import json

from moderation.scoring import SCORE_COLUMNS

from .conftest import EXAMPLES, run_cli
from .test_labels import make_set

FERRY = EXAMPLES / "harbour-ferry-fares.txt"


def scores_csv(*args) -> list[dict[str, str]]:
    result = run_cli("score", *args, "--format", "csv")
    assert result.returncode == 0, result.stderr.decode()
    return list(csv.DictReader(io.StringIO(result.stdout.decode())))


def test_csv_columns_and_input_order():
    rows = scores_csv(FERRY)
    assert list(rows[0])[: len(SCORE_COLUMNS)] == list(SCORE_COLUMNS)
    assert [r["id"] for r in rows] == ["1", "1.1", "1.1.1", "1.1.2", "1.2", "1.2.1", "2", "2.1", "2.2", "2.2.1", "3", "4"]
    for r in rows:
        assert all(0.0 <= float(r[c]) <= 1.0 for c in ("incivility", "conspiracy", "off_topic", "stance_deny"))
        assert r["stance"] in ("support", "deny", "query", "comment")


def test_seed_thread_flags_what_a_reader_would(seed_thread_path):
    rows = {r["id"]: r for r in scores_csv(seed_thread_path)}
    flags = {cid: set(filter(None, r["flags"].split(";"))) for cid, r in rows.items()}
    assert "incivility" in flags["1.1.1.2.1"]  # "In your little Yankee mind…"
    assert "incivility" in flags["1.1.1.2.1.3"]  # "…a fat Pompous toad…"
    assert "conspiracy" in flags["1.1.1.2"]  # the claim that the USA moves ISIS fighters
    assert flags["1.1.1.2.1.1"] & {"off_topic", "conspiracy"} and "off_topic" in flags["1.1.1.2.1.2"]  # who armed the Nazis
    assert flags["1.1"] == set()  # "Flip a coin."


def test_json_shape(seed_thread_path):
    result = run_cli("score", seed_thread_path, "--format", "json")
    data = json.loads(result.stdout)
    (thread,) = data["threads"]
    assert thread["article"]["title"].startswith("Russia")
    assert list(thread["comments"][0])[: len(SCORE_COLUMNS)] == list(SCORE_COLUMNS)


def test_tree_marks_flags_and_stance(seed_thread_path):
    out = run_cli("score", seed_thread_path).stdout.decode()
    assert "⚑" in out and ("[deny]" in out or "[comment]" in out)


def test_fail_on_exit_codes(seed_thread_path, tmp_path):
    assert run_cli("score", seed_thread_path, "--fail-on", "incivility", "-f", "csv").returncode == 1
    calm = tmp_path / "calm.csv"
    calm.write_text("id,text,article_title\n1,The new library hours look sensible to me.,Library hours\n", encoding="utf-8")
    assert run_cli("score", calm, "--fail-on", "incivility,conspiracy", "-f", "csv").returncode == 0
    bad = run_cli("score", calm, "--fail-on", "rudeness")
    assert bad.returncode == 2 and b"rudeness" in bad.stderr


def test_table_input_passes_unknown_columns_through(tmp_path):
    table = tmp_path / "export.csv"
    table.write_text("id,parent_id,text,site_score\n1,,Ferry fares are up again,7\n2,1,Source?,3\n", encoding="utf-8")
    rows = scores_csv(table)
    assert [r["site_score"] for r in rows] == ["7", "3"]
    assert list(rows[0])[-1] == "site_score"


def test_directory_and_stdin_inputs(seed_thread_path):
    rows = scores_csv(EXAMPLES)
    assert {r["thread_id"] for r in rows} == {"harbour-ferry-fares", "library-sunday-hours"}
    piped = run_cli("score", "-", "-f", "csv", stdin=seed_thread_path.read_bytes())
    assert piped.returncode == 0 and piped.stdout.decode().count("\n") >= 11


def test_missing_model_is_exit_2(seed_thread_path, tmp_path):
    result = run_cli("score", seed_thread_path, "--model", tmp_path)
    assert result.returncode == 2 and b"moderate train" in result.stderr


def test_train_cli_writes_a_model_and_prints_metrics(tmp_path):
    names = [f"threads/t{i}.txt" for i in range(6)]
    from moderation import Article, Comment, Thread, render_thread

    threads, rows = {}, ""
    for i, name in enumerate(names):
        words = ["harbour", "ferry", "council", "budget", "school", "bridge"][i]
        threads[name] = render_thread(Thread(article=Article(title=f"News about the {words}", body=f"The {words} story."),
                                             comments=[Comment("1", None, "Ann", f"You idiot, the {words} plan is fine"),
                                                       Comment("1.1", "1", "Bob", f"Source for the {words} claim?", depth=2),
                                                       Comment("2", None, "Cy", f"The {words} plan was staged by a secret cabal")]))
        rows += f"{name},1,1,0,0,deny,\n{name},1.1,0,0,0,query,\n{name},2,0,1,0,comment,\n"
    (tmp_path / "set").mkdir()
    root = make_set(tmp_path / "set", rows, threads)
    out = tmp_path / "model"
    result = run_cli("train", root, "--output", out, "--no-search")
    assert result.returncode == 0, result.stderr.decode()
    assert (out / "model.npz").exists() and (out / "card.json").exists()
    assert b"incivility" in result.stdout
    scored = run_cli("score", EXAMPLES / "harbour-ferry-fares.txt", "--model", out, "-f", "csv")
    assert scored.returncode == 0


def test_large_table_scores_in_batches_with_the_same_results(tmp_path):
    """Batches of whole threads give the rows, order and scores of scoring the table whole."""
    table = tmp_path / "comments.csv"
    with table.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["thread_id", "id", "parent_id", "text", "article_text", "site_note"])
        for t in range(30):
            w.writerow([f"t{t}", "a", "", f"The council should fund route {t} before the summer.", "Council budget for bus routes.", f"x{t}"])
            w.writerow([f"t{t}", "b", "a", "No, you clearly never ride the bus, genius.", "", ""])
            w.writerow([f"t{t}", "c", "b", "Source? The budget papers say otherwise.", "", f"y{t}"])
    whole = scores_csv(table)
    batched = run_cli("score", table, "--format", "csv", "--batch-rows", "100")
    assert batched.returncode == 0, batched.stderr.decode()
    assert list(csv.DictReader(io.StringIO(batched.stdout.decode()))) == whole
    assert [(r["thread_id"], r["id"], r["site_note"]) for r in whole[:3]] == [("t0", "a", "x0"), ("t0", "b", ""), ("t0", "c", "y0")]
    as_json = run_cli("score", table, "--format", "json", "--batch-rows", "100")
    threads = json.loads(as_json.stdout)["threads"]
    assert [t["thread_id"] for t in threads] == [f"t{t}" for t in range(30)]
    assert [c["stance"] for t in threads for c in t["comments"]] == [r["stance"] for r in whole]


def test_output_file_is_left_alone_when_a_later_input_fails(tmp_path):
    out = tmp_path / "scores.csv"
    out.write_text("previous results\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,text,parent_id\n1,hello,\n2,reply,99\n", encoding="utf-8")
    result = run_cli("score", FERRY, bad, "--format", "csv", "--output", out)
    assert result.returncode == 2
    assert "parent_id points at no row" in result.stderr.decode()
    assert out.read_text(encoding="utf-8") == "previous results\n"
