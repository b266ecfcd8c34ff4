"""The `moderate` command: parses arguments, calls the library, prints. Nothing else.

Library errors (ModerationError) become one line on stderr and exit code 2; warnings go to
stderr; results go to stdout or --output. Heavy libraries are imported inside the commands
that need them, so `moderate --help` stays instant.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .errors import ModerationError

app = typer.Typer(
    name="moderate",
    help="Parse, score and review reader-comment threads saved from news pages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


class ParseFormat(str, Enum):
    tree = "tree"
    json = "json"
    csv = "csv"


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _emit(text: str, output: Optional[Path]) -> None:
    """Write a result to --output (atomically) or stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    from .files import atomic_write_text

    try:
        atomic_write_text(output, text)
    except OSError as exc:
        raise ModerationError(f"cannot write output: {exc.strerror or exc}", path=output) from None
    print(f"wrote {output}", file=sys.stderr)


def _version(value: bool) -> None:
    if value:
        from . import __version__

        print(f"moderate {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Parse, score and review reader-comment threads saved from news pages."""


MAX_SIZE_HELP = "Refuse input files larger than this many megabytes (0 = no limit)."


def _max_bytes(max_size: float) -> Optional[int]:
    return None if max_size <= 0 else int(max_size * 1024 * 1024)


@app.command()
def parse(
    file: str = typer.Argument(..., help="A saved page dump (.txt), a comment table (CSV/JSONL), or - for stdin."),
    format: ParseFormat = typer.Option(ParseFormat.tree, "--format", "-f", help="tree for people; json or csv for machines."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
    strict: bool = typer.Option(False, "--strict", help="Treat broken indentation or numbering as an error (exit 2)."),
    max_size: float = typer.Option(50, "--max-size", help=MAX_SIZE_HELP, metavar="MB"),
) -> None:
    """Show the article and the comment tree (who replied to whom) parsed from FILE."""
    from .inputs import read_threads
    from .outputs import threads_csv, threads_json

    threads = read_threads(file if file == "-" else Path(file), strict=strict, max_bytes=_max_bytes(max_size))
    for thread in threads:
        for w in thread.warnings:
            _warn(w)
    if format is ParseFormat.json:
        _emit(threads_json(threads), output)
    elif format is ParseFormat.csv:
        _emit(threads_csv(threads), output)
    else:
        from .display import render_tree

        _emit("\n".join(render_tree(t) for t in threads), output)


class ScoreFormat(str, Enum):
    tree = "tree"
    json = "json"
    csv = "csv"


def _expand_inputs(inputs: list[str]) -> list[str]:
    """Files, directories (their dumps and tables, recursively), globs, or - for stdin."""
    import glob as globbing

    from .tables import TABLE_SUFFIXES

    found: list[str] = []
    for item in inputs:
        if item == "-":
            found.append(item)
        elif any(ch in item for ch in "*?[") and not Path(item).exists():
            matches = sorted(globbing.glob(item, recursive=True))
            if not matches:
                raise ModerationError(f"no files match {item!r}", hint="check the pattern")
            found.extend(m for m in matches if Path(m).is_file())
        elif Path(item).is_dir():
            files = sorted(str(p) for p in Path(item).rglob("*") if p.is_file() and p.suffix.lower() in (".txt", *TABLE_SUFFIXES))
            if not files:
                raise ModerationError("directory holds no .txt, .csv or .jsonl files", path=item)
            found.extend(files)
        else:
            found.append(item)
    return found


def _annotation(row, colour: bool) -> str:
    flags = [f for f in str(row["flags"]).split(";") if f]
    text = f"  ⚑ {', '.join(flags)}" if flags else ""
    if colour and flags:
        text = f"\x1b[1;31m{text}\x1b[0m"
    return f"{text}  [{row['stance']}]"


@app.command()
def score(
    inputs: list[str] = typer.Argument(..., help="Thread dumps, comment tables (CSV/JSONL), directories or globs; - for stdin."),
    model_dir: Optional[Path] = typer.Option(None, "--model", help="Model directory (default: the shipped model)."),
    format: ScoreFormat = typer.Option(ScoreFormat.tree, "--format", "-f", help="tree for people; csv or json for machines."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Exit 1 if any comment carries one of these flags (comma-separated)."),
    max_size: float = typer.Option(50, "--max-size", help=MAX_SIZE_HELP, metavar="MB"),
) -> None:
    """Score every comment for incivility, conspiracy claims, off-topic drift and stance."""
    from .labels import BINARY_LABELS
    from .model import load_model

    wanted = [f.strip() for f in (fail_on or "").split(",") if f.strip()]
    unknown = [f for f in wanted if f not in BINARY_LABELS]
    if unknown:
        raise typer.BadParameter(f"unknown label(s) {', '.join(unknown)}; use {', '.join(BINARY_LABELS)}", param_hint="--fail-on")
    from .inputs import read_threads

    threads = []
    files = _expand_inputs(inputs)
    for f in files:
        for thread in read_threads(f if f == "-" else Path(f), max_bytes=_max_bytes(max_size)):
            if not thread.thread_id:
                thread.thread_id = "stdin" if f == "-" else Path(f).stem
            for w in thread.warnings:
                _warn(w)
            threads.append(thread)
    model = load_model(model_dir)
    if len(files) > 1:
        print(f"scoring {sum(len(t.comments) for t in threads)} comments in {len(threads)} threads", file=sys.stderr)
    from .scoring import score_threads

    table = score_threads(model, threads)
    if format is ScoreFormat.csv:
        _emit(table.to_csv(index=False, float_format="%.4f", lineterminator="\n"), output)
    elif format is ScoreFormat.json:
        _emit(_scores_json(threads, table), output)
    else:
        from .display import render_tree

        colour = output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        parts = []
        for thread, rows in _per_thread(threads, table):
            by_id = {r["id"]: r for r in rows.to_dict("records")}
            parts.append(render_tree(thread, annotate=lambda c, by_id=by_id: _annotation(by_id[c.id], colour)))
        _emit("\n".join(parts), output)
    if wanted and any(set(str(f).split(";")) & set(wanted) for f in table["flags"]):
        raise typer.Exit(EXIT_FINDINGS)


def _per_thread(threads, table):
    """(thread, its rows of the score table): the table holds every thread's comments in order."""
    start = 0
    for thread in threads:
        yield thread, table.iloc[start:start + len(thread.comments)]
        start += len(thread.comments)


def _scores_json(threads, table) -> str:
    import json

    from .outputs import article_dict

    payload: dict[str, list] = {"threads": []}
    for thread, rows in _per_thread(threads, table):
        comments = json.loads(rows.to_json(orient="records", double_precision=6))
        payload["threads"].append({"thread_id": thread.thread_id, "article": article_dict(thread), "comments": comments})
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


@app.command()
def train(
    sources: Optional[list[Path]] = typer.Argument(None, help="Labels directories and/or label tables (CSV/JSONL). Default: labels/."),
    output: Path = typer.Option(Path("models/default"), "--output", "-o", help="Model directory to write (replaced atomically)."),
    seed: int = typer.Option(0, "--seed", help="Seed: the same labels and seed give the same model file."),
    maps: list[str] = typer.Option([], "--map", help="Rename or threshold a column: incivility=toxicity>=0.5, off_topic=relevance==Bad."),
    where: list[str] = typer.Option([], "--where", help="Keep only table rows matching: split!=test, is_source==0."),
    search: bool = typer.Option(True, "--search/--no-search", help="Choose n-grams and C by cross-validation, or reuse the output model's."),
) -> None:
    """Train the model on labeled examples; print held-out metrics; write the model atomically.

    A labels directory contributes its train split and is measured on its test split; tables
    train on all their rows (use --where to hold some out).
    """
    import pandas as pd

    from .frames import label_set_frame, table_frame
    from .training import Hyper, train as fit

    sources = sources or [Path("labels")]
    train_parts, heldout_parts, described = [], [], []
    for src in sources:
        if src.is_dir():
            part = label_set_frame(src, "train")
            heldout_parts.append(label_set_frame(src, "test"))
            described.append({"name": str(src), "kind": "labels directory (train split)", "rows": len(part),
                              "licence": "this project's own labeled threads"})
        else:
            part = table_frame(src, maps, where)
            described.append({"name": str(src), "kind": "label table", "rows": len(part), "map": list(maps), "where": list(where)})
        train_parts.append(part)
    frame = pd.concat(train_parts, ignore_index=True)
    heldout = pd.concat(heldout_parts, ignore_index=True) if heldout_parts else None
    hyper = None
    if not search:
        hyper = _hyper_from_card(output) or Hyper()
    model = fit(frame, seed=seed, hyper=hyper, heldout=heldout, sources=described)
    model.save(output)
    print(f"wrote {output} (sha256 {model.card['model_sha256'][:12]}…)", file=sys.stderr)
    print(_metrics_table(model.card.get("heldout_metrics", {})))


def _hyper_from_card(directory: Path):
    import json

    from .training import Hyper

    card = directory / "card.json"
    if not card.is_file():
        return None
    h = json.loads(card.read_text(encoding="utf-8")).get("hyperparameters", {})
    return Hyper(h.get("text_config", "word+char"), h.get("C", {}), h.get("stance_class_weight"))


def _metrics_table(metrics: dict) -> str:
    if not metrics:
        return "(no held-out data: pass a labels directory to measure)"
    lines = [f"{'label':<11} {'n':>5} {'prec':>6} {'recall':>6} {'F1':>6} {'ROC-AUC':>8} {'PR-AUC':>7}"]
    for name, m in metrics.items():
        if name == "stance":
            lines.append(f"{'stance':<11} {m['n']:>5}  accuracy {m['accuracy']:.3f}  macro-F1 {m['macro_f1']:.3f}")
        else:
            lines.append(f"{name:<11} {m['n']:>5} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f} "
                         f"{m['roc_auc'] or float('nan'):>8.3f} {m['pr_auc'] or float('nan'):>7.3f}")
    return "\n".join(lines)


labels_app = typer.Typer(help="Check and extend the labeled examples in labels/.", no_args_is_help=True)
app.add_typer(labels_app, name="labels")


@labels_app.command("check")
def labels_check(
    directory: Path = typer.Argument(Path("labels"), help="The labels directory (holds labels.csv and threads/)."),
) -> None:
    """Validate the labeled set and print counts per label and split.

    Checks that every thread parses with --strict, every row points at an existing comment,
    values are valid, no row is duplicated and no comment text is in both train and test.
    Exit 2 on any problem, naming file and row.
    """
    from .labels import check_labels, summary_lines

    result = check_labels(directory)
    print("\n".join(summary_lines(result)))
    if result.errors:
        for e in result.errors:
            print(f"error: {e}", file=sys.stderr)
        print(f"{len(result.errors)} problem(s) in {directory}", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT)
    print(f"\nok: {directory} is consistent")


@labels_app.command("sample")
def labels_sample(
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the blind sample (CSV)."),
    directory: Path = typer.Option(Path("labels"), "--labels", help="The labels directory."),
    share: float = typer.Option(0.10, "--share", min=0.001, max=1.0, help="Share of labeled comments to sample."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed gives the same sample."),
) -> None:
    """Write a blind random sample of labeled comments (no labels) for a second labeler."""
    from .agreement import SAMPLE_COLUMNS, blind_sample
    from .labels import load_labels

    rows = blind_sample(load_labels(directory), share, seed)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=SAMPLE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    _refuse_overwrite(output)
    _emit(buf.getvalue(), output)


@labels_app.command("agreement")
def labels_agreement(
    second: Path = typer.Argument(..., help="CSV with thread, comment_id and the second labeler's label columns."),
    directory: Path = typer.Option(Path("labels"), "--labels", help="The labels directory."),
) -> None:
    """Cohen's kappa per label between labels.csv and a second labeler's table."""
    from .agreement import kappa_table, read_second_labels
    from .labels import load_labels
    from .reading import read_text

    table = kappa_table(load_labels(directory), read_second_labels(read_text(second), str(second)))
    print(f"{'label':<11} {'n':>5} {'agreement':>9} {'kappa':>6}")
    for row in table:
        print(f"{row['label']:<11} {row['n']:>5} {row['agreement']:>9.1%} {row['kappa']:>6.2f}")


def _refuse_overwrite(path: Path) -> None:
    if path.exists():
        raise ModerationError("already exists; not overwriting it", path=path, hint="choose another --output or remove it")


def main() -> None:
    """Console entry point: run the app, turning library errors into exit code 2."""
    try:
        app(standalone_mode=True)
    except ModerationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_OK)
