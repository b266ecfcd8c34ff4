"""One thread at a glance: how much is flagged, who sides with whom, where it goes wrong.

`summarise(thread, scores)` reads a thread and its rows of `score_threads` (same order) and
returns plain figures a moderator or researcher can compare across threads. The rules:

- **flagged**: a comment is flagged when it carries at least one flag; per label, the count
  and share of comments carrying that flag.
- **stance**: top-level comments' stance is toward the article, replies' toward their parent;
  both are counted (and as shares) separately.
- **dominant stance**: the most frequent of support / deny / query among top-level comments
  (ties in that order); `comment` when none of them takes a stance; None without comments.
- **contested**: the share of replies whose stance is `deny` (they dispute what they answer);
  0 = nobody argues, 1 = every reply disputes its parent; None without replies.
- **most heated subthread**: among subtrees with at least `HEATED_MIN_SIZE` comments (a
  comment and all replies below it) that hold at least one flagged comment, the one with the
  highest flag density (flagged comments / comments in it); ties go to the one with more
  flagged comments, then the earlier. None when no such subtree exists.
- **derail point**: the first comment, in thread order, after which most replies are flagged:
  it has at least `DERAIL_MIN_REPLIES` replies below it (direct or nested) and more than half
  of them are flagged. The comment itself may be clean (it is where the exchange turned).
  None when the thread never derails (and always for a flat thread without replies).
- **top authors**: up to `TOP_AUTHORS` authors with the most flags (a comment with two flags
  counts two), ties by name; authors without flags are not listed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .labels import BINARY_LABELS, STANCES
from .thread import Thread

HEATED_MIN_SIZE = 3
DERAIL_MIN_REPLIES = 2
TOP_AUTHORS = 3
TAKING_SIDES = ("support", "deny", "query")


@dataclass
class ThreadSummary:
    """Figures for one thread; `as_dict()` is JSON-ready, `as_row()` one flat table row."""

    thread_id: str
    title: str
    comments: int
    authors: int
    flagged: int
    labels: dict[str, dict[str, float]] = field(default_factory=dict)
    stance_to_article: dict[str, dict[str, float]] = field(default_factory=dict)
    stance_in_replies: dict[str, dict[str, float]] = field(default_factory=dict)
    dominant_stance: str | None = None
    contested: float | None = None
    heated_subthread: dict | None = None
    derail_point: dict | None = None
    top_authors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def as_row(self) -> dict[str, object]:
        """One flat row for a researcher's table (CSV, one thread per row)."""
        row: dict[str, object] = {"thread_id": self.thread_id, "title": self.title, "comments": self.comments,
                                  "authors": self.authors, "flagged": self.flagged}
        for label, v in self.labels.items():
            row[f"{label}_count"] = v["count"]
            row[f"{label}_share"] = v["share"]
        for prefix, counts in (("article", self.stance_to_article), ("replies", self.stance_in_replies)):
            for s, v in counts.items():
                row[f"{prefix}_{s}_count"] = v["count"]
                row[f"{prefix}_{s}_share"] = v["share"]
        row["dominant_stance"] = self.dominant_stance or ""
        row["contested"] = "" if self.contested is None else self.contested
        h, d = self.heated_subthread, self.derail_point
        row["heated_root"] = h["root"] if h else ""
        row["heated_density"] = h["density"] if h else ""
        row["heated_size"] = h["comments"] if h else ""
        row["derail_at"] = d["comment"] if d else ""
        row["derail_flagged_share"] = d["flagged_share"] if d else ""
        row["top_authors"] = "; ".join(f"{a['author']} ({a['flags']})" for a in self.top_authors)
        return row

    def as_text(self) -> str:
        """A few lines for people, shown under the tree of `moderate score`."""
        def pct(x: float) -> str:
            return f"{100 * x:.0f}%"

        lines = [f"Summary: {self.comments} comments by {self.authors} authors; "
                 f"{self.flagged} flagged ({pct(self.flagged / self.comments) if self.comments else '0%'})"]
        lines.append("  flags: " + ", ".join(f"{k} {v['count']} ({pct(v['share'])})" for k, v in self.labels.items()))
        for name, counts in (("stance to article", self.stance_to_article), ("stance in replies", self.stance_in_replies)):
            total = sum(v["count"] for v in counts.values())
            if total:
                lines.append(f"  {name}: " + ", ".join(f"{s} {v['count']}" for s, v in counts.items() if v["count"]))
        facts = []
        if self.dominant_stance:
            facts.append(f"dominant stance: {self.dominant_stance}")
        if self.contested is not None:
            facts.append(f"contested: {pct(self.contested)} of replies deny")
        if facts:
            lines.append("  " + "; ".join(facts))
        if self.heated_subthread:
            h = self.heated_subthread
            lines.append(f"  most heated: subthread under {h['root']} ({h['author']}), "
                         f"{h['flagged']} of {h['comments']} flagged ({pct(h['density'])})")
        if self.derail_point:
            d = self.derail_point
            lines.append(f"  derails after {d['comment']} ({d['author']}): "
                         f"{d['flagged_replies']} of the {d['replies']} replies below it are flagged")
        if self.top_authors:
            lines.append("  most flagged authors: " + ", ".join(f"{a['author']} ({a['flags']})" for a in self.top_authors))
        return "\n".join(lines) + "\n"


