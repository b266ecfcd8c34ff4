"""The fitted model: one featurizer shared by four heads, their thresholds, and its files.

A model directory holds `model.npz` and `card.json` (versions, training data hash, sources,
thresholds, held-out metrics). `model.npz` is a zip of plain numpy arrays (vocabularies, idf,
coefficients) and one JSON file of settings, read with `allow_pickle=False`: loading it runs
no code from the file, unlike a pickle, and needs neither scikit-learn nor skops (format 2 kept
scikit-learn objects in a skops file; they took two seconds to load). Loading checks the file
against the card's SHA-256 and its format, so a corrupt or foreign file is an error that says
how to rebuild. Entries are written in a fixed order with fixed timestamps, so the same labels
and seed give byte-identical files.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import ModelError
from .labels import BINARY_LABELS, STANCES

# 4: plain arrays (model.npz) with 17 context features; 3 had 16 (no armed_group_support), and
# its heads' coefficients do not line up with today's features; 1 and 2 were scikit-learn
# objects in model.skops.
FORMAT_VERSION = 4
READABLE_FORMATS = (4,)
MODEL_FILE = "model.npz"
OLD_MODEL_FILE = "model.skops"
SETTINGS_ENTRY = "settings.json"
CARD_FILE = "card.json"
CHUNK_ROWS = 10_000  # rows featurised and scored at a time
PARALLEL_FROM = 20_000  # rows from which the chunks are scored on two threads
REBUILD_HINT = "rebuild it with `moderate train` (defaults: labels/ -> models/default)"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class ModerationModel:
    """Featurizer + heads. `predict(frame)` returns one row of probabilities per comment."""

    featurizer: object
    heads: dict[str, object]
    thresholds: dict[str, float]
    card: dict = field(default_factory=dict)

    def predict(self, frame, workers: int | None = None):
        """DataFrame with `incivility`, `conspiracy`, `off_topic` probabilities, `flags`,
        `stance` and `stance_<class>` probabilities, in the frame's row order (`workers`: as in
        `predict_rows`)."""
        import pandas as pd

        columns = self.predict_rows(frame["text"].tolist(), frame["parent_text"].tolist(),
                                    frame["article_text"].tolist(), frame["quotes"].tolist(),
                                    frame["depth"].to_numpy(dtype=np.float32), workers)
        return pd.DataFrame(columns, index=frame.index)

    def predict_rows(self, text: list[str], parent: list[str], article: list[str], quotes: list[str],
                     depth, workers: int | None = None) -> dict[str, object]:
        """`predict` on plain lists, without pandas (the service scores one comment at a time):
        column name -> one value per row, columns in `predict`'s order.

        Rows are scored `CHUNK_ROWS` at a time: a chunk's arrays stay in the CPU's caches, which
        made 100k comments a third faster than one pass. From `PARALLEL_FROM` rows the chunks
        are shared by two threads (most of the work is numpy and scipy, which let go of the
        GIL). A row's scores depend only on its own text, parent and article, so chunks and
        threads give exactly the scores of one pass. `workers=1`: the calling thread only."""
        from .heads import StackedHeads

        if self.__dict__.get("_stacked_heads") is None:
            self._stacked_heads = StackedHeads(self.heads)
        n = len(text)
        depth = np.asarray(depth)
        if workers is None:
            workers = min(2, os.cpu_count() or 1) if n >= PARALLEL_FROM else 1
        if getattr(self.featurizer, "whole_batch", False):
            workers, size = 1, max(n, 1)  # a featurizer that must see the batch whole (review's keeps its blocks)
        else:
            size = CHUNK_ROWS
        parts = [slice(a, min(a + size, n)) for a in range(0, n, size)] or [slice(0, 0)]

        def score(part: slice) -> dict[str, np.ndarray]:
            return self._stacked_heads.predict_proba(self.featurizer.transform_blocks(
                text[part], parent[part], article[part], quotes[part], depth[part]))

        if workers > 1 and len(parts) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(min(workers, len(parts)), thread_name_prefix="moderation-score") as pool:
                scored = list(pool.map(score, parts))
        else:
            scored = [score(part) for part in parts]
        probabilities = {name: np.concatenate([p[name] for p in scored]) for name in scored[0]}
        out: dict[str, object] = {}
        for name in BINARY_LABELS:
            out[name] = probabilities[name][:, 1] if name in probabilities else np.full(n, np.nan)
        stance_head = self.heads.get("stance")
        if stance_head is not None:
            proba = probabilities["stance"]
            classes = [str(c) for c in stance_head.classes_]
            stacked = np.column_stack([proba[:, classes.index(s)] if s in classes else np.zeros(n) for s in STANCES])
            for i, s in enumerate(STANCES):
                out[f"stance_{s}"] = stacked[:, i]
            out["stance"] = np.array(STANCES, dtype=object)[np.argmax(stacked, axis=1)].tolist()
        # each row's flags as a bit mask (label i -> bit i), then the mask's text: one string
        # per possible mask, not one join per row
        mask = np.zeros(n, dtype=np.int64)
        for bit, name in enumerate(BINARY_LABELS):
            mask |= (np.asarray(out[name]) >= self.thresholds.get(name, 0.5)).astype(np.int64) << bit  # NaN -> False
        texts = [";".join(name for bit, name in enumerate(BINARY_LABELS) if m >> bit & 1)
                 for m in range(1 << len(BINARY_LABELS))]
        out["flags"] = np.array(texts, dtype=object)[mask].tolist()
        return out

    def score(self, thread_or_table):
        """Scores for a Thread, a list of Threads, a path to a dump or table, or a DataFrame
        of comments: one row per comment with probabilities, flags and stance."""
        from .scoring import as_threads, score_threads

        return score_threads(self, as_threads(thread_or_table))

    def explain(self, frame, top: int = 5) -> list[dict[str, list[tuple[str, float]]]]:
        """Per comment and binary head: the features with the largest coefficient x value
        (exact for a linear model), positive contributions first."""
        X = self.featurizer.transform(frame).tocsr()
        names = np.array(self.featurizer.feature_names())
        result = []
        for i in range(X.shape[0]):
            row = X.getrow(i)
            per_label = {}
            for name in BINARY_LABELS:
                head = self.heads.get(name)
                if head is None:
                    continue
                contrib = row.data * head.coef_[0, row.indices]
                order = np.argsort(-contrib)[:top]
                per_label[name] = [(str(names[row.indices[j]]), float(contrib[j])) for j in order if contrib[j] > 0]
            result.append(per_label)
        return result

    # --- files -------------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        """Write model.skops and card.json into a fresh directory, then swap it in: an
        interrupted or failed run leaves the previous model exactly as it was. The model it
        replaces is kept beside it as `<directory>.previous`."""
        import shutil
        import tempfile

        target = Path(directory)
        payload = model_bytes(self)
        card = dict(self.card)
        card["format"] = FORMAT_VERSION  # what this file is written in, whatever it was loaded from
        card["model_sha256"] = sha256_bytes(payload)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            (staging / MODEL_FILE).write_bytes(payload)
            (staging / CARD_FILE).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            previous = previous_dir(target)
            if target.exists():
                shutil.rmtree(previous, ignore_errors=True)
                os.replace(target, previous)
            os.replace(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self.card = card
        return target


def previous_dir(directory: str | Path) -> Path:
    """Where `save` keeps the model it replaced."""
    target = Path(directory)
    return target.parent / f"{target.name}.previous"


def restore_previous(directory: str | Path) -> Path:
    """Put back the model `save` replaced: `<directory>.previous` becomes `<directory>` and
    the model it displaces becomes `.previous` (so restoring twice undoes the restore)."""
    import shutil

    target = Path(directory)
    previous = previous_dir(target)
    if not (previous / MODEL_FILE).is_file():
        raise ModelError("no previous model to restore", path=previous,
                         hint="a previous model is kept only after `moderate train` replaced one")
    swap = target.parent / f".{target.name}.swap"
    shutil.rmtree(swap, ignore_errors=True)
    if target.exists():
        os.replace(target, swap)
    os.replace(previous, target)
    if swap.exists():
        os.replace(swap, previous)
    return target


def model_bytes(model: ModerationModel) -> bytes:
    """The model file: settings as JSON and every array as a .npy entry, in name order, with
    fixed timestamps (the same model gives the same bytes)."""
    settings, arrays = model.featurizer.state()
    for name, head in model.heads.items():
        arrays.update(head.arrays(f"heads.{name}"))
    settings = {"format": FORMAT_VERSION, "featurizer": settings, "heads": list(model.heads),
                "thresholds": model.thresholds}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        entries = [(SETTINGS_ENTRY, json.dumps(settings, sort_keys=True).encode("utf-8"))]
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            entries.append((f"{name}.npy", buffer.getvalue()))
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return out.getvalue()


def model_from_bytes(data: bytes, card: dict) -> ModerationModel:
    """Rebuild a model from its file's bytes; arrays only, never a pickle."""
    from .features import CommentFeaturizer
    from .heads import LinearHead

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        settings = json.loads(archive.read(SETTINGS_ENTRY))
        arrays = {name[:-4]: np.lib.format.read_array(io.BytesIO(archive.read(name)), allow_pickle=False)
                  for name in archive.namelist() if name.endswith(".npy")}
    featurizer = CommentFeaturizer.from_state(settings["featurizer"], arrays)
    heads = {name: LinearHead.from_arrays(arrays, f"heads.{name}") for name in settings["heads"]}
    return ModerationModel(featurizer, heads, {k: float(v) for k, v in settings["thresholds"].items()}, card)


