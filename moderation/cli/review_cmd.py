"""`moderate review`: write the comments a moderator should look at to a spreadsheet-safe CSV."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from .app import INCLUDE_PINGBACKS_HELP, INCLUDE_UNAPPROVED_HELP, MAX_SIZE_HELP, app, emit, expand_inputs, size_limit, warn


@app.command()
def review(
    inputs: Optional[list[str]] = typer.Argument(None, help="Thread dumps, comment tables (CSV/JSONL), directories or globs; - for stdin."),
    output: Path = typer.Option(..., "--output", "-o", help="The review CSV to write (not overwritten if it exists)."),
    model_dir: Optional[Path] = typer.Option(None, "--model", help="Model directory (default: the shipped model)."),
    labels: Optional[str] = typer.Option(None, "--labels", help="Labels to review, comma-separated (default: incivility,conspiracy,off_topic,stance)."),
    min_score: Optional[float] = typer.Option(None, "--min-score", min=0.0, max=1.0, help="List comments scoring at least this for a label, instead of the model's thresholds."),
    uncertain: int = typer.Option(0, "--uncertain", min=0, help="Also list the N unflagged comments the model is least sure about."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Keep only the first N rows (after sorting)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace --output if it exists."),
    max_size: float = typer.Option(50, "--max-size", help=MAX_SIZE_HELP, metavar="MB"),
    include_unapproved: bool = typer.Option(False, "--include-unapproved", help=INCLUDE_UNAPPROVED_HELP),
    include_pingbacks: bool = typer.Option(False, "--include-pingbacks", help=INCLUDE_PINGBACKS_HELP),
    from_log: Optional[Path] = typer.Option(None, "--from-log", help="Review the live decisions in this `moderate serve` log (instead of INPUTs), with the scores the service answered with."),
    since: Optional[str] = typer.Option(None, "--since", help="With --from-log: decisions at or after this time (ISO 8601; UTC if no zone)."),
    until: Optional[str] = typer.Option(None, "--until", help="With --from-log: decisions before this time."),
) -> None:
    """Write a review sheet (CSV) of the comments a moderator should look at.

    Every flagged comment (plus, with --uncertain N, the N comments the model is least sure
    about), with the model's scores, flags, stance and the terms behind each flag, and empty
    columns for the reviewer's decisions.

    Order: flagged comments first, highest probability among the chosen labels first; then the
    uncertain ones, closest to a threshold (or the flattest stance) first; ties keep input order.

    Reviewer columns incivility, conspiracy, off_topic (1/0, yes/no, y/n, true/false, x),
    stance (support, deny, query, comment), reviewer and note: fill in only what you decide;
    an empty cell means "not reviewed". Hand the file back with `moderate labels add`.
    The CSV is UTF-8 with BOM; cells starting with = + - @ are prefixed with ' so a
    spreadsheet never runs them.
    """
    from ..labels import ALL_LABELS
    from ..model import load_model
    from ..review import build_review, read_sources, reusing_features, review_csv
    from ..scoring import score_threads

    chosen = [p.strip() for p in (labels or ",".join(ALL_LABELS)).split(",") if p.strip()]
    unknown = [p for p in chosen if p not in ALL_LABELS]
    if unknown or not chosen:
        raise typer.BadParameter(f"unknown label(s) {', '.join(unknown)}; use {', '.join(ALL_LABELS)}", param_hint="--labels")
    if output.exists() and not overwrite:
        from .app import refuse_overwrite

        refuse_overwrite(output)
    if bool(inputs) == (from_log is not None):
        raise typer.BadParameter("give INPUTs or --from-log DB, not both (nor neither)", param_hint="INPUTS")
    if from_log is None and (since or until):
        raise typer.BadParameter("--since/--until go with --from-log", param_hint="--since")
    if from_log is not None:
        from ..decision_log import decision_scores, read_decisions
        from ..review import Sources

        threads = read_decisions(from_log, since, until)
        found = Sources(threads, [str(from_log)] * len(threads))
        model = load_model(model_dir)
        scores = decision_scores(threads)  # the scores the service answered with, not a re-score
    else:
        found = read_sources(expand_inputs(inputs), size_limit(max_size), warn, include_unapproved=include_unapproved,
                             include_pingbacks=include_pingbacks)
        model = reusing_features(load_model(model_dir))
        scores = score_threads(model, found.threads)
    rows = build_review(found.threads, scores, model, sources=found.sources, labels=chosen, min_score=min_score,
                        uncertain=uncertain, limit=limit)
    flagged = sum(1 for r in rows if str(r["reason"]).startswith("flagged"))
    print(f"{len(rows)} comments to review ({flagged} flagged, {len(rows) - flagged} uncertain) "
          f"of {len(scores)} scored", file=sys.stderr)
    emit(review_csv(rows), output)
