"""Review-loop speed and memory (not a test: prints its figures).

    python benchmarks/review.py [--comments 100000] [--rows 20000] [--keep DIR]

1. Renders synthetic threads (100 comments each, nested up to depth 6, random words with some
   insults, conspiracy phrases and off-topic chatter mixed in) as dumps with
   `moderation.render`, then times `moderate review DIR --output … --uncertain 1000` over all
   of them with the shipped model, in a fresh process.
2. Fills in decisions on a review sheet of `--rows` rows (made with `--min-score 0 --limit`),
   saves it the way a spreadsheet does (semicolons, BOM, CRLF), and times
   `moderate labels add` of it into a copy of the shipped `labels/`.

Prints wall time and peak resident memory of each command. Target: under 30 s each on a
2-core machine.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

WORDS = ("the council vote budget road bridge school tax people think agree wrong source never always because "
         "money time year city police report data claim really said maybe should would could about after before "
         "again every their there ferry fares harbour plan board meeting residents").split()
HOT = ["you idiot", "what a moron", "pathetic clown", "it is a cover-up", "they planned this in secret",
       "follow the money, wake up", "my cat had kittens", "best pizza recipe ever", "anyone watch the match?"]


def make_threads(directory: Path, comments: int, per_thread: int = 100, seed: int = 11) -> int:
    from moderation import Article, Comment, Thread, render_thread

    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    made = 0
    t = 0
    while made < comments:
        n = min(per_thread, comments - made)
        items: list[Comment] = []
        counters: dict[str, int] = {}
        stack: list[Comment] = []
        for _ in range(n):
            while stack and (len(stack) >= 6 or rng.random() < 0.35):
                stack.pop()
            parent = stack[-1] if stack else None
            key = parent.id if parent else ""
            counters[key] = counters.get(key, 0) + 1
            cid = f"{key}.{counters[key]}" if key else str(counters[key])
            words = " ".join(rng.choices(WORDS, k=rng.randint(6, 30)))
            if rng.random() < 0.15:
                words += " " + rng.choice(HOT)
            c = Comment(cid, parent.id if parent else None, f"user{rng.randint(1, 500)}", words.capitalize() + ".",
                        depth=len(stack) + 1)
            items.append(c)
            stack.append(c)
        thread = Thread(article=Article(title=f"Synthetic story {t} about the council budget",
                                        body=" ".join(rng.choices(WORDS, k=120))), comments=items)
        (directory / f"thread-{t:05d}.txt").write_text(render_thread(thread), encoding="utf-8")
        made += n
        t += 1
    return t


_CHILD = ("import resource, sys\n"
          "from moderation.cli import main\n"
          "sys.argv = ['moderate', *sys.argv[1:]]\n"
          "try:\n    main()\n"
          "finally:\n    r = resource.getrusage(resource.RUSAGE_SELF)\n"
          "    print(f'PEAK_KB {r.ru_maxrss} CPU {r.ru_utime + r.ru_stime:.1f}', file=sys.stderr)\n")


def timed(args: list[str]) -> tuple[str, float, subprocess.CompletedProcess]:
    """("wall s (CPU s)", peak RSS in MB, result) of one fresh `moderate` process. The CPU
    time shows how much of the wall time was spent waiting for a shared machine."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _CHILD, *args], capture_output=True, cwd=REPO)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: moderate {' '.join(args)}\n{result.stderr.decode()}")
    lines = result.stderr.decode().splitlines()
    stats = next((line.split() for line in lines if line.startswith("PEAK_KB")), ["", "0", "", "nan"])
    peak = int(stats[1]) / 1024
    seconds = f"{seconds:.1f}s wall ({float(stats[3]):.1f}s CPU)"
    result.stderr = "\n".join(line for line in lines if not line.startswith("PEAK_KB")).encode()
    return seconds, peak, result


def fill(sheet: Path, out: Path, seed: int = 3) -> int:
    """Decide every row (as a moderator would, randomly here) and save spreadsheet-style."""
    from moderation.spreadsheet import neutralise, read_csv

    rng = random.Random(seed)
    header, rows = read_csv(sheet.read_text(encoding="utf-8-sig"))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    n = 0
    for _, row in rows:
        for name in ("incivility", "conspiracy", "off_topic"):
            row[name] = rng.choice(["yes", "no", "", "1", "0"])
        row["stance"] = rng.choice(["Support", "deny", "QUERY", "comment"])
        row["reviewer"] = "bench"
        writer.writerow({k: neutralise(v) for k, v in row.items()})
        n += 1
    out.write_text("\ufeff" + buf.getvalue(), encoding="utf-8", newline="")
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--keep", type=Path, help="work here and keep the files (default: a temp dir)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="review-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    dumps = work / "dumps"
    try:
        start = time.perf_counter()
        if not dumps.is_dir():
            threads = make_threads(dumps, args.comments)
            print(f"rendered {args.comments:,} comments in {threads} thread dumps "
                  f"({sum(p.stat().st_size for p in dumps.iterdir()) / 1e6:.1f} MB) in {time.perf_counter() - start:.1f}s")
        sheet = work / "review.csv"
        sheet.unlink(missing_ok=True)
        seconds, peak, result = timed(["review", str(dumps), "--output", str(sheet), "--uncertain", "1000"])
        print(f"moderate review over {args.comments:,} comments: {seconds}, peak {peak:.0f} MB "
              f"({next(l for l in result.stderr.decode().splitlines() if 'to review' in l)})")
        seconds, peak, result = timed(["score", str(dumps), "-f", "csv"])
        print(f"for reference, moderate score -f csv over the same comments: {seconds}, peak {peak:.0f} MB")
        big = work / "review-big.csv"
        big.unlink(missing_ok=True)
        seconds, peak, result = timed(["review", str(dumps), "--output", str(big), "--min-score", "0",
                                       "--limit", str(args.rows)])
        print(f"moderate review --min-score 0 --limit {args.rows:,} (explains every row): {seconds}, peak {peak:.0f} MB")
        filled = work / "filled.csv"
        n = fill(big, filled)
        labels = work / "labels"
        shutil.rmtree(labels, ignore_errors=True)
        shutil.copytree(REPO / "labels", labels)
        seconds, peak, result = timed(["labels", "add", str(filled), "--labels", str(labels)])
        print(f"moderate labels add of {n:,} rows (semicolons, BOM, CRLF) into a copy of labels/: {seconds}, "
              f"peak {peak:.0f} MB\n  {result.stdout.decode().strip()}")
        seconds, peak, result = timed(["labels", "check", str(labels)])
        print(f"moderate labels check after the merge: {seconds}, ok")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
