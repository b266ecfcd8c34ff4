"""The shipped model is what its card says: rebuilt from its sources, it matches."""

from __future__ import annotations

import json

import pytest
import sklearn

from moderation.frames import sources_frame
from moderation.model import load_model
from moderation.training import Hyper, frame_sha256, train

from .conftest import REPO

MODEL = REPO / "models" / "default"


@pytest.fixture(scope="module")
def card() -> dict:
    return json.loads((MODEL / "card.json").read_text(encoding="utf-8"))


def test_shipped_model_loads_and_card_is_complete(card):
    model = load_model(MODEL)
    assert model.card["model_sha256"] == card["model_sha256"]
    assert set(card["heldout_metrics"]) == {"incivility", "conspiracy", "off_topic", "stance"}
    assert card["sources"] and card["hyperparameters"]["threshold_rule"].startswith("best F1")


def card_frames(card: dict):
    """The training and held-out frames from the sources the card names (paths as given to
    `moderate train` from the repository root; public tables live in ../shared/data)."""
    tables = [s for s in card["sources"] if s["kind"] == "label table"]
    maps, where = (tables[0]["map"], tables[0]["where"]) if tables else ((), ())
    sources = [REPO / s["name"] for s in card["sources"]]
    frame, described = sources_frame(sources, "train", maps, where)
    directories = [s for s in sources if s.is_dir()]
    return frame, sources_frame(directories, "test")[0] if directories else None, described


def test_training_data_is_what_the_card_says(card):
    frame, _, described = card_frames(card)
    assert frame_sha256(frame) == card["training_data_sha256"]
    assert [(d["kind"], d["rows"]) for d in described] == [(s["kind"], s["rows"]) for s in card["sources"]]
    for source in card["sources"]:
        assert source.get("licence"), f"{source['name']}: the card must say under which licence it was used"


def test_rebuild_matches_the_card(card, tmp_path):
    """Same labels, same seed, the card's hyperparameters: same thresholds, same metrics, and
    on the same scikit-learn version the very same model file."""
    h = card["hyperparameters"]
    frame, heldout, _ = card_frames(card)
    rebuilt = train(frame, seed=card["seed"], hyper=Hyper(h["text_config"], h["C"], h["stance_class_weight"]),
                    heldout=heldout, progress=lambda m: None)
    rebuilt.save(tmp_path / "m")
    for name, value in card["thresholds"].items():
        assert rebuilt.thresholds[name] == pytest.approx(value, abs=1e-6)
    for name, metrics in card["heldout_metrics"].items():
        key = "macro_f1" if name == "stance" else "roc_auc"
        assert rebuilt.card["heldout_metrics"][name][key] == pytest.approx(metrics[key], abs=1e-6)
    if card["versions"]["scikit-learn"] == sklearn.__version__:
        assert rebuilt.card["model_sha256"] == card["model_sha256"]
