"""The moderation phase itself, without HTTP: bytes in, (status, bytes) out.

`Service.handle` does, in order: verify the signature on the raw bytes (401), parse and check
the JSON (400), HTML -> text, look up the story's article, score, apply the policy, queue the
decision row, answer. Keeping this free of the web framework lets the tests and the benchmark
reason about exactly what Coral gets, and keeps `app.py` a thin adapter.

The model is loaded once (`load`, on a background thread at start-up, so `/healthz` can say
"loading" meanwhile); nothing reads the disk while answering.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..decision_log import DecisionLog, DecisionRow, utc_now
from ..html_text import html_to_text
from .articles import ArticleRegistry, load_articles
from .policy import Policy, load_policy
from .signature import verify

DEFAULT_MAX_BODY = 64 * 1024  # bytes; Coral's longest comments are a few KB of HTML
ACTIONS = ("NEW", "EDIT")
_JSON = {"separators": (",", ":"), "ensure_ascii": False}


@dataclass
class ServeConfig:
    model_dir: Path | None = None
    policy_path: Path | None = None
    articles_dir: Path | None = None
    log_path: Path = Path("decisions.db")
    secrets: list[bytes] = field(default_factory=list)
    max_body: int = DEFAULT_MAX_BODY


def _error(message: str) -> bytes:
    return json.dumps({"error": message}, **_JSON).encode("utf-8")


class BadRequest(ValueError):
    """The body is not an external moderation request."""


def _text_field(obj: dict, key: str, where: str, required: bool = False) -> str:
    value = obj.get(key)
    if value is None:
        if required:
            raise BadRequest(f"{where + '.' if where else ''}{key} is missing")
        return ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise BadRequest(f"{where + '.' if where else ''}{key} must be a string")
    return str(value)


def _object(payload: dict, key: str, required: bool = False) -> dict:
    value = payload.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise BadRequest(f"{key} must be an object")
    return value


@dataclass(frozen=True)
class ModerationRequest:
    """The fields of Coral's ExternalModerationRequest this service uses."""

    action: str
    body: str
    parent_id: str
    author_id: str
    author_role: str
    story_id: str
    story_url: str
    site_id: str
    tenant_id: str

    @classmethod
    def parse(cls, raw: bytes) -> "ModerationRequest":
        try:
            payload = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadRequest(f"body is not JSON: {exc}") from None
        except RecursionError:
            raise BadRequest("body is nested too deeply") from None
        if not isinstance(payload, dict):
            raise BadRequest("body must be a JSON object")
        action = payload.get("action")
        if action not in ACTIONS:
            raise BadRequest("action must be NEW or EDIT")
        comment = _object(payload, "comment", required=True)
        if not isinstance(comment.get("body"), str):
            raise BadRequest("comment.body must be a string")
        author, story, site = _object(payload, "author"), _object(payload, "story"), _object(payload, "site")
        tenant = _object(payload, "tenant")  # Coral before 6.x sent tenant {id, domain}
        return cls(action=action, body=comment["body"], parent_id=_text_field(comment, "parentID", "comment"),
                   author_id=_text_field(author, "id", "author"), author_role=_text_field(author, "role", "author"),
                   story_id=_text_field(story, "id", "story"), story_url=_text_field(story, "url", "story"),
                   site_id=_text_field(site, "id", "site"),
                   tenant_id=_text_field(payload, "tenantID", "") or _text_field(tenant, "id", "tenant"))


class Service:
    """Policy, articles, decision log and (once `load` ran) the model, answering requests."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.policy: Policy = load_policy(config.policy_path)
        self.articles: ArticleRegistry = load_articles(config.articles_dir)
        self.log = DecisionLog(config.log_path)
        self.ready = threading.Event()
        self.load_error: BaseException | None = None
        self.model = None
        self.scorer = None
        self.model_sha = ""
        self.load_seconds = 0.0

    # --- start-up --------------------------------------------------------------------
    def load(self) -> None:
        """Load the model and warm the scorer up; sets `ready` (or `load_error`)."""
        start = time.perf_counter()
        try:
            from ..model import load_model
            from .scorer import FastScorer

            self.model = load_model(self.config.model_dir)
            self.model_sha = str(self.model.card.get("model_sha256", ""))
            self.scorer = FastScorer(self.model)
            self.scorer.score("warm-up comment", article="warm-up article")
            import gc

            gc.collect()
            gc.freeze()  # the model's millions of objects leave the collector's view: no long pauses
        except BaseException as exc:  # noqa: BLE001 - reported by the CLI, which exits 2
            self.load_error = exc
            raise
        finally:
            self.load_seconds = time.perf_counter() - start
        self.ready.set()

    def close(self) -> None:
        self.log.close()

    def health(self) -> tuple[int, dict]:
        info = {"policy": self.policy.version, "articles": len(self.articles),
                "decisions_written": self.log.written, "signed": bool(self.config.secrets)}
        if not self.ready.is_set():
            return 503, {"status": "loading", **info}
        return 200, {"status": "ok", "model_sha256": self.model_sha, **info}

    # --- requests --------------------------------------------------------------------
    def handle(self, raw: bytes, signature: str | None) -> tuple[int, bytes]:
        """(HTTP status, response body) for one POSTed request body."""
        start = time.perf_counter()
        if not self.ready.is_set():
            return 503, _error("model still loading")
        if self.config.secrets and not verify(raw, signature, self.config.secrets):
            return 401, _error("missing or wrong X-Coral-Signature")
        try:
            request = ModerationRequest.parse(raw)
        except BadRequest as exc:
            return 400, _error(str(exc))
        text, quotes = html_to_text(request.body)
        quoted = "\n\n".join(quotes)
        article = self.articles.lookup(request.story_url, request.story_id)
        article_text = article.text if article is not None else ""
        scores = self.scorer.score(text, article=article_text, quotes=quoted, depth=2 if request.parent_id else 1)
        decision = self.policy.decide(scores.labels, self.scorer.thresholds, has_article=bool(article_text),
                                      role=request.author_role or None)
        body = b"" if decision.body is None else json.dumps(decision.body, **_JSON).encode("utf-8")
        latency = (time.perf_counter() - start) * 1000
        self.log.record(DecisionRow(
            time=utc_now(), action=request.action, context="article" if article_text else "none", text=text,
            http_status=decision.http_status, answer=decision.answer, policy_version=self.policy.version,
            tenant_id=request.tenant_id, site_id=request.site_id, story_id=request.story_id,
            story_url=request.story_url,
            author_id=request.author_id, author_role=request.author_role, parent_id=request.parent_id,
            quotes=quoted, incivility=scores.labels.get("incivility"), conspiracy=scores.labels.get("conspiracy"),
            off_topic=scores.labels.get("off_topic"), stance=scores.stance,
            **{f"stance_{s}": p for s, p in scores.stance_probs.items()}, flags=";".join(scores.flags),
            response=body.decode("utf-8"), model_sha256=self.model_sha, latency_ms=round(latency, 3)),
            article if article_text else None)
        return decision.http_status, body
