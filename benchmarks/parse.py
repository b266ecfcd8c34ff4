"""Parser speed and memory on large synthetic dumps (not a test: prints its figures).

    python benchmarks/parse.py [--sizes 10,100] [--keep DIR] [--repeat N] [--repo CHECKOUT]

Builds dumps in the seed's format of each size in MB, then times `parse_thread(path)` (read,
decode, sniff and parse: what `moderate parse` does) in a fresh process and prints comments/s,
MB/s (wall time), CPU seconds and comments per CPU second, and resident memory: before the
parse (the interpreter and the package, numpy not yet loaded) and at its peak (the whole
process, as the system counts it). The parsing process is pinned to one core (and numpy's BLAS
to one thread). Targets (issue 4): >= 100k
comments/s on one core, time linear in size, memory a few times the file size.

The dump is meant to be as hard as a real one, not easier: a Zipf-distributed vocabulary of a
few thousand words (some accented), sentences with punctuation and curly quotes, 1 in 10
replies quoting an ancestor (the parent mostly, sometimes higher up, sometimes in quote marks),
a third of the comments in the WordPress form (`says:`, a date line, a `Reply` link), author
names of one to three words, and replies nested up to 10 levels deep.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMON = ("the of and to a in is that it for on was with as he be at by this had not are but from or "
          "have an they which one you were all we she there would their will when who him been has "
          "council vote budget road bridge school tax people think agree wrong source never always "
          "because money time year city police report data claim really said maybe should could "
          "about after before again against every").split()
SYLLABLES = "ka ro mi sen ta lo ver den ar ist on bel mar tin ga ple qu or re na sto vi el ham".split()
ACCENTS = "é ö ñ ł ç á ü".split()
MONTHS = "January February March April May June July August September October November December".split()


def vocabulary(rng: random.Random, size: int = 4000) -> tuple[list[str], list[float]]:
    """Words with Zipf cumulative weights: few very common words, a long tail of rare ones."""
    words = list(COMMON)
    seen = set(words)
    while len(words) < size:
        w = "".join(rng.choices(SYLLABLES, k=rng.randint(1, 4)))
        if rng.random() < 0.04:
            i = rng.randrange(len(w))
            w = w[:i] + rng.choice(ACCENTS) + w[i + 1:]
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words, list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))


def build_dump(path: Path, megabytes: float, seed: int = 7) -> int:
    """Write a dump of about `megabytes` MB; returns the number of comments."""
    rng = random.Random(seed)
    words, weights = vocabulary(rng)

    def sentence() -> str:
        ws = rng.choices(words, cum_weights=weights, k=rng.randint(5, 14))
        ws[0] = ws[0].capitalize()
        if rng.random() < 0.3:
            i = rng.randrange(1, len(ws))
            ws[i - 1] += ","
        if rng.random() < 0.08:
            ws[-1] = f"“{ws[-1]}”"
        return " ".join(ws) + rng.choice(".....?!…")

    def paragraph() -> str:
        return " ".join(sentence() for _ in range(rng.choice((1, 1, 1, 2))))

    target = int(megabytes * 1024 * 1024)
    comments = 0
    with open(path, "w", encoding="utf-8") as out:
        head = "A synthetic headline for the benchmark\n\nA standfirst line\n\n" + \
               "\n\n".join(" ".join(sentence() for _ in range(4)) for _ in range(5)) + "\n\nSource: Benchmark\n\n"
        out.write(head)
        written = len(head.encode("utf-8"))
        top = 0
        stack: list[list] = []  # per open level: [next child number, first paragraph of that comment]
        while written < target:
            if stack and rng.random() < 0.45:
                level = min(len(stack), 9)  # go deeper: long back-and-forth chains are common
            else:
                level = rng.randint(0, min(len(stack), 9))
            del stack[level:]
            if level == 0:
                top += 1
                number = top
            else:
                stack[level - 1][0] += 1
                number = stack[level - 1][0]
            paragraphs = [paragraph() for _ in range(rng.choice((1, 1, 1, 2)))]
            if level > 0 and rng.random() < 0.1:
                source = stack[level - 1] if rng.random() < 0.7 else rng.choice(stack)
                quoted = source[1]
                if len(quoted.split()) < 8:
                    quoted = quoted + " " + paragraph()
                paragraphs.insert(0, f"“{quoted}”" if rng.random() < 0.3 else quoted)
            roll = rng.random()
            author = (f"user{rng.randint(1, 5000)}" if roll < 0.5 else
                      " ".join(w.capitalize() for w in rng.choices(words[100:], k=rng.randint(2, 3))))
            wordpress = rng.random() < 0.33
            pad = "  " * (level + 2)
            lines = [f"{'  ' * (level + 1)}{number}. {author} says{':' if wordpress else ''}"]
            if wordpress:
                hour = rng.randint(1, 12)
                lines.append(f"{pad}{rng.choice(MONTHS)} {rng.randint(1, 28)}, 2020 at {hour}:{rng.randint(0, 59):02d} "
                             f"{rng.choice(('am', 'pm'))}")
            lines.append("")
            for p in paragraphs:
                lines += [pad + p, ""]
            if wordpress:
                lines += [pad + "Reply", ""]
            block = "\n".join(lines) + "\n"
            out.write(block)
            written += len(block.encode("utf-8"))
            comments += 1
            stack.append([0, paragraphs[-1]])
        out.write("Leave A Reply\n\nYour email address will not be published.\n")
    return comments


CHILD = """
import json, os, resource, sys, time
if hasattr(os, "sched_setaffinity"):  # one core, as the target says
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
from moderation.inputs import parse_thread
path = sys.argv[1]
start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
t0, c0 = time.perf_counter(), time.process_time()
thread = parse_thread(path, max_bytes=None)
t1, c1 = time.perf_counter(), time.process_time()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"comments": len(thread.comments), "parse_s": t1 - t0, "cpu_s": c1 - c0,
                  "peak_rss": rss, "start_rss": start_rss, "warnings": len(thread.warnings),
                  "quoted": sum(1 for c in thread.comments if c.quotes),
                  "dated": sum(1 for c in thread.comments if c.posted),
                  "max_depth": max(c.depth for c in thread.comments)}))
