"""Lexical cues that a TF-IDF model cannot learn from a few thousand labeled comments.

One of the commonest conspiracy claims under news about wars is that a power secretly supplies,
arms, funds or moves the armed group it says it fights (GUIDELINES.md names it). Its words are
ordinary: "supply", "transport", "train", "the rebels", and each is used as often in plain
reporting ("the parliament approved arms for the rebels") as in the claim, so word and character
n-grams see only pieces that cancel out. `armed_group_support` marks a comment with a sentence
that names an armed group and a verb of supporting or moving it. It is a feature, not a rule:
the conspiracy head learns from the labels how much it is worth, and the documented arms deals
and aid among the labels' hard negatives keep it from deciding alone.

Measured when it was added (`moderate train` as the README gives it, full search, with and
without the cue): it fires on 3.4% of the conspiracy positives in labels/ and 0.3% of the
negatives; the conspiracy head's cross-validated ROC-AUC went 0.9316 -> 0.9302 and its held-out
ROC-AUC 0.9611 -> 0.9607, i.e. no gain on our own threads, where the claim is rare; it is what
lets the model flag the claim when it is stated flatly, as in the seed thread's reply 1.1.1.2
(conspiracy 0.079 -> 0.351, threshold 0.220).
"""

from __future__ import annotations

import re

import numpy as np

#: Single words that name an armed group (lower case, as the tokeniser cuts them).
ARMED_GROUPS = frozenset("""
terrorist terrorists militant militants jihadi jihadis jihadist jihadists insurgent insurgents
rebel rebels militia militias isis isil daesh qaeda alqaeda shabaab taliban hamas hezbollah
hizbollah boko cartel cartels mercenary mercenaries guerrilla guerrillas guerilla guerillas
extremist extremists fighters paramilitary paramilitaries warlord warlords nazi nazis islamist
islamists
""".split())
_SUPPORT = re.compile(
    r"\b(?:suppl(?:y|ies|ied|ying)|arm(?:s|ed|ing)?|fund(?:s|ed|ing)?|financ(?:e|es|ed|ing)"
    r"|bankroll(?:s|ed|ing)?|train(?:s|ed|ing)?|equip(?:s|ped|ping)?|ship(?:s|ped|ping)?"
    r"|transport(?:s|ed|ing)?|fl(?:y|ies|ew|own|ying)|ferr(?:y|ies|ied|ying)|smuggl(?:e|es|ed|ing)"
    r"|protect(?:s|ed|ing)?|creat(?:e|es|ed|ing)|run(?:s|ning)?|ran|back(?:s|ed|ing)?"
    r"|sponsor(?:s|ed|ing)?|pa(?:y|ys|id|ying)|shelter(?:s|ed|ing)?|deliver(?:s|ed|ing)?"
    r"|launder(?:s|ed|ing)?|set\s+up)\b")
_SENTENCE = re.compile(r"[^.!?\n]+")
_WORD = re.compile(r"\w+")


def names_supported_armed_group(text: str) -> bool:
    """Does a sentence of `text` name an armed group and a verb of supplying, arming, funding
    or moving someone? (Who does it, and whether it is documented, is for the head to weigh.)"""
    for sentence in _SENTENCE.findall(text.lower()):
        if _SUPPORT.search(sentence) and not ARMED_GROUPS.isdisjoint(_WORD.findall(sentence)):
            return True
    return False


def armed_group_support(texts: list[str], candidates: np.ndarray | None = None) -> np.ndarray:
    """`names_supported_armed_group` for each text, as 0/1. `candidates` (a boolean per text:
    does it contain an armed-group word at all?) lets a batch skip the sentence test for the
    great majority of comments, which never name one."""
    out = np.zeros(len(texts), dtype=np.float32)
    indices = range(len(texts)) if candidates is None else np.flatnonzero(candidates).tolist()
    for i in indices:
        out[i] = names_supported_armed_group(texts[i])
    return out
