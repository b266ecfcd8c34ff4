"""Which score leads to which answer to Coral: a small TOML file, versioned in every decision.

A policy is a list of rules. Each rule names a label, a minimum score (a number, or
`"threshold"` for the model's own F1-best threshold) and what to ask of Coral when the comment
reaches it: a flag (`COMMENT_DETECTED_TOXIC` / `COMMENT_DETECTED_SPAM`, the two reasons
Coral's external phase accepts; any other makes Coral discard the whole answer) and/or a
status. Every matching rule contributes its flag; the most severe status wins
(REJECTED > SYSTEM_WITHHELD > PREMOD > APPROVED). No match -> no opinion (HTTP 204), never
`NONE`, which would publish the comment and skip Coral's remaining checks.

The default never rejects: the model assists moderators, it does not replace them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ModerationError
from ..labels import BINARY_LABELS

FLAG_REASONS = ("COMMENT_DETECTED_TOXIC", "COMMENT_DETECTED_SPAM")
STATUSES = ("APPROVED", "PREMOD", "SYSTEM_WITHHELD", "REJECTED")  # least to most severe
REJECTION_CODES = ("OFFENSIVE", "ABUSIVE", "SPAM", "BANNED_WORD", "AD", "ILLEGAL_CONTENT",
                   "HARASSMENT_BULLYING", "MISINFORMATION", "HATE_SPEECH", "IRRELEVANT_CONTENT", "OTHER")
ROLES = ("COMMENTER", "STAFF", "MODERATOR", "ADMIN", "MEMBER")

DEFAULT_POLICY = """\
# moderate serve: the default policy. Copy it, edit it, pass it with --policy FILE.
version = "default-1"

# Comments by these Coral roles are scored and recorded, but the answer is always 204.
skip_roles = ["ADMIN", "MODERATOR", "STAFF"]

# Clear incivility (over the model's own threshold): flag it for a moderator, publish it.
[[rule]]
label = "incivility"
min = "threshold"
flag = "COMMENT_DETECTED_TOXIC"

# Near-certain incivility: hold it back until a moderator has looked.
[[rule]]
label = "incivility"
min = 0.95
flag = "COMMENT_DETECTED_TOXIC"
status = "SYSTEM_WITHHELD"

# A likely conspiracy claim: hold it back as possible misinformation.
[[rule]]
label = "conspiracy"
min = 0.7
status = "SYSTEM_WITHHELD"

# Off-topic: flag only, and only when the article was known (without it the score has no
# target to compare with). Coral has no off-topic reason; SPAM is the closest it accepts.
[[rule]]
label = "off_topic"
min = "threshold"
flag = "COMMENT_DETECTED_SPAM"
needs_article = true
"""


class PolicyError(ModerationError):
    """A policy file that cannot be read or asks Coral for something it does not accept."""


@dataclass(frozen=True)
class Rule:
    label: str
    min: float | str  # a probability, or "threshold" (the model's own)
    flag: str | None = None
    status: str | None = None
    rejection_reason: str | None = None
    needs_article: bool = False

    def cutoff(self, thresholds: dict[str, float]) -> float:
        return thresholds.get(self.label, 0.5) if self.min == "threshold" else float(self.min)


@dataclass(frozen=True)
class Decision:
    """What the policy asks of Coral: HTTP status and JSON body (None for 204)."""

    http_status: int
    body: dict | None
    matched: tuple[int, ...] = ()  # indices of the rules that fired

    @property
    def answer(self) -> str:
        """A short word for the log: NO_OPINION, FLAG, or the Coral status."""
        if self.body is None:
            return "NO_OPINION"
        return str(self.body.get("status", "FLAG"))


@dataclass(frozen=True)
class Policy:
    rules: tuple[Rule, ...]
    version: str
    skip_roles: frozenset[str] = field(default_factory=frozenset)
    source: str = "<default>"

    def decide(self, scores: dict[str, float], thresholds: dict[str, float], *, has_article: bool,
               role: str | None = None) -> Decision:
        """Apply the rules to one comment's label probabilities."""
        if role is not None and role.upper() in self.skip_roles:
            return Decision(204, None)
        flags: list[str] = []
        status: str | None = None
        reason: str | None = None
        matched = []
        for i, rule in enumerate(self.rules):
            score = scores.get(rule.label)
            if score is None or score != score or score < rule.cutoff(thresholds):  # NaN never fires
                continue
            if rule.needs_article and not has_article:
                continue
            matched.append(i)
            if rule.flag and rule.flag not in flags:
                flags.append(rule.flag)
            if rule.status and (status is None or STATUSES.index(rule.status) > STATUSES.index(status)):
                status, reason = rule.status, rule.rejection_reason
        if not flags and status is None:
            return Decision(204, None, tuple(matched))
        body: dict = {}
        if status is not None:
            body["status"] = status
        if flags:
            body["actions"] = [{"actionType": "FLAG", "reason": f} for f in flags]
        if status == "REJECTED":
            body["moderationAction"] = {"status": "REJECTED", "rejectionReason": {"code": reason}}
        return Decision(200, body, tuple(matched))


