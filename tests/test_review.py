"""The review loop: review sheets, spreadsheet round trips, merging decisions into labels/,
retraining and restoring. The end-to-end test drives the real CLI."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

from moderation import Article, Comment, Thread, render_thread
from moderation.label_merge import merge_review, parse_decision
from moderation.labels import REVIEWED_NAME, check_labels, load_labels, split_of
from moderation.review import REVIEW_COLUMNS, build_review, read_sources, review_csv, review_id, thread_key
from moderation.spreadsheet import neutralise, read_csv, restore

from .conftest import REPO, run_cli

STANCE_COLS = ("stance_support", "stance_deny", "stance_query", "stance_comment")


def ferry_thread() -> Thread:
    """A small thread written for these tests (not from the seeds or any dataset)."""
    return Thread(
        article=Article(title="Night ferry to stop at Gullpoint from May",
                        body="The island council agreed to add a night stop at Gullpoint pier.\n\nThe stop costs 40,000 a year."),
        comments=[
            Comment("1", None, "Ines Müller", "Great news for shift workers at the cannery, they finish after midnight."),
            Comment("1.1", "1", "pier_rat", "You absolute idiot, nobody works at the cannery any more, get your facts right moron.", depth=2),
            Comment("1.1.1", "1.1", "Ines Müller", "What an idiot I was to trust the old timetable, my own fault entirely.", depth=3),
            Comment("1.2", "1", "Tomas", "Is the 40,000 coming out of the harbour fund or the general budget?", depth=2),
            Comment("2", None, "wakeup_gull", "The council is hiding the real reason: the pier land was sold in secret to a developer cabal.\n"
                                               "Follow the money, they planned this years ago."),
            Comment("2.1", "2", "Tomas", "=HYPERLINK(\"http://evil.example\",\"source\") is where I read that, apparently.", depth=2),
            Comment("3", None, "Bea", "-1 from me, the stop slows the crossing for everyone else.\nSecond line of the same comment."),
            Comment("4", None, "Olek", "@everyone my cat had kittens last night, anybody want one? Cute ginger ones!"),
        ],
    )


def write_thread(directory: Path, name: str) -> Path:
    path = directory / f"{name}.txt"
    path.write_text(render_thread(ferry_thread()), encoding="utf-8")
    return path


def train_split_name() -> str:
    return next(n for n in (f"ferry-review-{i}" for i in range(50)) if split_of(thread_key(f"{n}.txt", n)) == "train")


class _Model:
    thresholds = {"incivility": 0.5, "conspiracy": 0.5, "off_topic": 0.5}


def fake_scores(threads: list[Thread], values: dict[str, dict[str, float]]) -> pd.DataFrame:
    """A score table as score_threads returns it, with chosen probabilities per comment id."""
    rows = []
    for t in threads:
        for c in t.comments:
            v = values.get(c.id, {})
            stance = v.get("stance", {"support": 0.1, "deny": 0.1, "query": 0.1, "comment": 0.7})
            rows.append({"thread_id": t.thread_id, "id": c.id, "parent_id": c.parent_id or "", "author": c.author,
                         "text": c.text, "incivility": v.get("incivility", 0.05), "conspiracy": v.get("conspiracy", 0.05),
                         "off_topic": v.get("off_topic", 0.05),
                         "flags": ";".join(k for k in ("incivility", "conspiracy", "off_topic") if v.get(k, 0) >= 0.5),
                         "stance": max(stance, key=stance.get), **{f"stance_{k}": p for k, p in stance.items()}})
    return pd.DataFrame(rows)


def sheet_rows(text: str) -> list[dict[str, str]]:
    header, rows = read_csv(text)
    return [r for _, r in rows]


# --- the review sheet ---------------------------------------------------------------------------------

def test_review_selects_flagged_then_uncertain_in_order(tmp_path):
    found = read_sources([str(write_thread(tmp_path, "ferry"))])
    scores = fake_scores(found.threads, {
        "1.1": {"incivility": 0.97}, "2": {"conspiracy": 0.99}, "4": {"off_topic": 0.6},
        "1.2": {"incivility": 0.48},  # nearest a threshold
        "3": {"stance": {"support": 0.26, "deny": 0.25, "query": 0.24, "comment": 0.25}},  # flattest stance
    })
    rows = build_review(found.threads, scores, _Model(), sources=found.sources, uncertain=2, explain=False)
    assert [r["id"] for r in rows] == ["2", "1.1", "4", "3", "1.2"]
    assert rows[0]["reason"] == "flagged: conspiracy 0.99" and rows[3]["reason"].startswith("uncertain: stance")
    assert all(r[k] == "" for r in rows for k in ("incivility", "conspiracy", "off_topic", "stance", "reviewer", "note")
               if k in r) and "stance" not in rows[0]  # decision columns are left empty
    assert [r["id"] for r in build_review(found.threads, scores, _Model(), sources=found.sources, limit=2, explain=False)] == ["2", "1.1"]
    only = build_review(found.threads, scores, _Model(), sources=found.sources, labels=["incivility"], min_score=0.4, explain=False)
    assert [r["id"] for r in only] == ["1.1", "1.2"]  # --min-score replaces the thresholds


def test_review_id_is_stable_and_names_the_comment(tmp_path):
    path = write_thread(tmp_path, "ferry")
    ids = [build_review(read_sources([str(path)]).threads, fake_scores(read_sources([str(path)]).threads, {"1.1": {"incivility": 0.9}}),
                        _Model(), sources=[str(path)], explain=False)[0]["review_id"] for _ in range(2)]
    assert ids[0] == ids[1] == review_id("ferry.txt#ferry", "1.1", ferry_thread().comments[1].text)
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    shutil.copy(path, moved / "ferry.txt")  # same file in another folder: same id
    assert review_id(thread_key(str(moved / "ferry.txt"), "ferry"), "1.1", ferry_thread().comments[1].text) == ids[0]
    assert review_id("ferry.txt#ferry", "1.1", "edited text") != ids[0]


def test_sheet_is_spreadsheet_safe(tmp_path):
    found = read_sources([str(write_thread(tmp_path, "ferry"))])
    scores = fake_scores(found.threads, {c: {"off_topic": 0.9} for c in ("2.1", "3", "4")})
    data = review_csv(build_review(found.threads, scores, _Model(), sources=found.sources, explain=False))
    assert data.startswith("\ufeffreview_id,") and "\r\n" in data
    raw = list(csv.reader(io.StringIO(data[1:], newline="")))
    assert raw[0] == list(REVIEW_COLUMNS)
    texts = {r[3]: r[raw[0].index("text")] for r in raw[1:]}
    assert texts["2.1"].startswith("'=HYPERLINK(")
    assert texts["3"].startswith("'-1 from me") and "\nSecond line" in texts["3"]  # newline inside the cell survives
    assert texts["4"].startswith("'@everyone")
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in raw for cell in row)
    # reading gives the original text back
    back = {r["id"]: r["text"] for r in sheet_rows(data)}
    assert back["2.1"] == ferry_thread().comments[5].text and back["3"] == ferry_thread().comments[6].text


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "-2", "@x", "\tcmd", "\rcmd", "'quoted", "''", "plain", ""])
def test_neutralise_round_trips(cell):
    assert restore(neutralise(cell)) == cell
    assert not neutralise(cell).startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize("value, expected", [("1", 1), ("YES", 1), ("y", 1), ("True", 1), ("x", 1), (" X ", 1),
                                             ("0", 0), ("no", 0), ("N", 0), ("false", 0), ("", None), ("1.0", 1)])
def test_boolean_spellings(value, expected):
    assert parse_decision(value) == expected


# --- merging ------------------------------------------------------------------------------------------

def filled_sheet(tmp_path: Path, name: str = "ferry", decisions: dict[str, dict[str, str]] | None = None) -> str:
    found = read_sources([str(write_thread(tmp_path, name))])
    scores = fake_scores(found.threads, {"1.1": {"incivility": 0.97}, "1.1.1": {"incivility": 0.8}, "2": {"conspiracy": 0.99},
                                         "4": {"off_topic": 0.9}})
    rows = build_review(found.threads, scores, _Model(), sources=found.sources, uncertain=10, explain=False)
    for r in rows:
        r.update((decisions or {}).get(r["id"], {}))
    return review_csv(rows)


DECISIONS = {"1.1": {"incivility": "yes", "stance": "DENY", "reviewer": "ana"}, "1.1.1": {"incivility": "n"},
             "2": {"conspiracy": "x"}, "4": {"off_topic": "1", "stance": "Comment"}}


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_merge_adds_with_context_and_does_not_duplicate(tmp_path):
    labels = tmp_path / "labels"
    sheet = filled_sheet(tmp_path, decisions=DECISIONS)
    report = merge_review(sheet, labels, sheet_path=tmp_path / "review.csv", today="2026-01-02")
    assert (report.read, report.added, report.unchanged, report.skipped, report.conflicts) == (8, 4, 0, 4, [])
    examples = {e.comment_id: e for e in load_labels(labels).examples}
    reply = examples["1.1.1"]
    assert reply.labels == {"incivility": 0, "conspiracy": None, "off_topic": None, "stance": None}
    assert reply.parent_text == ferry_thread().comments[1].text  # full context from the source, not the shortened cell
    assert "Gullpoint pier" in reply.article_text and reply.depth == 3 and reply.thread == "ferry.txt#ferry"
    assert examples["1.1"].labels["stance"] == "deny" and examples["4"].labels["stance"] == "comment"
    assert check_labels(labels).errors == []
    before = snapshot(labels)
    again = merge_review(sheet, labels, sheet_path=tmp_path / "review.csv", today="2026-02-03")
    assert (again.added, again.unchanged, again.written) == (0, 4, False)
    assert snapshot(labels) == before  # a repeated import changes nothing


def test_conflict_is_reported_and_kept_out_unless_overwrite(tmp_path):
    labels = tmp_path / "labels"
    merge_review(filled_sheet(tmp_path, decisions=DECISIONS), labels, sheet_path=tmp_path / "r.csv")
    before = snapshot(labels)
    changed = {**DECISIONS, "1.1.1": {"incivility": "yes"}, "1.2": {"stance": "query"}}
    report = merge_review(filled_sheet(tmp_path, decisions=changed), labels, sheet_path=tmp_path / "r.csv")
    assert len(report.conflicts) == 1 and "incivility = 1 but reviewed.csv has 0" in report.conflicts[0]
    assert report.added == 1  # the new stance decision on 1.2 still goes in
    assert {e.comment_id: e.labels["incivility"] for e in load_labels(labels).examples}["1.1.1"] == 0
    assert snapshot(labels) != before
    forced = merge_review(filled_sheet(tmp_path, decisions=changed), labels, sheet_path=tmp_path / "r.csv", overwrite=True)
    assert forced.overwritten == 1 and forced.conflicts == []
    assert {e.comment_id: e.labels["incivility"] for e in load_labels(labels).examples}["1.1.1"] == 1


def test_dry_run_writes_nothing(tmp_path):
    labels = tmp_path / "labels"
    labels.mkdir()
    report = merge_review(filled_sheet(tmp_path, decisions=DECISIONS), labels, dry_run=True)
    assert report.added == 4 and not report.written and list(labels.iterdir()) == []
    assert any(c.startswith("add ") for c in report.changes)


def test_interrupted_write_leaves_labels_unchanged(tmp_path, monkeypatch):
    labels = tmp_path / "labels"
    merge_review(filled_sheet(tmp_path, "ferry", decisions=DECISIONS), labels, sheet_path=tmp_path / "r.csv")
    before = snapshot(labels)
    import moderation.label_merge as lm

    class Failing(csv.DictWriter):
        calls = 0

        def writerow(self, row):
            Failing.calls += 1
            if Failing.calls == 3:
                raise OSError("disk full (simulated)")
            return super().writerow(row)

    monkeypatch.setattr(lm.csv, "DictWriter", Failing)
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(OSError, match="simulated"):  # a new source: new article file, new rows
        merge_review(filled_sheet(other, "bridge", decisions=DECISIONS), labels, sheet_path=other / "r.csv")
    assert Failing.calls == 3
    assert snapshot(labels) == before  # no new article file, no temp file, reviewed.csv as it was


def test_text_already_in_the_other_split_is_kept_out(tmp_path):
    labels = tmp_path / "labels"
    names = [f"t{i}" for i in range(40)]
    a = next(n for n in names if split_of(thread_key(f"{n}.txt", n)) == "train")
    b = next(n for n in names if split_of(thread_key(f"{n}.txt", n)) == "test")
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    merge_review(filled_sheet(tmp_path / "x", a, decisions=DECISIONS), labels)
    report = merge_review(filled_sheet(tmp_path / "y", b, decisions=DECISIONS), labels)
    assert report.added == 0 and len(report.leaks) == 4
    assert check_labels(labels).errors == []


def test_check_reports_bad_reviewed_rows(tmp_path):
    labels = tmp_path / "labels"
    merge_review(filled_sheet(tmp_path, decisions=DECISIONS), labels)
    table = labels / REVIEWED_NAME
    reader = csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"), newline=""))
    rows, line = [], None
    for row in reader:
        if row["comment_id"] == "1.1":
            row["incivility"], line = "maybe", reader.line_num
        rows.append(row)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=reader.fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    table.write_text(buf.getvalue(), encoding="utf-8")
    errors = check_labels(labels).errors
    assert any(f"reviewed.csv:{line}:" in e and "incivility = 'maybe'" in e for e in errors), errors


# --- through the CLI ----------------------------------------------------------------------------------

def spreadsheet_rewrite(text: str) -> bytes:
    """What a spreadsheet saves: semicolons, BOM, CRLF, columns reordered, a column added."""
    rows = sheet_rows(text)
    columns = list(reversed(list(rows[0]))) + ["my_comment"]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({**{k: neutralise(v) for k, v in r.items()}, "my_comment": "seen"})
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def test_bad_value_in_row_7_writes_nothing(tmp_path):
    labels = tmp_path / "labels"
    merge_review(filled_sheet(tmp_path, decisions=DECISIONS), labels)
    before = snapshot(labels)
    rows = sheet_rows(filled_sheet(tmp_path, decisions=DECISIONS))
    assert len(rows) >= 7
    rows[5]["off_topic"] = "maybe"  # the 6th data row is spreadsheet row 7
    rows[1]["stance"] = "agree"     # and a second bad row, so the report must list both
    text = spreadsheet_rewrite(review_csv(rows).replace("\ufeff", "", 1))
    sheet = tmp_path / "bad.csv"
    sheet.write_bytes(text)
    result = run_cli("labels", "add", sheet, "--labels", labels)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert "row 7, column off_topic: 'maybe'" in err and "1/0, yes/no" in err
    assert "row 3, column stance: 'agree'" in err and "support, deny, query, comment" in err
    assert "Traceback" not in err and snapshot(labels) == before


def tiny_labels(directory: Path, count: int = 6) -> Path:
    """A few threads of the shipped label set with their rows (train and test)."""
    (directory / "threads").mkdir(parents=True)
    names = sorted(p.name for p in (REPO / "labels" / "threads").glob("*.txt"))[:count]
    assert {split_of(f"threads/{n}") for n in names} == {"train", "test"}
    for n in names:
        shutil.copy(REPO / "labels" / "threads" / n, directory / "threads" / n)
    lines = (REPO / "labels" / "labels.csv").read_text(encoding="utf-8").splitlines()
    keep = [lines[0]] + [line for line in lines[1:] if line.split(",")[0] in {f"threads/{n}" for n in names}]
    (directory / "labels.csv").write_text("\n".join(keep) + "\n", encoding="utf-8")
    return directory


def scores_of(path: Path, model: Path) -> dict[str, dict]:
    from moderation import load_model, score_threads

    frame = score_threads(load_model(model), read_sources([str(path)]).threads)
    return {r["id"]: r for r in frame.to_dict("records")}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """(labels dir, trained model, its directory): a few shipped threads and a model fitted on
    them in-process with fixed hyperparameters (word n-grams), so tests stay fast."""
    from moderation.training import Hyper, train

    root = tmp_path_factory.mktemp("tiny")
    labels = tiny_labels(root / "labels", count=4)
    model = train(labels, seed=0, hyper=Hyper("word", {n: 4.0 for n in ("incivility", "conspiracy", "off_topic", "stance")}),
                  progress=lambda m: None)
    model.save(root / "model")
    return labels, model, root / "model"


def test_review_loop_end_to_end(tmp_path, tiny):
    labels, model = tmp_path / "labels", tmp_path / "model"
    shutil.copytree(tiny[0], labels)
    # The current model (set-up, in-process for speed); `--no-search` below reuses its
    # hyperparameters from its card.
    shutil.copytree(tiny[2], model)
    thread = write_thread(tmp_path, train_split_name())
    before = scores_of(thread, model)

    sheet = tmp_path / "review.csv"
    result = run_cli("review", thread, "--model", model, "--output", sheet, "--uncertain", "3")
    assert result.returncode == 0, result.stderr.decode()
    rows = sheet_rows(sheet.read_text(encoding="utf-8-sig"))
    flagged = [r for r in rows if r["reason"].startswith("flagged")]
    assert flagged and len(rows) == len(flagged) + 3
    top = [max(float(r[f"p_{f}"]) for f in r["flags"].split(";")) for r in flagged]
    assert top == sorted(top, reverse=True)  # most likely problems first
    assert all(r["explanation"] for r in flagged)
    # The moderator decides each flag: right where the comment really is that, wrong elsewhere.
    truth = {"1.1": {"incivility"}, "2": {"conspiracy"}, "4": {"off_topic"}}
    wrong_flags = []
    for r in flagged:
        for name in r["flags"].split(";"):
            right = name in truth.get(r["id"], set())
            r[name] = "y" if right else "no"
            if not right:
                wrong_flags.append((r, name))
    assert wrong_flags, "the tiny model made no wrong flag to correct"
    wrong, label = wrong_flags[0]
    wrong["note"] = "=not what the flag says"
    rows[-1]["stance"] = rows[-1]["model_stance"].upper()
    edited = tmp_path / "edited.csv"
    edited.write_bytes(spreadsheet_rewrite(review_csv(rows).replace("\ufeff", "", 1)))
    assert edited.read_bytes().startswith(b"\xef\xbb\xbf") and b";" in edited.read_bytes().splitlines()[0]

    added = run_cli("labels", "add", edited, "--labels", labels)
    out = added.stdout.decode()
    assert added.returncode == 0, added.stderr.decode()
    assert f"{len(rows)} rows read, {len(flagged) + 1} added" in out and "skipped (not reviewed)" in out
    check = run_cli("labels", "check", labels)
    assert check.returncode == 0, check.stderr.decode()

    retrained = run_cli("train", labels, "--output", model, "--no-search", "--compare")
    assert retrained.returncode == 0, retrained.stderr.decode()
    table = retrained.stdout.decode()
    assert "current" in table and "new" in table and "macro_f1" in table and "roc_auc" in table
    after = scores_of(thread, model)
    print(f"{wrong['id']} {label}: {before[wrong['id']][label]:.3f} -> {after[wrong['id']][label]:.3f}")
    assert after[wrong["id"]][label] < before[wrong["id"]][label] - 0.02  # the corrected comment moved the right way

    restored = run_cli("train", "--restore", "--output", model)
    assert restored.returncode == 0, restored.stderr.decode()
    assert scores_of(thread, model)[wrong["id"]][label] == pytest.approx(before[wrong["id"]][label])
    assert (tmp_path / "model.previous" / "model.npz").exists()


def test_restore_without_previous_is_a_clear_error(tmp_path):
    result = run_cli("train", "--restore", "--output", tmp_path / "nothing")
    assert result.returncode == 2 and b"no previous model" in result.stderr


def test_review_refuses_to_overwrite_and_unknown_labels(tmp_path):
    thread = write_thread(tmp_path, "ferry")
    existing = tmp_path / "review.csv"
    existing.write_text("mine\n", encoding="utf-8")
    result = run_cli("review", thread, "--output", existing)
    assert result.returncode == 2 and b"not overwriting" in result.stderr and existing.read_text() == "mine\n"
    result = run_cli("review", thread, "--output", tmp_path / "new.csv", "--labels", "incivility,rudeness")
    assert result.returncode == 2 and b"rudeness" in result.stderr and not (tmp_path / "new.csv").exists()


def test_reusing_features_gives_the_same_sheet(tmp_path, tiny):
    from moderation import score_threads
    from moderation.review import reusing_features

    found = read_sources([str(write_thread(tmp_path, "ferry")), str(REPO / "examples" / "harbour-ferry-fares.txt")])
    model = tiny[1]
    plain = review_csv(build_review(found.threads, score_threads(model, found.threads), model, sources=found.sources, uncertain=3))
    reused = reusing_features(model)
    again = review_csv(build_review(found.threads, score_threads(reused, found.threads), reused, sources=found.sources, uncertain=3))
    assert again == plain and "incivility: " in plain
    assert reused.featurizer.X is not None  # the scoring matrix was kept and reused


def test_missing_source_takes_context_from_the_sheet(tmp_path):
    sheet = filled_sheet(tmp_path, decisions=DECISIONS)
    (tmp_path / "ferry.txt").unlink()  # the dump is gone: only the sheet is left
    warnings: list[str] = []
    report = merge_review(sheet, tmp_path / "labels", warn=warnings.append)
    assert report.added == 4 and report.context_from_sheet == 4
    assert any("not found" in w for w in warnings) and any("take their context from the sheet" in w for w in warnings)
    reply = {e.comment_id: e for e in load_labels(tmp_path / "labels").examples}["1.1.1"]
    assert reply.text == ferry_thread().comments[2].text and reply.depth == 3
    assert reply.article_text == "Night ferry to stop at Gullpoint from May"  # the title only
    assert check_labels(tmp_path / "labels").errors == []
