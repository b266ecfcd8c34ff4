"""Shared fixtures: the seed dumps live in ../shared/seeds beside the repository."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.fail(f"{SEEDS} is missing: clone the repository with ../shared beside it")
    return SEEDS


@pytest.fixture(scope="session")
def seed_thread_path(seeds: Path) -> Path:
    return next(seeds.glob("004_*.txt"))


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real `moderate` entry point (`python -m moderation`) and capture its output."""
    return subprocess.run([sys.executable, "-m", "moderation", *map(str, args)], input=stdin,
                          capture_output=True, cwd=cwd or REPO, timeout=120)


def first_train_threads(count: int):
    """The training frame of the first `count` threads of labels/' train split: small enough
    to train on in a test, real enough to exercise every head."""
    from moderation.frames import label_set_frame

    frame = label_set_frame(REPO / "labels", "train")
    groups = sorted(set(frame["group"]))[:count]
    return frame[frame["group"].isin(groups)].reset_index(drop=True)


def fast_hyper():
    """Fixed, cheap hyperparameters (word n-grams, no search) for tests that train."""
    from moderation.training import Hyper

    return Hyper("word", {"incivility": 4.0, "conspiracy": 4.0, "off_topic": 4.0, "stance": 4.0}, None)
