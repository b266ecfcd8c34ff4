"""X-Coral-Signature checks and where secrets come from."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from moderation.errors import InputError
from moderation.serve.signature import load_secrets, offered_signatures, sign, verify

BODY = b'{\n  "action": "NEW"\n}'


def test_sign_is_hmac_sha256_of_the_raw_bytes_keyed_with_the_whole_secret():
    expected = hmac.new(b"ssc_abc:def", BODY, hashlib.sha256).hexdigest()
    assert sign(BODY, "ssc_abc:def") == f"sha256={expected}"


def test_any_configured_secret_matching_any_offered_signature_verifies():
    secrets = [b"one", b"two"]
    assert verify(BODY, sign(BODY, "two"), secrets)
    assert verify(BODY, f"{sign(BODY, 'zero')},{sign(BODY, 'one')}", secrets)
    assert verify(BODY, f"sha256=00 , {sign(BODY, 'two').upper().replace('SHA256', 'sha256')}", secrets)
    assert not verify(BODY, sign(BODY, "three"), secrets)
    assert not verify(BODY + b" ", sign(BODY, "one"), secrets)
    assert not verify(BODY, None, secrets) and not verify(BODY, "", secrets)
    assert not verify(BODY, "sha1=" + sign(BODY, "one")[7:], secrets)
    assert not verify(BODY, sign(BODY, "one"), [])


def test_offered_signatures_are_capped():
    header = ",".join(["sha256=00"] * 100)
    assert len(offered_signatures(header)) == 8


def test_secrets_from_environment_or_file(tmp_path):
    assert load_secrets(environ={"MODERATE_SIGNING_SECRETS": " a , b,,"}) == [b"a", b"b"]
    assert load_secrets(environ={}) == []
    path = tmp_path / "secrets"
    path.write_text("# rotated 2024-05\nold\nnew,newer\n", encoding="utf-8")
    assert load_secrets(path, environ={"MODERATE_SIGNING_SECRETS": "ignored"}) == [b"old", b"new", b"newer"]
    (tmp_path / "empty").write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(InputError, match="no secret"):
        load_secrets(tmp_path / "empty")
    with pytest.raises(InputError, match="cannot read"):
        load_secrets(tmp_path / "missing")
