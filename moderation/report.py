"""One self-contained HTML page of scored threads, for the people who review them.

The page must open anywhere a reviewer keeps it (a case file, an e-mail, a laptop offline), so
it loads nothing: the CSS, the few lines of JavaScript and the chart (SVG) are inline, and
there is not one URL to fetch. Every piece of text that came from an input (titles, authors,
comments, explanations, ids) goes through `html.escape`, so a comment holding `<script>` shows
as text; no input text is ever placed inside the `<script>` element.

What a person sees, and why it is built this way:

- per thread, the article's title and a summary (`summary.summarise`): the figures as text and
  a small bar chart of flag counts and stance shares, each bar labelled with its number;
- the whole comment tree; every comment with replies has a `<details>` that folds its subtree,
  which works without JavaScript;
- each flag as a coloured badge *with its name* ("⚑ incivility"), so it reads without colour;
  the stance as words toward what the comment answers ("denies parent", "supports article");
- the explanation of a flag (`score_threads(..., explain=True)`) on hover (the badge's title)
  and on click ("why flagged?" folds out);
- filters (JavaScript): only flagged comments, or only one label's, together with the comments
  they answer (dimmed) so the exchange still reads. The filter is a CSS rule on attributes the
  page already carries (`data-f`: the comment's flags, `data-d`: flags somewhere below it), so
  switching it costs one attribute change even for thousands of comments.
"""

from __future__ import annotations

import html
import re
from importlib import resources

from .labels import BINARY_LABELS
from .thread import Comment, Thread

#: The marker `moderate report` looks for before overwriting a file: only its own reports.
GENERATOR = "moderation report"

#: Badge colours (dark enough for white text at WCAG AA); other labels get FALLBACK_COLOUR.
FLAG_COLOURS = {"incivility": "#b3261e", "conspiracy": "#6a1b9a", "off_topic": "#8a5a00"}
FALLBACK_COLOUR = "#37474f"
STANCE_COLOURS = {"support": "#2e7d32", "deny": "#c62828", "query": "#1565c0", "comment": "#757575"}
STANCE_VERBS = {"support": "supports", "deny": "denies", "query": "queries", "comment": "comments on"}

_SAFE_LABEL = re.compile(r"^[A-Za-z0-9_-]+$")


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _asset(name: str) -> str:
    return (resources.files("moderation") / "assets" / name).read_text(encoding="utf-8")


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _flags(value: object) -> list[str]:
    return [f for f in str(value or "").split(";") if f] if isinstance(value, str) else []


def _stance_label(stance: str, top_level: bool) -> str:
    target = "article" if top_level else "parent"
    return f"{STANCE_VERBS.get(stance, stance)} {target}"


def render_report(threads: list[Thread], scores, summaries: list | None = None, *, title: str | None = None) -> str:
    """The report page for `threads` and their rows of `score_threads` (all threads' comments,
    in order, as `score_threads` returns them; an `explanation` column is shown when present).
    `summaries` are the threads' `ThreadSummary` objects (or their `as_dict()`), computed with
    `summarise` when not given. Returns the whole HTML document."""
    total = sum(len(t.comments) for t in threads)
    if len(scores) != total:
        raise ValueError(f"scores has {len(scores)} rows for {total} comments in {len(threads)} threads")
    if summaries is None:
        from .scoring import per_thread
        from .summary import summarise

        summaries = [summarise(thread, rows) for thread, rows in per_thread(threads, scores)]
    summaries = [s if isinstance(s, dict) else s.as_dict() for s in summaries]
    if len(summaries) != len(threads):
        raise ValueError(f"{len(summaries)} summaries for {len(threads)} threads")

    records = scores.to_dict("records")
    seen_labels = dict.fromkeys(BINARY_LABELS)
    for r in records:
        seen_labels.update(dict.fromkeys(_flags(r.get("flags"))))
    labels = [label for label in seen_labels if _SAFE_LABEL.match(label)]

    if title is None:
        title = (threads[0].article.title or threads[0].thread_id or "Moderation report") if len(threads) == 1 \
            else f"Moderation report: {len(threads)} threads"
    from . import __version__

    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f'<meta name="generator" content="{GENERATOR} {_e(__version__)}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        # Nothing may load from anywhere: the policy makes a mistake in this file visible
        # as a blocked request instead of a silent fetch.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n",
        f"<title>{_e(title)}</title>\n<style>\n{_asset('report.css')}{_filter_css(labels)}</style>\n</head>\n",
        '<body data-show="all">\n',
        f'<h1 class="page">{_e(title)}</h1>\n' if len(threads) != 1 else "",
        '<header class="page">\n',
        _toolbar(labels, total),
        "</header>\n<main>\n",
    ]
    if len(threads) > 1:
        parts.append(_contents(threads, summaries))
    if not threads:
        parts.append("<p>No threads.</p>\n")
    start = 0
    for t_index, (thread, summary) in enumerate(zip(threads, summaries)):
        rows = records[start:start + len(thread.comments)]
        start += len(thread.comments)
        parts.append(_thread_section(t_index, thread, rows, summary, len(threads) == 1))
    parts.append(f"</main>\n<script>\n{_asset('report.js')}</script>\n</body>\n</html>\n")
    return "".join(parts)


