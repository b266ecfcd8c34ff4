"""Load on `moderate serve` over loopback (not a test: prints its figures).

    python benchmarks/serve.py [--seconds 30] [--clients 16] [--port 18765]

Starts the service as a user would (`python -m moderation serve`, a signing secret, a fresh
decision log in a temporary folder, an article registry for half the stories), waits for
/healthz, then drives it with N concurrent keep-alive clients for the given time, each
posting signed Coral requests built from the project's own labeled comments (labels/threads:
plain text and HTML, top-level comments and replies, NEW and EDIT). Prints requests/s, the
latency percentiles seen by the clients, the answers, and the server's CPU use. Only
127.0.0.1 is contacted; the run stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SECRET = "benchmark-secret"


def comment_pool(limit: int = 3000) -> tuple[list[str], list[tuple[str, str]]]:
    """Comment texts and (story slug, article text) pairs from labels/threads."""
    from moderation.inputs import parse_thread

    texts, stories = [], []
    for path in sorted((REPO / "labels" / "threads").glob("*.txt")):
        thread = parse_thread(path)
        stories.append((path.stem, thread.article.text))
        texts.extend(c.text for c in thread.comments if c.text.strip())
        if len(texts) >= limit:
            break
    return texts, stories


def requests_pool(n: int, seed: int = 7) -> tuple[list[tuple[bytes, str]], list[tuple[str, str]]]:
    """(body, signature header) pairs, and the stories whose articles the registry knows."""
    from moderation.serve.signature import sign

    rng = random.Random(seed)
    texts, stories = comment_pool()
    out = []
    for i in range(n):
        text = rng.choice(texts)
        if rng.random() < 0.5:  # Coral's HTML format
            body = f"<p>{text}</p>" if rng.random() < 0.8 else f"<blockquote>{rng.choice(texts)}</blockquote><p>{text}</p>"
        else:
            body = text
        slug, _ = rng.choice(stories)
        payload = {"action": "EDIT" if rng.random() < 0.05 else "NEW",
                   "comment": {"body": body, "parentID": f"c{rng.randint(1, 10**6)}" if rng.random() < 0.6 else None},
                   "author": {"id": f"user-{rng.randint(1, 5000)}", "role": "COMMENTER"},
                   "story": {"id": f"story-{slug}", "url": f"https://news.example/{slug}"},
                   "site": {"id": "site-1"}, "tenantID": "tenant-1", "tenantDomain": "news.example"}
        raw = json.dumps(payload, indent=2).encode("utf-8")
        out.append((raw, sign(raw, SECRET)))
    return out, stories[: len(stories) // 2]


def client(port: int, pool: list, deadline: float, seed: int, latencies: list, statuses: Counter, lock,
           interval: float = 0.0) -> None:
    """Post until the deadline: back to back, or (interval > 0) on a fixed schedule, timing each
    request from when it was due so a slow server cannot hide its backlog."""
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    mine, codes = [], Counter()
    due = time.perf_counter() + rng.random() * interval
    while time.perf_counter() < deadline:
        body, signature = pool[rng.randrange(len(pool))]
        if interval:
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            start, due = due, due + interval
        else:
            start = time.perf_counter()
        try:
            conn.request("POST", "/", body=body, headers={"Content-Type": "application/json",
                                                            "X-Coral-Signature": signature})
            response = conn.getresponse()
            response.read()
            codes[response.status] += 1
        except (OSError, http.client.HTTPException):
            codes["error"] += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        mine.append(time.perf_counter() - start)
    conn.close()
    with lock:
        latencies.extend(mine)
        statuses.update(codes)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--rate", type=float, default=0,
                        help="Total requests/s on a fixed schedule (0: each client posts back to back).")
    args = parser.parse_args()

    pool, known = requests_pool(2000)
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp:
        articles = Path(tmp) / "articles"
        articles.mkdir()
        with open(articles / "stories.jsonl", "w", encoding="utf-8") as fh:
            for slug, text in known:
                fh.write(json.dumps({"url": f"https://news.example/{slug}", "story_id": f"story-{slug}", "text": text}) + "\n")
        env = {**os.environ, "MODERATE_SIGNING_SECRETS": SECRET}
        server = subprocess.Popen([sys.executable, "-m", "moderation", "serve", "--port", str(args.port),
                                   "--log", str(Path(tmp) / "decisions.db"), "--articles", str(articles)],
                                  cwd=REPO, env=env, stderr=subprocess.PIPE, text=True)
        try:
            started = time.perf_counter()
            while True:
                if server.poll() is not None:
                    sys.exit(f"server exited: {server.stderr.read()}")
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=2) as r:
                        health = json.loads(r.read())
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.perf_counter() - started > 300:
                    sys.exit("server not ready after 300 s")
                time.sleep(0.2)
            print(f"server ready in {time.perf_counter() - started:.1f} s ({health['articles']} articles known, "
                  f"half the stories)")

            def run(seconds: float) -> tuple[list, Counter, float]:
                latencies: list = []
                statuses: Counter = Counter()
                lock = threading.Lock()
                start = time.perf_counter()
                deadline = start + seconds
                interval = args.clients / args.rate if args.rate else 0.0
                threads = [threading.Thread(target=client, args=(args.port, pool, deadline, i, latencies, statuses, lock,
                                                                 interval))
                           for i in range(args.clients)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                return latencies, statuses, time.perf_counter() - start

            run(args.warmup)
            cpu_before = cpu_seconds(server.pid)
            latencies, statuses, elapsed = run(args.seconds)
            cpu = cpu_seconds(server.pid) - cpu_before
            latencies.sort()
            ms = [x * 1000 for x in latencies]
            q = statistics.quantiles(ms, n=100)
            mode = f"scheduled at {args.rate:g}/s" if args.rate else "back to back"
            print(f"{args.clients} clients ({mode}), {elapsed:.1f} s: {len(ms):,} requests, {len(ms) / elapsed:,.0f} requests/s")
            print(f"latency ms: p50 {q[49]:.1f}  p90 {q[89]:.1f}  p99 {q[98]:.1f}  max {ms[-1]:.1f}")
            print(f"answers: {dict(sorted(statuses.items(), key=str))}")
            print(f"server CPU: {cpu:.1f} s over {elapsed:.1f} s ({cpu / elapsed:.0%} of one core); "
                  f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        finally:
            server.terminate()
            server.wait(timeout=30)
        from moderation.decision_log import read_rows

        handling = sorted(r["latency_ms"] for r in read_rows(Path(tmp) / "decisions.db"))
        hq = statistics.quantiles(handling, n=100)
        print(f"inside the server (decision log, {len(handling):,} rows incl. warm-up): scoring+policy ms "
              f"p50 {hq[49]:.2f}  p99 {hq[98]:.2f}  max {handling[-1]:.1f}")


if __name__ == "__main__":
    main()
