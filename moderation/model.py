"""The fitted model: one featurizer shared by four heads, their thresholds, and its files.

A model directory holds `model.skops` (the fitted scikit-learn objects, in skops's format,
which loads without executing code) and `card.json` (versions, training data hash, sources,
thresholds, held-out metrics). Loading checks the file against the card's SHA-256 and the
versions it was made with, so a corrupt or foreign file is an error that says how to rebuild.
The skops file is canonicalised (object ids renumbered, zip timestamps fixed) so the same
labels and seed give byte-identical files.
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

FORMAT_VERSION = 2  # 2: vocabularies as joined strings (features.state); 1 still loads
READABLE_FORMATS = (1, 2)
MODEL_FILE = "model.skops"
CARD_FILE = "card.json"
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

    def predict(self, frame):
        """DataFrame with `incivility`, `conspiracy`, `off_topic` probabilities, `flags`,
        `stance` and `stance_<class>` probabilities, in the frame's row order."""
        import pandas as pd

        X = self.featurizer.transform(frame)
        out = pd.DataFrame(index=frame.index)
        for name in BINARY_LABELS:
            head = self.heads.get(name)
            out[name] = head.predict_proba(X)[:, 1] if head is not None else np.nan
        stance_head = self.heads.get("stance")
        if stance_head is not None:
            proba = stance_head.predict_proba(X)
            classes = list(stance_head.classes_)
            for s in STANCES:
                out[f"stance_{s}"] = proba[:, classes.index(s)] if s in classes else 0.0
            out["stance"] = [STANCES[i] for i in np.argmax(out[[f"stance_{s}" for s in STANCES]].to_numpy(), axis=1)]
        over = {n: out[n].to_numpy() >= self.thresholds.get(n, 0.5) for n in BINARY_LABELS}  # NaN -> False
        out["flags"] = [";".join(n for n in BINARY_LABELS if over[n][i]) for i in range(len(out))]
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

        import skops.io as sio

        target = Path(directory)
        payload = canonical_skops(sio.dumps({
            "format": FORMAT_VERSION,
            "featurizer": self.featurizer.state(),
            "heads": self.heads,
            "thresholds": self.thresholds,
        }))
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


def canonical_skops(data: bytes) -> bytes:
    """skops names its array files and its object references after Python object ids, and
    stamps the zip with the time; renumber both in order of appearance and zero the times,
    so equal models give equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    ids: dict[int, int] = {}
    files: dict[str, str] = {}

    def renumber(node):
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k == "__id__":
                    out[k] = ids.setdefault(v, len(ids) + 1)
                elif k == "file" and isinstance(v, str) and v in names:
                    out[k] = files.setdefault(v, f"{len(files) + 1:06d}{Path(v).suffix}")
                else:
                    out[k] = renumber(v)
            return out
        if isinstance(node, list):
            return [renumber(v) for v in node]
        return node

    names = set(src.namelist())
    schema = renumber(json.loads(src.read("schema.json")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        # Key order is kept as skops wrote it: it is deterministic, and dicts are rebuilt in it.
        entries = [("schema.json", json.dumps(schema).encode("utf-8"))]
        entries += sorted((files.get(n, n), src.read(n)) for n in names if n != "schema.json")
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, content)
    return out.getvalue()


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
    import sklearn
    import skops.io as sio

    from . import __version__
    from .features import CommentFeaturizer

    path = Path(directory) if directory is not None else default_model_dir()
    model_file, card_file = path / MODEL_FILE, path / CARD_FILE
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
    made_with = str(card.get("versions", {}).get("scikit-learn", ""))
    if made_with.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        print(f"warning: {path} was made with scikit-learn {made_with}, this is {sklearn.__version__}; "
              f"if scores look wrong, {REBUILD_HINT}", file=sys.stderr)
    try:
        untrusted = sio.get_untrusted_types(data=data)
        if untrusted:
            raise ModelError(f"model file holds types this toolkit does not trust: {', '.join(untrusted[:5])}",
                             path=model_file, hint=REBUILD_HINT)
        state = sio.loads(data)
        model = ModerationModel(CommentFeaturizer.from_state(state["featurizer"]), state["heads"],
                                state["thresholds"], card)
    except ModelError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to rebuild the objects is a bad file
        raise ModelError(f"cannot load model: {type(exc).__name__}: {exc}", path=model_file, hint=REBUILD_HINT) from None
    return model