def _filter_css(labels: list[str]) -> str:
    """The filter rules: hide comments that neither match nor lead to a match, dim the context."""
    rules = []
    for value, match in [("any", "[data-f]"), *((label, f'[data-f~="{label}"]') for label in labels)]:
        below = "[data-d]" if value == "any" else f'[data-d~="{value}"]'
        rules.append(f'body[data-show="{value}"] li.c:not({match}):not({below}) {{ display: none; }}\n'
                     f'body[data-show="{value}"] li.c:not({match}) > .card {{ opacity: .55; }}\n'
                     f'body[data-show="{value}"] li.c:not({below}) > details.replies {{ display: none; }}\n')
    for label in labels:
        rules.append(f".f-{label} {{ --flag: {FLAG_COLOURS.get(label, FALLBACK_COLOUR)}; }}\n")
    return "".join(rules)


def _toolbar(labels: list[str], total: int) -> str:
    """Hidden until the script shows it: without JavaScript the filters could not work."""
    options = ['<label><input type="radio" name="show" value="all" checked> all</label>',
               '<label><input type="radio" name="show" value="any"> flagged</label>']
    options += [f'<label><input type="radio" name="show" value="{label}"> '
                f'<span class="flag f-{label}">⚑ {label}</span></label>' for label in labels]
    return ('<form id="filters" class="toolbar" hidden aria-label="Filter comments">\n<span class="show">Show:</span>\n'
            + "\n".join(options)
            + '\n<button type="button" id="expand-all">expand all</button>'
              '<button type="button" id="collapse-all">collapse all</button>\n'
            + f'<output id="shown" aria-live="polite" title="a filter shows the comments that match and, dimmed, those they answer">all {total} shown</output>\n</form>\n'
            + "<noscript><p class=\"toolbar\">The filters need JavaScript; the tree below is complete and folds "
              "without it.</p></noscript>\n")


def _contents(threads: list[Thread], summaries: list[dict]) -> str:
    items = []
    for i, (thread, s) in enumerate(zip(threads, summaries)):
        name = thread.article.title or thread.thread_id or f"thread {i + 1}"
        items.append(f'<li><a href="#t{i}">{_e(name)}</a> — {s["comments"]} comments, {s["flagged"]} flagged</li>')
    return '<nav class="contents"><h2>Threads</h2><ol>\n' + "\n".join(items) + "\n</ol></nav>\n"


