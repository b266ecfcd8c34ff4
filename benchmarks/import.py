"""Disqus import speed and memory on large generated exports (not a test: prints its figures).

    python benchmarks/import.py [--sizes 10,50,200] [--dir /tmp/issue9a] [--list]

Builds Disqus XML exports of each size in MB (one thread per ~200 posts, posts interleaved
across threads as in real exports, HTML messages in CDATA, 3% deleted, 1% spam, replies to
earlier posts of the same thread), then imports each in a fresh process with
`moderation.iter_threads` (one Thread at a time, dropped after counting) and prints
comments/s and MB/s (on CPU time, as the machine may be shared; wall time beside it) and
peak resident memory. Target: memory flat as the file grows (the XML
tree is never held; posts wait in a temporary SQLite file, not in memory). `--list` also
runs `read_threads`, which keeps every Thread and so grows with the comment count.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

WORDS = ("the council vote budget road bridge school tax people think agree wrong source "
         "never always because money time year city police report data claim really said "
         "maybe should would could about after before again against every their there").split()

POST = """  <post dsq:id="{id}">
    <id />
    <message><![CDATA[{message}]]></message>
    <createdAt>{created}</createdAt>
    <isDeleted>{deleted}</isDeleted>
    <isSpam>{spam}</isSpam>
    <author>
      <email>user{user}@example.net</email>
      <name>User {user}</name>
      <isAnonymous>false</isAnonymous>
      <username>user{user}</username>
    </author>
    <ipAddress>198.51.100.{ip}</ipAddress>
    <thread dsq:id="{thread}" />
{parent}  </post>
"""


def build_export(path: Path, megabytes: float, seed: int = 7) -> int:
    """Write a Disqus export of about `megabytes` MB; returns the number of posts."""
    rng = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    n_threads = max(1, int(target / 1000 / 200))  # posts are ~1 kB; ~200 per thread
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
                  'xmlns:dsq="http://disqus.com/disqus-internals">\n')
        for t in range(n_threads):
            out.write(f'  <thread dsq:id="{10_000_000 + t}">\n    <id>post-{t}</id>\n    <forum>bench</forum>\n'
                      f'    <link>https://news.example.org/{t}/</link>\n    <title>Synthetic story {t}</title>\n'
                      f'    <message />\n    <createdAt>2023-01-01T00:00:00Z</createdAt>\n'
                      f'    <isClosed>false</isClosed>\n    <isDeleted>false</isDeleted>\n  </thread>\n')
        written = out.tell()
        posts = 0
        per_thread: list[list[int]] = [[] for _ in range(n_threads)]
        while written < target:
            posts += 1
            t = rng.randrange(n_threads)
            earlier = per_thread[t]
            parent = f'    <parent dsq:id="{rng.choice(earlier)}" />\n' if earlier and rng.random() < 0.6 else ""
            paragraphs = [" ".join(rng.choices(WORDS, k=rng.randint(6, 38))) for _ in range(rng.randint(1, 3))]
            if rng.random() < 0.05:
                paragraphs[-1] += ' <a href="https://example.org/report">example.org/report</a>'
            block = POST.format(id=posts, message="".join(f"<p>{p}</p>" for p in paragraphs),
                                created=f"2023-01-{1 + posts % 28:02d}T{posts % 24:02d}:00:00Z",
                                deleted="true" if rng.random() < 0.03 else "false",
                                spam="true" if rng.random() < 0.01 else "false",
                                user=rng.randint(1, 5000), ip=rng.randint(1, 254), thread=10_000_000 + t,
                                parent=parent)
            out.write(block)
            written += len(block)
            earlier.append(posts)
        out.write("</disqus>\n")
    return posts


CHILD = """
import json, resource, sys, time
from moderation import iter_threads, read_threads
path, mode = sys.argv[1], sys.argv[2]
t0, c0 = time.perf_counter(), time.process_time()
threads = comments = orphans = left_out = 0
source = read_threads(path) if mode == "list" else iter_threads(path)
for thread in source:
    threads += 1
    comments += len(thread.comments)
    orphans += thread.stats.get("orphans", 0)
    left_out += thread.stats.get("deleted", 0) + thread.stats.get("spam", 0)
t1, c1 = time.perf_counter(), time.process_time()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"threads": threads, "comments": comments, "orphans": orphans, "left_out": left_out,
                  "seconds": t1 - t0, "cpu": c1 - c0, "peak_rss": rss}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,50,200", help="comma-separated sizes in MB")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/moderate-bench-import"),
                        help="where the generated exports go (kept, so reruns skip building)")
    parser.add_argument("--list", action="store_true", help="also time read_threads (keeps every Thread)")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    repo = Path(__file__).resolve().parents[1]
    modes = ["stream", "list"] if args.list else ["stream"]
    print(f"{'size':>8} {'mode':>6} {'threads':>8} {'comments':>9} {'left out':>8} {'orphans':>7} {'wall s':>7} "
          f"{'cpu s':>6} {'comments/s (cpu)':>16} {'MB/s (cpu)':>10} {'peak RSS':>9}")
    for size in (float(s) for s in args.sizes.split(",")):
        path = args.dir / f"disqus_{size:g}MB.xml"
        if not path.exists():
            t = time.perf_counter()
            build_export(path, size)
            print(f"  (built {path.name} in {time.perf_counter() - t:.1f}s)", file=sys.stderr)
        mb = path.stat().st_size / 1024 / 1024
        for mode in modes:
            result = subprocess.run([sys.executable, "-c", CHILD, str(path), mode], capture_output=True, text=True,
                                    cwd=repo)
            if result.returncode != 0:
                sys.exit(result.stderr)
            r = json.loads(result.stdout)
            print(f"{mb:7.1f}M {mode:>6} {r['threads']:8d} {r['comments']:9d} {r['left_out']:8d} {r['orphans']:7d} "
                  f"{r['seconds']:7.2f} {r['cpu']:6.2f} {r['comments'] / r['cpu']:16,.0f} {mb / r['cpu']:10.1f} "
                  f"{r['peak_rss'] / 1024 / 1024:8.0f}M")


if __name__ == "__main__":
    main()
