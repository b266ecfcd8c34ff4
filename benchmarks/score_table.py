"""Peak memory of `moderate score` on a large comment table (not a test: prints its figures).

    python benchmarks/score_table.py [--rows 1000000] [--batch-rows 20000]

Writes a CSV of N comments in threads of 30 (ids, parent ids, an article per thread, a
pass-through column) to a temporary directory, then runs the real command,
`moderate score TABLE --format csv --output OUT`, in a fresh process and prints its wall time,
comments/s and peak RSS (GNU time). Target: peak memory under 1 GB at 1M comments.
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORDS = ("the council vote budget you idiot source please agree wrong fake staged cover-up bus "
         "ferry school tax why never always people think really data report secret plan").split()
PER_THREAD = 30


def write_table(path: Path, rows: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["thread_id", "id", "parent_id", "author", "text", "article_title", "article_text", "site_ref"])
        for i in range(rows):
            t, k = divmod(i, PER_THREAD)
            parent = "" if k == 0 or rng.random() < 0.3 else str(rng.randrange(k))
            article = " ".join(rng.choices(WORDS, k=60)) if k == 0 else ""
            w.writerow([f"t{t}", str(k), parent, f"user{rng.randrange(500)}",
                        " ".join(rng.choices(WORDS, k=rng.randint(5, 40))), f"Story {t}" if k == 0 else "", article, f"r{i}"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch-rows", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        table, out = Path(tmp) / "comments.csv", Path(tmp) / "scores.csv"
        write_table(table, args.rows)
        size = table.stat().st_size / 1024 / 1024
        cmd = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "moderation", "score", str(table), "--format", "csv",
               "--output", str(out), "--batch-rows", str(args.batch_rows)]
        start = time.perf_counter()
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
        wall = time.perf_counter() - start
        if result.returncode != 0:
            print(result.stderr[-2000:], file=sys.stderr)
            raise SystemExit(1)
        with out.open(encoding="utf-8") as fh:
            scored = sum(1 for _ in csv.reader(fh)) - 1
        peak = int(result.stderr.strip().splitlines()[-1]) / 1024
        print(f"{args.rows:,} comments ({size:,.0f} MB CSV), batches of {args.batch_rows:,}: {scored:,} rows out, "
              f"{wall:.0f} s ({args.rows / wall:,.0f} comments/s), peak RSS {peak:,.0f} MB  [target < 1024 MB]")


if __name__ == "__main__":
    main()
