"""Atomic writes: all or nothing, with the permissions a plain write would give."""

from __future__ import annotations

import os

import pytest

from moderation.files import atomic_open, atomic_write_text


def test_failed_write_leaves_the_old_file_and_no_temp(tmp_path):
    target = tmp_path / "labels.csv"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_open(target) as fh:
        fh.write("half of the new")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert os.listdir(tmp_path) == ["labels.csv"]


def test_new_file_gets_umask_permissions_and_replaced_file_keeps_its_own(tmp_path):
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "report.html"
        atomic_write_text(fresh, "x")
        assert fresh.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "private.csv"
        kept.write_text("a", encoding="utf-8")
        kept.chmod(0o600)
        atomic_write_text(kept, "b")
        assert kept.stat().st_mode & 0o777 == 0o600 and kept.read_text(encoding="utf-8") == "b"
    finally:
        os.umask(old)