def _counts(values: list[str]) -> dict[str, dict[str, float]]:
    n = len(values)
    return {s: {"count": values.count(s), "share": round(values.count(s) / n, 4) if n else 0.0} for s in STANCES}


def summarise(thread: Thread, scores) -> ThreadSummary:
    """Summarise one thread from its rows of `score_threads` (in the thread's comment order).
    The rules for every figure are in the module docstring."""
    if len(scores) != len(thread.comments):
        raise ValueError(f"scores has {len(scores)} rows for a thread of {len(thread.comments)} comments")
    records = scores.to_dict("records")
    flags = {c.id: [f for f in str(r.get("flags") or "").split(";") if f] for c, r in zip(thread.comments, records)}
    stance = {c.id: (r["stance"] if isinstance(r.get("stance"), str) else "") for c, r in zip(thread.comments, records)}
    n = len(thread.comments)
    flagged_ids = {cid for cid, f in flags.items() if f}
    labels = {}
    for label in BINARY_LABELS:
        count = sum(label in f for f in flags.values())
        labels[label] = {"count": count, "share": round(count / n, 4) if n else 0.0}

    top_level = [stance[c.id] for c in thread.comments if c.parent_id is None]
    replies = [stance[c.id] for c in thread.comments if c.parent_id is not None]
    sided = [s for s in TAKING_SIDES if top_level.count(s)]
    dominant = (max(sided, key=lambda s: (top_level.count(s), -TAKING_SIDES.index(s))) if sided
                else ("comment" if top_level else None))
    contested = round(replies.count("deny") / len(replies), 4) if replies else None

    return ThreadSummary(
        thread_id=thread.thread_id, title=thread.article.title, comments=n,
        authors=len({c.author for c in thread.comments if c.author}), flagged=len(flagged_ids), labels=labels,
        stance_to_article=_counts(top_level), stance_in_replies=_counts(replies), dominant_stance=dominant,
        contested=contested, heated_subthread=_heated(thread, flagged_ids), derail_point=_derail(thread, flagged_ids),
        top_authors=_top_authors(thread, flags))


def _subtrees(thread: Thread, flagged_ids: set[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Per comment: how many comments its subtree holds (itself included), how many flagged."""
    size = {c.id: 1 for c in thread.comments}
    hot = {c.id: int(c.id in flagged_ids) for c in thread.comments}
    for c in reversed(thread.comments):  # parents come before replies: children are done first
        if c.parent_id is not None and c.parent_id in size:
            size[c.parent_id] += size[c.id]
            hot[c.parent_id] += hot[c.id]
    return size, hot


def _heated(thread: Thread, flagged_ids: set[str]) -> dict | None:
    size, hot = _subtrees(thread, flagged_ids)
    order = {c.id: i for i, c in enumerate(thread.comments)}
    candidates = [cid for cid in size if size[cid] >= HEATED_MIN_SIZE and hot[cid] > 0]
    if not candidates:
        return None
    best = max(candidates, key=lambda cid: (hot[cid] / size[cid], hot[cid], -order[cid]))
    return {"root": best, "author": thread.get(best).author, "comments": size[best], "flagged": hot[best],
            "density": round(hot[best] / size[best], 4)}


def _derail(thread: Thread, flagged_ids: set[str]) -> dict | None:
    size, hot = _subtrees(thread, flagged_ids)
    for c in thread.comments:
        replies = size[c.id] - 1
        flagged = hot[c.id] - int(c.id in flagged_ids)
        if replies >= DERAIL_MIN_REPLIES and flagged * 2 > replies:
            return {"comment": c.id, "author": c.author, "flagged": c.id in flagged_ids, "replies": replies,
                    "flagged_replies": flagged, "flagged_share": round(flagged / replies, 4)}
    return None


def _top_authors(thread: Thread, flags: dict[str, list[str]]) -> list[dict]:
    per: dict[str, dict] = {}
    for c in thread.comments:
        a = per.setdefault(c.author or "(anonymous)", {"author": c.author or "(anonymous)", "flags": 0, "comments": 0})
        a["flags"] += len(flags[c.id])
        a["comments"] += 1
    ranked = sorted((a for a in per.values() if a["flags"]), key=lambda a: (-a["flags"], a["author"]))
    return ranked[:TOP_AUTHORS]

