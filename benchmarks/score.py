"""Scoring speed and start-up beside alt-profanity-check (not a test: prints its figures).

    python benchmarks/score.py --apc-python PYTHON [--comments 100000]

- throughput: comments/s for all four heads of the shipped model on N synthetic comments
  (with parents and an article), vs alt-profanity-check's single head on the same texts; ours
  as `predict` runs it (two threads from 20k rows) and on one thread; each
  side first scores 100 of them (lazy imports belong to cold start, measured below);
- cold start: wall time and peak memory of `moderate score` on an example thread vs
  `python -c` importing alt-profanity-check and scoring one text.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORDS = ("the council vote budget you idiot source please agree wrong fake staged cover-up bus "
         "ferry school tax why never always people think really data report secret plan").split()


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process (GNU time reports the RSS)."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True, check=True, cwd=REPO)
    wall = time.perf_counter() - start
    return wall, int(result.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apc-python", required=True)
    parser.add_argument("--comments", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(3)
    texts = [" ".join(rng.choices(WORDS, k=rng.randint(5, 40))) for _ in range(args.comments)]

    sys.path.insert(0, str(REPO))
    import pandas as pd

    from moderation.frames import _typed
    from moderation.model import load_model

    model = load_model()
    frame = _typed(pd.DataFrame({"text": texts, "parent_text": [texts[i - 1] if i % 3 else "" for i in range(len(texts))],
                                 "article_text": "A synthetic article about the council budget and the ferry.",
                                 "quotes": "", "depth": [1 + i % 3 for i in range(len(texts))], "group": "g",
                                 "incivility": None, "conspiracy": None, "off_topic": None, "stance": None}))
    model.predict(frame.iloc[:100])  # warm-up, as for alt-profanity-check: lazy imports are cold start's
    start = time.perf_counter()
    model.predict(frame)  # large batches: two threads share the chunks (model.PARALLEL_FROM)
    ours = len(texts) / (time.perf_counter() - start)
    start = time.perf_counter()
    model.predict(frame, workers=1)
    one_thread = len(texts) / (time.perf_counter() - start)
    apc_code = ("import json,sys,time; from profanity_check import predict_prob; t=json.load(sys.stdin); "
                "predict_prob(t[:100]); s=time.perf_counter(); predict_prob(t); print(len(t)/(time.perf_counter()-s))")
    apc = float(subprocess.run([args.apc_python, "-c", apc_code], input=json.dumps(texts), capture_output=True,
                               text=True, check=True).stdout)
    print(f"throughput on {len(texts):,} comments: ours (4 heads) {ours:,.0f}/s, "
          f"alt-profanity-check (1 head) {apc:,.0f}/s, ratio {ours / apc:.2f}x (target >= 1.0x); "
          f"ours on one thread {one_thread:,.0f}/s, {one_thread / apc:.2f}x")

    example = str(REPO / "examples" / "harbour-ferry-fares.txt")
    ours_wall, ours_rss = timed([sys.executable, "-m", "moderation", "score", example, "-f", "csv"])
    apc_wall, apc_rss = timed([args.apc_python, "-c", "from profanity_check import predict_prob; predict_prob(['hello there'])"])
    print(f"cold start: ours {ours_wall:.2f}s / {ours_rss:.0f} MB, alt-profanity-check {apc_wall:.2f}s / {apc_rss:.0f} MB, "
          f"ratio {ours_wall / apc_wall:.2f}x time, {ours_rss / apc_rss:.2f}x memory (target <= 1.0x)")


if __name__ == "__main__":
    main()
