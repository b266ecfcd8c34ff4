"""`moderate evaluate`'s figures are scikit-learn's on a fixed table; the baseline runs beside."""

from __future__ import annotations

import csv
import json
import sys

import numpy as np
import pytest
from sklearn.metrics import (accuracy_score, average_precision_score, confusion_matrix, f1_score, precision_score,
                             recall_score, roc_auc_score)

from moderation.evaluation import evaluate, write_plots
from moderation.frames import table_frame
from moderation.model import load_model

from .conftest import run_cli

# Our own fixed table: text, incivility, off_topic, stance (blank = unknown).
ROWS = [
    ("You are a complete idiot and everyone here knows it.", 1, 0, "deny"),
    ("Shut up, moron, nobody asked for your stupid opinion.", 1, 0, "deny"),
    ("What a pathetic clown, go back under your bridge.", 1, 0, "deny"),
    ("Only a brain-dead fool would vote for this garbage.", 1, 0, "comment"),
    ("I disagree with the council, the budget numbers do not add up.", 0, 0, "deny"),
    ("Good decision, the bus route was overdue for years.", 0, 0, "support"),
    ("Does anyone know when the new timetable starts?", 0, 0, "query"),
    ("Thanks for the clear report on the ferry fares.", 0, 0, "support"),
    ("Where is the source for the forty percent figure?", 0, 0, "query"),
    ("Anyone selling a used bike? DM me, cheap deals at bikes-now.example", 0, 1, "comment"),
    ("Unrelated but the pizza place on Main Street is amazing.", 0, 1, "comment"),
    ("My cat knocked over a plant this morning, so funny!", 0, 1, ""),
    ("The board should publish the full costs before the vote.", 0, 0, "comment"),
    ("Typical lazy journalists, you people never check anything.", 1, 0, "deny"),
]


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    path = tmp_path_factory.mktemp("eval") / "fixed.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "incivility", "off_topic", "stance"])
        writer.writerows(ROWS)
    return path


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_metrics_are_scikit_learns(model, table):
    frame = table_frame(table)
    result = evaluate(model, frame, baseline=False)
    pred = model.predict(frame)
    for label in ("incivility", "off_topic"):
        y, p = frame[label].to_numpy().astype(int), pred[label].to_numpy()
        flagged = (p >= model.thresholds[label]).astype(int)
        m = result.metrics["moderation"][label]
        assert m["n"] == len(ROWS) and m["positives"] == int(y.sum())
        assert m["precision"] == pytest.approx(precision_score(y, flagged, zero_division=0))
        assert m["recall"] == pytest.approx(recall_score(y, flagged, zero_division=0))
        assert m["f1"] == pytest.approx(f1_score(y, flagged, zero_division=0))
        assert m["roc_auc"] == pytest.approx(roc_auc_score(y, p))
        assert m["pr_auc"] == pytest.approx(average_precision_score(y, p))
    assert "conspiracy" not in result.metrics["moderation"]  # no such column: not measured
    known = frame["stance"].notna().to_numpy()
    y, p = frame["stance"][known].to_numpy(), pred["stance"][known].to_numpy()
    s = result.metrics["moderation"]["stance"]
    labels = ["support", "deny", "query", "comment"]
    assert s["n"] == 13 and s["accuracy"] == pytest.approx(accuracy_score(y, p))
    assert s["macro_f1"] == pytest.approx(f1_score(y, p, average="macro", labels=labels, zero_division=0))
    assert s["confusion"] == confusion_matrix(y, p, labels=labels).tolist()


def test_baseline_beside_ours_from_another_python(model, table, tmp_path, monkeypatch):
    """A stand-in profanity_check (probability = share of listed insults) run through
    --apc-python's pipe: its figures are scikit-learn's on its own scores."""
    (tmp_path / "profanity_check.py").write_text(
        "def predict_prob(texts):\n"
        "    bad = ('idiot', 'moron', 'clown', 'fool')\n"
        "    return [sum(w in t.lower() for w in bad) / 2 for t in texts]\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    frame = table_frame(table)
    result = evaluate(model, frame, apc_python=sys.executable)
    m = result.metrics["alt-profanity-check"]["incivility"]
    y = frame["incivility"].to_numpy().astype(int)
    p = np.array([sum(w in t.lower() for w in ("idiot", "moron", "clown", "fool")) / 2 for t in frame["text"]])
    assert m["threshold"] == 0.5 and m["recall"] == pytest.approx(recall_score(y, (p >= 0.5).astype(int)))
    assert m["roc_auc"] == pytest.approx(roc_auc_score(y, p))
    assert set(result.curves["incivility"]) == {"moderation", "alt-profanity-check"}
    files = write_plots(result, tmp_path / "plots")
    assert sorted(f.name for f in files) == ["incivility.png", "off_topic.png"]
    assert all(f.read_bytes().startswith(b"\x89PNG") and f.stat().st_size > 10_000 for f in files)


def test_cli_json_and_missing_baseline_note(table):
    result = run_cli("evaluate", table, "--format", "json", "--apc-python", "/no/such/python")
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert set(data["metrics"]) == {"moderation"} and data["rows"] == len(ROWS)
    assert "not available" in data["notes"]["alt-profanity-check"]
    assert data["sources"][0]["kind"] == "label table"


def test_cli_where_and_map(tmp_path):
    path = tmp_path / "foreign.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["comment", "toxicity", "split"])
        writer.writerows([(t, 0.9 if inc else 0.1, "test" if i % 2 else "train") for i, (t, inc, _, _) in enumerate(ROWS)])
    result = run_cli("evaluate", path, "--map", "text=comment", "--map", "incivility=toxicity>=0.5",
                     "--where", "split==test", "--no-baseline")
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "7 rows, where split==test" in out and "incivility  moderation" in out
    bad = run_cli("evaluate", path)  # no text column and no --map: one line, exit 2
    assert bad.returncode == 2 and b"Traceback" not in bad.stderr and b"text" in bad.stderr
