"""`moderate serve` over a real loopback socket, driven by a real HTTP client (urllib).

Two servers start once for the module, as a user would start them (`python -m moderation
serve`): one with two signing secrets in MODERATE_SIGNING_SECRETS (a rotation), one with none.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from moderation.decision_log import read_decisions, read_rows
from moderation.serve.signature import sign

from .conftest import REPO

OLD, NEW = "old-secret-5f1c", "new-secret-9a7e"
STORY_URL = "https://www.courier.example/2024/05/tram-depot-plan/?utm_source=feed"
ARTICLE_CSV = (
    "url,story_id,title,text\n"
    "https://courier.example/2024/05/tram-depot-plan,story-tram,"
    "Council approves tram depot on the old rail yard,"
    "\"The council voted 7-2 to build the tram depot on the disused rail yard, with trams from 2027.\"\n"
)
UNCIVIL = "<p>You are a <b>pathetic idiot</b> and a moron, shut up and go away you clown.</p>"
BENIGN = "Thanks for the clear write-up on the depot timetable, that answers my question."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tmp: Path, name: str, secrets: str | None) -> None:
        self.port = _free_port()
        self.db = tmp / f"{name}.db"
        self.stderr_path = tmp / f"{name}.stderr"
        env = {k: v for k, v in os.environ.items() if k != "MODERATE_SIGNING_SECRETS"}
        if secrets is not None:
            env["MODERATE_SIGNING_SECRETS"] = secrets
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moderation", "serve", "--port", str(self.port), "--log", str(self.db),
             "--articles", str(tmp / "articles"), "--max-body-kb", "16"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=self._stderr)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"server exited {self.proc.returncode}: {self.stderr}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.HTTPError, OSError):
                pass
            time.sleep(0.1)
        pytest.fail(f"server not ready in time: {self.stderr}")

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        self.proc.terminate()
        try:
            code = self.proc.wait(timeout=15)
        finally:
            self._stderr.close()
        return code

    def post(self, body: bytes, signature: str | None = None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["X-Coral-Signature"] = signature
        request = urllib.request.Request(self.url + "/", data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def rows(self) -> list[dict]:
        time.sleep(0.3)  # the log writes on a background thread, in batches
        return read_rows(self.db)


def payload(body: str, *, action: str = "NEW", parent: str | None = None, url: str = STORY_URL,
            story: str = "story-tram", author: str = "user-1", role: str = "COMMENTER") -> bytes:
    return json.dumps({
        "action": action, "comment": {"body": body, "parentID": parent},
        "author": {"id": author, "role": role}, "story": {"id": story, "url": url},
        "site": {"id": "site-1"}, "tenantID": "tenant-1", "tenantDomain": "courier.example",
    }, indent=2).encode("utf-8")


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    (tmp / "articles").mkdir()
    (tmp / "articles" / "stories.csv").write_text(ARTICLE_CSV, encoding="utf-8")
    signed, open_ = Server(tmp, "signed", f"{OLD},{NEW}"), Server(tmp, "open", None)
    try:
        deadline = time.monotonic() + 240  # the model loads in ~3 s; far longer on a busy machine
        signed.wait_ready(deadline)
        open_.wait_ready(deadline)
        yield signed, open_
    finally:
        for s in (signed, open_):
            if s.proc.poll() is None:
                s.stop()


@pytest.fixture(scope="module")
def signed(servers):
    return servers[0]


def test_healthz_reports_the_loaded_model(signed):
    with urllib.request.urlopen(signed.url + "/healthz") as r:
        info = json.loads(r.read())
    assert info["status"] == "ok" and info["signed"] is True
    assert info["articles"] == 1 and info["policy"].startswith("default-1+")


def test_signed_uncivil_html_comment_is_withheld_and_flagged(signed):
    body = payload(UNCIVIL)
    status, answer = signed.post(body, sign(body, NEW))
    assert status == 200
    decision = json.loads(answer)
    assert decision["actions"] == [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}]
    assert decision.get("status") in (None, "SYSTEM_WITHHELD")  # never REJECTED by default
    assert set(decision) <= {"status", "actions"}
    row = signed.rows()[-1]
    assert row["text"] == "You are a pathetic idiot and a moron, shut up and go away you clown."
    assert row["incivility"] > 0.5 and row["context"] == "article" and row["article_title"].startswith("Council")
    assert row["article_body"].startswith("The council voted 7-2")
    assert row["response"] == answer.decode() and row["policy_version"].startswith("default-1+")


def test_benign_comment_gets_204_with_no_body(signed):
    body = payload(BENIGN)
    status, answer = signed.post(body, sign(body, OLD))
    assert (status, answer) == (204, b"")
    assert signed.rows()[-1]["answer"] == "NO_OPINION"


def test_unsigned_and_wrongly_signed_requests_get_401_and_no_scoring(signed):
    before = len(signed.rows())
    body = payload(UNCIVIL)
    assert signed.post(body)[0] == 401
    assert signed.post(body, sign(body, "not-the-secret"))[0] == 401
    assert signed.post(body, sign(body + b" ", NEW))[0] == 401  # signature of other bytes
    assert signed.post(body, "sha1=" + sign(body, NEW)[7:])[0] == 401  # only sha256 counts
    assert len(signed.rows()) == before


def test_rotation_any_of_several_signatures_is_enough(signed):
    body = payload(BENIGN, author="rotating")
    header = f"{sign(body, 'retired-secret')},{sign(body, NEW)}"
    assert signed.post(body, header)[0] == 204
    header = f"sha256=00ff, {sign(body, OLD)}"
    assert signed.post(body, header)[0] == 204


def test_edit_and_reply_are_recorded_with_their_action_and_parent(signed):
    body = payload("<div>Edited:&nbsp;the depot&amp;yard plan</div><blockquote>trams from 2027</blockquote>",
                   action="EDIT", parent="coral-comment-42", author="editor-7")
    assert signed.post(body, sign(body, NEW))[0] in (200, 204)
    row = signed.rows()[-1]
    assert (row["action"], row["parent_id"], row["author_id"]) == ("EDIT", "coral-comment-42", "editor-7")
    assert row["text"] == "Edited: the depot&yard plan" and row["quotes"] == "trams from 2027"


def test_unknown_story_is_scored_without_context(signed):
    body = payload(BENIGN, url="https://courier.example/2024/06/other-story", story="story-other")
    assert signed.post(body, sign(body, NEW))[0] == 204
    row = signed.rows()[-1]
    assert row["context"] == "none" and row["article_key"] == "" and row["article_title"] is None


def test_malformed_and_incomplete_bodies_get_400_and_the_service_stays_up(signed):
    for raw in (b"{not json", b"[1, 2]", b"\xff\xfe", b"[" * 12_000, json.dumps({"action": "NEW"}).encode(),
                json.dumps({"action": "DELETE", "comment": {"body": "x"}}).encode(),
                json.dumps({"action": "NEW", "comment": {"body": 3}}).encode()):
        status, answer = signed.post(raw, sign(raw, NEW))
        assert status == 400, raw
        assert "error" in json.loads(answer)
    body = payload(BENIGN)
    assert signed.post(body, sign(body, NEW))[0] == 204


def test_oversized_bodies_get_413_declared_or_chunked(signed):
    big = payload("x " * 10_000)  # over the 16 KB limit the fixture set
    assert signed.post(big, sign(big, NEW))[0] == 413
    conn = http.client.HTTPConnection("127.0.0.1", signed.port, timeout=10)
    conn.request("POST", "/", body=iter([big[:8000], big[8000:]]), headers={"X-Coral-Signature": sign(big, NEW)},
                 encode_chunked=True)
    assert conn.getresponse().status == 413
    conn.close()
    body = payload(BENIGN)
    assert signed.post(body, sign(body, NEW))[0] == 204


def test_without_a_secret_unsigned_requests_are_accepted_after_a_loud_warning(servers):
    _, open_ = servers
    assert "NO SIGNING SECRET" in open_.stderr
    body = payload(UNCIVIL)
    status, answer = open_.post(body)
    assert status == 200 and json.loads(answer)["actions"][0]["reason"] == "COMMENT_DETECTED_TOXIC"


def test_staff_comments_are_recorded_but_get_no_opinion(signed):
    body = payload(UNCIVIL, role="MODERATOR", author="mod-1")
    assert signed.post(body, sign(body, NEW)) == (204, b"")
    row = signed.rows()[-1]
    assert row["author_role"] == "MODERATOR" and row["incivility"] > 0.5


def test_recorded_decisions_come_back_as_threads_for_review(signed):
    """What `moderate review --from-log` exports: every scored request, grouped by story."""
    body = payload(UNCIVIL, author="last-word")
    signed.post(body, sign(body, NEW))
    rows = signed.rows()
    threads = read_decisions(signed.db)
    assert sum(len(t.comments) for t in threads) == len(rows)
    tram = next(t for t in threads if t.thread_id == "story-tram")
    assert tram.article.title.startswith("Council approves")
    last = tram.comments[-1]
    assert last.author == "last-word" and last.extra["answer"] in ("FLAG", "SYSTEM_WITHHELD")
    assert float(last.extra["incivility"]) > 0.5 and last.extra["story_url"] == STORY_URL
    later = read_decisions(signed.db, since=last.extra["time"])
    assert [c.author for t in later for c in t.comments] == ["last-word"]


def test_review_from_log_exports_live_decisions_and_labels_add_takes_them_back(signed, tmp_path):
    """The loop: live decisions -> `review --from-log` sheet (with the scores Coral was answered
    with) -> a moderator's correction -> `labels add`, with the article context from the log."""
    import csv

    from moderation.labels import REVIEWED_NAME
    from moderation.review import review_csv

    from .conftest import run_cli
    from .test_review import sheet_rows, tiny_labels

    for author in ("loop-1", "loop-2"):
        body = payload(UNCIVIL, author=author)
        assert signed.post(body, sign(body, NEW))[0] == 200
    logged = {r["author_id"]: r for r in signed.rows()}
    sheet = tmp_path / "review.csv"
    result = run_cli("review", "--from-log", signed.db, "--output", sheet)
    assert result.returncode == 0, result.stderr.decode()
    rows = sheet_rows(sheet.read_text(encoding="utf-8-sig"))
    flagged = {r["author"]: r for r in rows if r["reason"].startswith("flagged")}
    assert {"loop-1", "loop-2"} <= set(flagged)
    mine = flagged["loop-1"]
    assert mine["p_incivility"] == f"{logged['loop-1']['incivility']:.3f}"  # the live score, not a re-score
    assert mine["source"] == str(signed.db) and mine["thread_id"] == "story-tram"
    assert mine["article_title"].startswith("Council approves") and "incivility" in mine["flags"]
    later = run_cli("review", "--from-log", signed.db, "--since", logged["loop-2"]["time"], "--output", tmp_path / "late.csv")
    assert [r["author"] for r in sheet_rows((tmp_path / "late.csv").read_text(encoding="utf-8-sig"))] == ["loop-2"]
    assert later.returncode == 0

    for r in rows:
        r["incivility"] = "y" if r is mine else ""
    edited = tmp_path / "edited.csv"
    edited.write_text(review_csv(rows), encoding="utf-8")
    labels = tiny_labels(tmp_path / "labels", count=4)
    added = run_cli("labels", "add", edited, "--labels", labels)
    assert added.returncode == 0, added.stderr.decode()
    reviewed = list(csv.DictReader((labels / REVIEWED_NAME).read_text(encoding="utf-8").splitlines()))
    assert len(reviewed) == 1 and reviewed[0]["incivility"] == "1" and reviewed[0]["text"] == mine["text"]
    article = (labels / reviewed[0]["article"]).read_text(encoding="utf-8")
    assert "The council voted 7-2" in article  # full context re-read from the log, not the sheet's title