def default_model_dir() -> Path:
    """$MODERATE_MODEL, else the repository's models/default (a checkout), else the copy
    `pip install` put under the environment's share/moderation/models/default."""
    env = os.environ.get("MODERATE_MODEL")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parent.parent / "models" / "default"
    if (checkout / MODEL_FILE).exists():
        return checkout
    return Path(sys.prefix) / "share" / "moderation" / "models" / "default"


def load_model(directory: str | Path | None = None) -> ModerationModel:
    """Load a model directory, checking it against its card first."""
    from . import __version__

    path = Path(directory) if directory is not None else default_model_dir()
    model_file, card_file = path / MODEL_FILE, path / CARD_FILE
    if (path / OLD_MODEL_FILE).is_file() and not model_file.is_file():
        raise ModelError(f"this model was made by an earlier version of moderation (format 1 or 2, {OLD_MODEL_FILE}); "
                         f"this version ({__version__}) reads format {FORMAT_VERSION} ({MODEL_FILE})", path=path,
                         hint=REBUILD_HINT)
    if not model_file.is_file() or not card_file.is_file():
        raise ModelError(f"no model here (needs {MODEL_FILE} and {CARD_FILE})", path=path, hint=REBUILD_HINT)
    try:
        card = json.loads(card_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"unreadable model card: {exc}", path=card_file, hint=REBUILD_HINT) from None
    data = model_file.read_bytes()
    if sha256_bytes(data) != card.get("model_sha256"):
        raise ModelError("model file does not match its card's SHA-256 (corrupt or replaced)", path=model_file,
                         hint=REBUILD_HINT)
    if card.get("format") not in READABLE_FORMATS:
        raise ModelError(f"model format {card.get('format')} is not a format ({', '.join(map(str, READABLE_FORMATS))}) this "
                         f"version of moderation ({__version__}) reads", path=path, hint=REBUILD_HINT)
    try:
        return model_from_bytes(data, card)
    except Exception as exc:  # noqa: BLE001 - any failure to rebuild the objects is a bad file
        raise ModelError(f"cannot load model: {type(exc).__name__}: {exc}", path=model_file, hint=REBUILD_HINT) from None