def _fail(message: str, source: str, hint: str = "") -> PolicyError:
    return PolicyError(message, path=source, hint=hint or "see docs/serve.md for the policy format")


def parse_policy(text: str, source: str = "<policy>") -> Policy:
    """A Policy from TOML text; every mistake is a PolicyError naming the rule."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(f"not valid TOML: {exc}", source) from None
    unknown = set(data) - {"version", "skip_roles", "rule"}
    if unknown:
        raise _fail(f"unknown key(s) {', '.join(sorted(unknown))}", source, "use version, skip_roles and [[rule]]")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    version = f"{data.get('version', 'unnamed')}+{digest}"
    roles = data.get("skip_roles", [])
    if not isinstance(roles, list) or any(str(r).upper() not in ROLES for r in roles):
        raise _fail(f"skip_roles must list roles among {', '.join(ROLES)}", source)
    rules = []
    for n, raw in enumerate(data.get("rule", []), start=1):
        where = f"rule {n}"
        if not isinstance(raw, dict):
            raise _fail(f"{where}: write it as a [[rule]] table", source)
        extra = set(raw) - {"label", "min", "flag", "status", "rejection_reason", "needs_article"}
        if extra:
            raise _fail(f"{where}: unknown key(s) {', '.join(sorted(extra))}", source)
        label = raw.get("label")
        if label not in BINARY_LABELS:
            raise _fail(f"{where}: label must be one of {', '.join(BINARY_LABELS)}", source)
        minimum = raw.get("min", "threshold")
        if minimum != "threshold" and (isinstance(minimum, bool) or not isinstance(minimum, (int, float))
                                       or not 0 <= minimum <= 1):
            raise _fail(f"{where}: min must be a probability between 0 and 1 or \"threshold\"", source)
        flag, status, reason = raw.get("flag"), raw.get("status"), raw.get("rejection_reason")
        if flag is not None and flag not in FLAG_REASONS:
            raise _fail(f"{where}: flag {flag!r} is not one Coral accepts from an external phase", source,
                        f"use {' or '.join(FLAG_REASONS)}; Coral drops the whole answer on any other")
        if status is not None and status not in STATUSES:
            hint = "NONE would publish the comment and skip Coral's later checks" if status == "NONE" else ""
            raise _fail(f"{where}: status must be one of {', '.join(STATUSES)}", source, hint)
        if status == "REJECTED" and reason not in REJECTION_CODES:
            raise _fail(f"{where}: a REJECTED rule needs rejection_reason, one of {', '.join(REJECTION_CODES)}", source)
        if reason is not None and status != "REJECTED":
            raise _fail(f"{where}: rejection_reason only goes with status = \"REJECTED\"", source)
        if flag is None and status is None:
            raise _fail(f"{where}: give a flag, a status or both", source)
        rules.append(Rule(label, minimum if minimum == "threshold" else float(minimum), flag, status, reason,
                          bool(raw.get("needs_article", False))))
    return Policy(tuple(rules), version, frozenset(str(r).upper() for r in roles), source)


def load_policy(path: str | Path | None = None) -> Policy:
    """The policy file at `path`, or the default policy."""
    if path is None:
        return parse_policy(DEFAULT_POLICY, "<default policy>")
    from ..reading import read_text

    return parse_policy(read_text(path), str(path))
