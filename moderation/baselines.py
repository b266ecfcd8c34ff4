"""Other tools scored on the same comments, for side-by-side figures.

alt-profanity-check is the usual off-the-shelf incivility baseline. It pins an older
scikit-learn than ours, so it is not a dependency: it is used when it imports in this
interpreter, or run in another Python that has it (`--apc-python PATH`), texts in and
probabilities out as JSON over a pipe.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
from dataclasses import dataclass

APC_NAME = "alt-profanity-check"
_APC_CODE = ("import json,sys; from profanity_check import predict_prob; "
             "print(json.dumps([float(p) for p in predict_prob(json.load(sys.stdin))]))")


@dataclass
class BaselineScores:
    """Probabilities per text, or None with the reason it is not available."""

    name: str
    scores: list[float] | None
    note: str


def apc_scores(texts: list[str], python: str | None = None) -> BaselineScores:
    """alt-profanity-check's probability per text: in another interpreter when `python` is
    given, else in this one when it imports; otherwise `scores` is None and `note` says why."""
    if python:
        try:
            result = subprocess.run([python, "-c", _APC_CODE], input=json.dumps(texts), capture_output=True, text=True)
        except OSError as exc:
            return BaselineScores(APC_NAME, None, f"not available: cannot run {python}: {exc.strerror or exc}")
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["failed"])[-1]
            return BaselineScores(APC_NAME, None, f"not available in {python}: {last[-200:]}")
        return BaselineScores(APC_NAME, json.loads(result.stdout), f"run by {python}")
    if importlib.util.find_spec("profanity_check") is None:
        return BaselineScores(APC_NAME, None, "not installed here (give a Python that has it with --apc-python)")
    from profanity_check import predict_prob

    return BaselineScores(APC_NAME, [float(p) for p in predict_prob(texts)], "imported in this interpreter")