"""


# numpy's BLAS starts a thread per core when imported, and they spin a while (CPU time the
# parse does not use): one thread, so the CPU figure is the parser's own.
ONE_THREAD = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100", help="comma-separated sizes in MB")
    parser.add_argument("--keep", type=Path, help="keep the generated dumps in this directory (and reuse them)")
    parser.add_argument("--repeat", type=int, default=1, help="parse each dump N times (fresh process each)")
    parser.add_argument("--repo", type=Path, help="parse with the `moderation` package of this checkout instead "
                                                  "(to compare two versions on the same dumps)")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="moderate-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    repo = args.repo.resolve() if args.repo else Path(__file__).resolve().parents[1]
    # Wall time is what a user waits; CPU time (of the parsing process alone) is steadier on a
    # shared machine, where other jobs take turns on the cores: both are printed.
    print(f"{'size':>8} {'comments':>9} {'parse s':>8} {'comments/s':>11} {'MB/s':>6} {'cpu s':>6} {'/cpu s':>8} "
          f"{'start RSS':>9} {'peak RSS':>9} {'RSS/file':>8} {'depth':>5} {'quoted':>7} {'dated':>7}")
    for size in (float(s) for s in args.sizes.split(",")):
        path = workdir / f"dump_{size:g}MB.txt"
        if not path.exists():
            t = time.perf_counter()
            build_dump(path, size)
            print(f"  (built {path.name} in {time.perf_counter() - t:.1f}s)", file=sys.stderr)
        mb = path.stat().st_size / 1024 / 1024
        for _ in range(args.repeat):
            result = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True,
                                    cwd=repo, check=True, env=ONE_THREAD)
            r = json.loads(result.stdout)
            rss_mb = r["peak_rss"] / 1024 / 1024
            print(f"{mb:7.1f}M {r['comments']:9d} {r['parse_s']:8.2f} {r['comments'] / r['parse_s']:11,.0f} "
                  f"{mb / r['parse_s']:6.1f} {r['cpu_s']:6.2f} {r['comments'] / r['cpu_s']:8,.0f} {r['start_rss'] / 1024 / 1024:8.0f}M {rss_mb:8.0f}M {rss_mb / mb:8.1f} {r['max_depth']:5d} {r['quoted']:7d} "
                  f"{r['dated']:7d}", flush=True)
            if r["warnings"]:
                print(f"  note: {r['warnings']} parser warnings", file=sys.stderr)
        if not args.keep:
            path.unlink()


if __name__ == "__main__":
    main()
