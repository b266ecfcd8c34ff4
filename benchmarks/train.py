"""Training time and peak memory at 10k and 100k rows (not a test: prints its figures).

    python benchmarks/train.py [--rows 10000,100000] [--data ../shared/data]

Rows are real comments: labels/ plus every public dataset in ../shared/data (about 61k rows,
each with the labels it has); a size above that draws rows with replacement. Each size is
trained in a fresh process, as `moderate train --no-search` does it (the shipped model's
n-grams and C; five grouped folds to set thresholds, or one grouped split from 20k labeled rows
on: see `training.large_data`; then the final fit), and the full
hyperparameter search is timed at the smallest size. Wall time and peak RSS come from GNU time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = """
import json, sys, time
sys.path.insert(0, {repo!r})
import pandas as pd
from moderation.training import Hyper, train
frame = pd.read_pickle({frame!r})
h = json.load(open({card!r}))["hyperparameters"]
hyper = None if {search!r} else Hyper(h["text_config"], h["C"], h["stance_class_weight"])
start = time.perf_counter()
train(frame, hyper=hyper, progress=lambda m: None)
print(time.perf_counter() - start)
"""


def all_rows(data: Path):
    """Every labeled comment we can read, with context, as one training frame."""
    import pandas as pd

    sys.path.insert(0, str(REPO))
    from moderation.frames import label_set_frame, table_frame

    frames = [label_set_frame(REPO / "labels")]
    for csv in sorted(data.glob("*/*.csv")):
        frames.append(table_frame(csv))
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="10000,100000")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--search-rows", type=int, default=10_000, help="also time the full search at this size (0: skip)")
    args = parser.parse_args()
    pool = all_rows(args.data)
    print(f"pool: {len(pool):,} labeled rows from labels/ and {args.data}")
    runs = [(int(n), False) for n in args.rows.split(",")] + ([(args.search_rows, True)] if args.search_rows else [])
    with tempfile.TemporaryDirectory() as tmp:
        for n, search in runs:
            sample = pool.sample(n=n, replace=n > len(pool), random_state=0).reset_index(drop=True)
            path = Path(tmp) / f"frame{n}.pkl"
            sample.to_pickle(path)
            code = CHILD.format(repo=str(REPO), frame=str(path), card=str(REPO / "models/default/card.json"), search=search)
            start = time.perf_counter()
            result = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-c", code], capture_output=True, text=True)
            wall = time.perf_counter() - start
            if result.returncode != 0:
                print(result.stderr[-2000:], file=sys.stderr)
                raise SystemExit(1)
            fit_seconds = float(result.stdout.strip().splitlines()[-1])
            peak = int(result.stderr.strip().splitlines()[-1]) / 1024
            mode = "full search (3 n-gram configs x C grid)" if search else "fixed hyperparameters (--no-search)"
            print(f"{n:>7,} rows, {mode}: training {fit_seconds:.1f} s (process {wall:.1f} s), peak RSS {peak:,.0f} MB"
                  f"{'  [target < 60 s at 100k rows]' if n == 100_000 and not search else ''}", flush=True)


if __name__ == "__main__":
    main()
