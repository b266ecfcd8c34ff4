"""`moderate serve`: Coral Talk's external moderation phase over HTTP."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from .app import EXIT_BAD_INPUT, app, warn

INSTALL_HINT = "moderate serve needs the server extra: pip install 'moderation[serve]' (Starlette and uvicorn)"


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8765, "--port", help="Port to listen on.", min=1, max=65535),
    model_dir: Optional[Path] = typer.Option(None, "--model", help="Model directory (default: the shipped model)."),
    policy: Optional[Path] = typer.Option(None, "--policy", help="Policy TOML (default: the built-in policy, see docs/serve.md)."),
    articles: Optional[Path] = typer.Option(None, "--articles", help="Folder of article dumps and url tables, for context."),
    log: Path = typer.Option(Path("decisions.db"), "--log", help="SQLite file every decision is appended to."),
    secrets_file: Optional[Path] = typer.Option(None, "--secrets-file", help="File of signing secrets (else $MODERATE_SIGNING_SECRETS)."),
    max_body_kb: int = typer.Option(64, "--max-body-kb", help="Answer 413 to request bodies larger than this.", min=1),
    print_policy: bool = typer.Option(False, "--print-policy", help="Print the default policy (a start for --policy) and exit."),
) -> None:
    """Answer Coral Talk's external moderation phase: score each comment, apply the policy, log it."""
    if print_policy:
        from ..serve.policy import DEFAULT_POLICY

        sys.stdout.write(DEFAULT_POLICY)
        return
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        print(f"error: {INSTALL_HINT}", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT)
    from ..serve.app import run
    from ..serve.articles import warn_all
    from ..serve.service import ServeConfig, Service
    from ..serve.signature import ENV_VAR, load_secrets

    secrets = load_secrets(secrets_file)
    if not secrets:
        warn(f"NO SIGNING SECRET: anyone who can reach {host}:{port} can post comments to it and read its answers. "
             f"Set {ENV_VAR} (comma-separated) or pass --secrets-file.")
    service = Service(ServeConfig(model_dir=model_dir, policy_path=policy, articles_dir=articles, log_path=log,
                                  secrets=secrets, max_body=max_body_kb * 1024))
    warn_all(service.articles)
    print(f"moderate serve on http://{host}:{port}/ · policy {service.policy.version} · "
          f"{len(service.articles)} article(s) · {len(secrets)} secret(s) · log {log} · loading model…",
          file=sys.stderr, flush=True)
    try:
        run(service, host=host, port=port)
    except KeyboardInterrupt:
        pass
