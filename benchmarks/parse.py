"""Parser speed and memory on large synthetic dumps (not a test: prints its figures).

    python benchmarks/parse.py [--sizes 10,100] [--keep DIR]

Builds dumps in the seed's format of each size in MB (random words, 1 in 10 replies quoting
its parent, depth up to 10), then parses each in a fresh process and prints comments/s, MB/s
and peak resident memory. Targets: >= 100k comments/s on one core, time linear in size,
memory a few times the file size.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("the council vote budget road bridge school tax people think agree wrong source "
         "never always because money time year city police report data claim really said "
         "maybe should would could about after before again against every their there").split()


def build_dump(path: Path, megabytes: float, seed: int = 7) -> int:
    """Write a dump of about `megabytes` MB; returns the number of comments."""
    rng = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    written = 0
    comments = 0
    with open(path, "w", encoding="utf-8") as out:
        head = "A synthetic headline for the benchmark\n\nA standfirst line\n\n" + \
               "\n\n".join(" ".join(rng.choices(WORDS, k=60)) for _ in range(5)) + "\n\nSource: Benchmark\n\n"
        out.write(head)
        written += len(head)
        # stack of (level, next child number, text of that comment)
        top = 0
        stack: list[list] = []
        while written < target:
            level = rng.randint(0, min(len(stack), 9))
            del stack[level:]
            if level == 0:
                top += 1
                number = top
            else:
                stack[level - 1][1] += 1
                number = stack[level - 1][1]
            words = rng.choices(WORDS, k=rng.randint(6, 38))
            paragraphs = [" ".join(words)]
            if level > 0 and rng.random() < 0.1:
                paragraphs.insert(0, stack[level - 1][2].split("\n\n")[0])
            if rng.random() < 0.3:
                paragraphs.append(" ".join(rng.choices(WORDS, k=rng.randint(3, 20))))
            pad = "  " * (level + 1)
            block = f"{'  ' * level}  {number}. user{rng.randint(1, 5000)} says\n\n" + \
                    "".join(f"{pad}  {p}\n\n" for p in paragraphs)
            out.write(block)
            written += len(block.encode("utf-8"))
            comments += 1
            stack.append([level, 0, " ".join(words)])
        out.write("Leave A Reply\n\nYour email address will not be published.\n")
    return comments


CHILD = """
import json, resource, sys, time
from moderation.parse import parse_dump
path = sys.argv[1]
t0 = time.perf_counter()
text = open(path, encoding="utf-8").read()
t1 = time.perf_counter()
thread = parse_dump(text, path)
t2 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"comments": len(thread.comments), "read_s": t1 - t0, "parse_s": t2 - t1,
                  "peak_rss": rss, "warnings": len(thread.warnings),
                  "quoted": sum(1 for c in thread.comments if c.quotes),
                  "max_depth": max(c.depth for c in thread.comments)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100", help="comma-separated sizes in MB")
    parser.add_argument("--keep", type=Path, help="keep the generated dumps in this directory")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="moderate-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    repo = Path(__file__).resolve().parents[1]
    print(f"{'size':>8} {'comments':>9} {'parse s':>8} {'comments/s':>11} {'MB/s':>6} {'peak RSS':>9} {'RSS/file':>8} {'depth':>5} {'quoted':>7}")
    for size in (float(s) for s in args.sizes.split(",")):
        path = workdir / f"dump_{size:g}MB.txt"
        if not path.exists():
            t = time.perf_counter()
            build_dump(path, size)
            print(f"  (built {path.name} in {time.perf_counter() - t:.1f}s)", file=sys.stderr)
        mb = path.stat().st_size / 1024 / 1024
        result = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True,
                                cwd=repo, check=True)
        r = json.loads(result.stdout)
        rss_mb = r["peak_rss"] / 1024 / 1024
        print(f"{mb:7.1f}M {r['comments']:9d} {r['parse_s']:8.2f} {r['comments'] / r['parse_s']:11,.0f} "
              f"{mb / r['parse_s']:6.1f} {rss_mb:8.0f}M {rss_mb / mb:8.1f} {r['max_depth']:5d} {r['quoted']:7d}")
        if r["warnings"]:
            print(f"  note: {r['warnings']} parser warnings", file=sys.stderr)
        if not args.keep:
            path.unlink()


if __name__ == "__main__":
    main()