def _thread_section(t: int, thread: Thread, rows: list[dict], summary: dict, single: bool) -> str:
    art = thread.article
    anchors = {c.id: f"t{t}-c{i}" for i, c in enumerate(thread.comments)}
    heading = "h1" if single else "h2"
    name = art.title or thread.thread_id or f"thread {t + 1}"
    out = [f'<section class="thread" id="t{t}">\n<{heading} class="title">{_e(name)}</{heading}>\n']
    meta = [p for p in (art.source, ", ".join(art.tags), f"thread {thread.thread_id}" if thread.thread_id else "") if p]
    if meta:
        out.append(f'<p class="meta">{" · ".join(_e(m) for m in meta)}</p>\n')
    if art.subtitle:
        out.append(f'<p class="subtitle">{_e(art.subtitle)}</p>\n')
    if art.body:
        out.append(f'<details class="article"><summary>Article text</summary><div class="body">{_e(art.body)}</div></details>\n')
    out.append(_summary_block(summary, anchors))
    out.append(f'<h3 class="comments-heading">{len(thread.comments)} comments</h3>\n')
    out.append(_tree(thread, rows, anchors))
    out.append("</section>\n")
    return "".join(out)


def _link(cid: str, anchors: dict[str, str]) -> str:
    return f'<a href="#{anchors[cid]}">{_e(cid)}</a>' if cid in anchors else _e(cid)


def _summary_block(s: dict, anchors: dict[str, str]) -> str:
    n = s["comments"]
    facts = [f"<b>{n}</b> comments by <b>{s['authors']}</b> authors; "
             f"<b>{s['flagged']}</b> flagged ({_pct(s['flagged'] / n) if n else '0%'})"]
    if s.get("dominant_stance"):
        facts.append(f"Dominant stance toward the article: <b>{_e(s['dominant_stance'])}</b>")
    if s.get("contested") is not None:
        facts.append(f"Contested: <b>{_pct(s['contested'])}</b> of replies deny the comment they answer")
    h = s.get("heated_subthread")
    if h:
        facts.append(f"Most heated: the subthread under comment {_link(h['root'], anchors)} ({_e(h['author'])}), "
                     f"{h['flagged']} of {h['comments']} comments flagged")
    d = s.get("derail_point")
    if d:
        facts.append(f"Derails after comment {_link(d['comment'], anchors)} ({_e(d['author'])}): "
                     f"{d['flagged_replies']} of the {d['replies']} replies below it are flagged")
    if s.get("top_authors"):
        facts.append("Most flagged authors: " + ", ".join(f"{_e(a['author'])} ({a['flags']} flag{'s' if a['flags'] != 1 else ''})" for a in s["top_authors"]))
    return ('<div class="summary">\n<ul class="facts">\n' + "".join(f"<li>{f}</li>\n" for f in facts)
            + "</ul>\n" + _chart(s) + "</div>\n")


