"""Coral's request signatures: `X-Coral-Signature: sha256=<hex>[,sha256=<hex>…]`.

Each value is an HMAC-SHA256 of the raw body bytes keyed with one of the phase's signing
secrets (the whole secret string, UTF-8). While a secret is being rotated Coral signs with
the old and the new one, so any configured secret matching any offered value is enough.
Checked on the raw bytes before anything parses them, with `hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from ..errors import InputError

HEADER = "x-coral-signature"
ENV_VAR = "MODERATE_SIGNING_SECRETS"
MAX_OFFERED = 8  # a header with more values than this is refused outright (no work amplification)


def sign(body: bytes, secret: str) -> str:
    """The header value Coral sends for `body` under one secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def offered_signatures(header: str | None) -> list[str]:
    """The hex digests in a header value (other schemes, e.g. `sha1=`, are ignored)."""
    if not header:
        return []
    values = []
    for part in header.split(",")[:MAX_OFFERED]:
        scheme, _, value = part.strip().partition("=")
        if scheme.strip().lower() == "sha256" and value.strip():
            values.append(value.strip().lower())
    return values


def verify(body: bytes, header: str | None, secrets: list[bytes]) -> bool:
    """True when some secret's HMAC of `body` equals some offered signature. Every pair is
    compared (no early exit), each in constant time."""
    offered = offered_signatures(header)
    if not offered or not secrets:
        return False
    expected = [hmac.new(key, body, hashlib.sha256).hexdigest() for key in secrets]
    ok = False
    for value in offered:
        for digest in expected:
            ok |= hmac.compare_digest(value.encode("ascii", "replace"), digest.encode("ascii"))
    return ok


def _split(text: str) -> list[str]:
    """Secrets separated by commas or newlines; blank entries and `#` comment lines dropped."""
    out = []
    for line in text.splitlines():
        if line.strip().startswith("#"):
            continue
        out.extend(s.strip() for s in line.split(",") if s.strip())
    return out


def load_secrets(secrets_file: str | Path | None = None, environ: dict | None = None) -> list[bytes]:
    """Secrets from `--secrets-file` if given, else from MODERATE_SIGNING_SECRETS; [] if neither.
    Never from a command-line argument: those are visible to every user in `ps`."""
    if secrets_file is not None:
        path = Path(secrets_file)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read secrets file: {exc.strerror or exc}", path=path) from None
        secrets = _split(text)
        if not secrets:
            raise InputError("secrets file holds no secret", path=path, hint="one secret per line (or comma-separated)")
    else:
        secrets = _split((environ if environ is not None else os.environ).get(ENV_VAR, ""))
    return [s.encode("utf-8") for s in secrets]