def test_review_needs_inputs_or_a_log_not_both(signed, tmp_path):
    from .conftest import run_cli

    assert run_cli("review", "--output", tmp_path / "r.csv").returncode == 2
    both = run_cli("review", "examples", "--from-log", signed.db, "--output", tmp_path / "r.csv")
    assert both.returncode == 2 and "not both" in both.stderr.decode()
    assert run_cli("review", "examples", "--since", "2024-01-01", "--output", tmp_path / "r.csv").returncode == 2


def test_sigterm_flushes_the_log_and_exits_cleanly(servers):
    """A stop (as systemd or Ctrl-C sends) loses no decision already answered. Runs last on
    the unsigned server: it stops it."""
    _, server = servers
    before = len(read_rows(server.db))
    for i in range(20):
        server.post(payload(f"{BENIGN} {i}"))
    code = server.stop()
    assert code in (0, -signal.SIGTERM)  # uvicorn shuts down, then re-raises the signal it caught
    assert len(read_rows(server.db)) == before + 20
    assert "Traceback" not in server.stderr


def test_serve_without_the_extra_says_how_to_install(tmp_path):
    code = ("import sys; sys.modules['starlette'] = None; sys.argv = ['moderate', 'serve']; "
            "from moderation.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "pip install 'moderation[serve]'" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_policy_stops_the_start_with_one_line(tmp_path):
    (tmp_path / "p.toml").write_text('[[rule]]\nlabel = "incivility"\nstatus = "NONE"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "moderation", "serve", "--policy", str(tmp_path / "p.toml"),
                             "--log", str(tmp_path / "d.db")], capture_output=True, text=True, cwd=REPO, timeout=60,
                            env={**os.environ, "MODERATE_SIGNING_SECRETS": "x"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "p.toml: rule 1: status must be one of" in result.stderr and "NONE would publish" in result.stderr


def test_print_policy_is_the_default_policy():
    from moderation.serve.policy import DEFAULT_POLICY

    result = subprocess.run([sys.executable, "-m", "moderation", "serve", "--print-policy"], capture_output=True,
                            text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0 and result.stdout == DEFAULT_POLICY