def _chart(s: dict) -> str:
    """Horizontal bars, each with its name and number as text (the chart reads without colour)."""
    groups = [("Flags (share of comments)",
               [(label, v["count"], v["share"], FLAG_COLOURS.get(label, FALLBACK_COLOUR)) for label, v in s["labels"].items()]),
              ("Stance toward the article",
               [(st, v["count"], v["share"], STANCE_COLOURS.get(st, FALLBACK_COLOUR)) for st, v in s["stance_to_article"].items()]),
              ("Stance of replies toward their parent",
               [(st, v["count"], v["share"], STANCE_COLOURS.get(st, FALLBACK_COLOUR)) for st, v in s["stance_in_replies"].items()])]
    label_w, bar_w, row_h, head_h, width = 88, 170, 17, 22, 340
    y, body = 0, []
    for heading, bars in groups:
        y += head_h
        body.append(f'<text class="h" x="0" y="{y - 6}">{_e(heading)}</text>')
        for name, count, share, colour in bars:
            w = round(bar_w * float(share), 1)
            body.append(f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{_e(name)}</text>'
                        f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="{row_h - 4}" fill="#eee"/>'
                        f'<rect x="{label_w}" y="{y + 2}" width="{w}" height="{row_h - 4}" fill="{colour}"/>'
                        f'<text x="{label_w + bar_w + 6}" y="{y + 12}">{count} ({_pct(float(share))})</text>')
            y += row_h
        y += 4
    aria = _e("; ".join(f"{g}: " + ", ".join(f"{b[0]} {b[1]}" for b in bars) for g, bars in groups))
    return (f'<svg class="chart" role="img" aria-label="{aria}" width="{width}" height="{y}" '
            f'viewBox="0 0 {width} {y}" xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>\n")


def _tree(thread: Thread, rows: list[dict], anchors: dict[str, str]) -> str:
    """The nested list, built without recursion (threads can be hundreds of replies deep)."""
    row_of = {c.id: r for c, r in zip(thread.comments, rows)}
    flags = {c.id: _flags(r.get("flags")) for c, r in zip(thread.comments, rows)}
    below: dict[str, set[str]] = {c.id: set() for c in thread.comments}
    size = {c.id: 0 for c in thread.comments}
    for c in reversed(thread.comments):  # parents come before their replies
        if c.parent_id in below:
            below[c.parent_id] |= below[c.id] | set(flags[c.id])
            size[c.parent_id] += size[c.id] + 1
    children: dict[str, list[Comment]] = {}
    roots = []
    for c in thread.comments:
        (children.setdefault(c.parent_id, []) if c.parent_id in below else roots).append(c)

    out = ['<ul class="tree">\n']
    stack: list[tuple[bool, Comment]] = [(True, c) for c in reversed(roots)]
    while stack:
        opening, c = stack.pop()
        if not opening:
            out.append("</ul></details></li>\n")
            continue
        out.append(_comment(c, row_of[c.id], flags[c.id], below[c.id], anchors[c.id], c.parent_id not in below))
        kids = children.get(c.id, [])
        if kids:
            n, all_below = len(kids), size[c.id]
            label = f"{n} repl{'y' if n == 1 else 'ies'}" + (f" ({all_below} in all)" if all_below != n else "")
            out.append(f'<details class="replies" open><summary>{label}</summary><ul>\n')
            stack.append((False, c))
            stack.extend((True, k) for k in reversed(kids))
        else:
            out.append("</li>\n")
    out.append("</ul>\n")
    return "".join(out)


def _comment(c: Comment, row: dict, flags: list[str], below: set[str], anchor: str, top_level: bool) -> str:
    attrs = f' id="{anchor}"'
    if flags:
        attrs += f' data-f="{_e(" ".join(flags))}"'
    if below:
        attrs += f' data-d="{_e(" ".join(sorted(below)))}"'
    explanation = str(row.get("explanation") or "") if isinstance(row.get("explanation"), str) else ""
    scores = ", ".join(f"{label} {float(row[label]):.2f}" for label in BINARY_LABELS
                       if isinstance(row.get(label), (int, float)))
    badges = []
    for f in flags:
        hover = f"{f}: score {float(row[f]):.2f}" if isinstance(row.get(f), (int, float)) else f
        if explanation:
            hover += f" — {explanation}"
        badges.append(f'<span class="flag f-{_e(f)}" title="{_e(hover)}">⚑ {_e(f)}</span>')
    stance = row.get("stance") if isinstance(row.get("stance"), str) else ""
    if stance:
        p = row.get(f"stance_{stance}")
        tip = f"stance toward the {'article' if top_level else 'comment it replies to'}" + \
              (f" (probability {float(p):.2f})" if isinstance(p, (int, float)) else "")
        badges.append(f'<span class="stance s-{_e(stance)}" title="{_e(tip)}">{_e(_stance_label(stance, top_level))}</span>')
    parts = [f'<li class="c"{attrs}><div class="card{" flagged" if flags else ""}"'
             + (f' style="--flag: {FLAG_COLOURS.get(flags[0], FALLBACK_COLOUR)}"' if flags else "") + ">",
             f'<div class="head"><a class="cid" href="#{anchor}" title="{_e("scores: " + scores) if scores else ""}">{_e(c.id)}</a> '
             f'<span class="author">{_e(c.author or "(anonymous)")}</span>'
             + (f' <time>{_e(c.posted)}</time>' if c.posted else "") + " " + " ".join(badges) + "</div>"]
    for q in c.quotes:
        parts.append(f'<blockquote class="quote">{_e(q)}</blockquote>')
    parts.append(f'<p class="text">{_e(c.text)}</p>')
    if flags and explanation:
        parts.append(f'<details class="why"><summary>why flagged?</summary><p>{_e(explanation)}</p></details>')
    parts.append("</div>")
    return "".join(parts)
