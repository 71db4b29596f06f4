"""`make audit`: its verdict on pip-audit's report (a package it could not audit is never "clean"),
and what it says when the package index's API cannot be reached."""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path

from bot.evaluation.stack import ROOT

spec = importlib.util.spec_from_file_location("audit_verdict", ROOT / "scripts/audit_verdict.py")
assert spec and spec.loader
audit_verdict = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit_verdict)

CLEAN = {"name": "wsproto", "version": "1.3.2", "vulns": []}
SKIPPED = {"name": "sanic", "skip_reason": "Dependency not found on PyPI and could not be audited"}
VULNERABLE = {
    "name": "sanic",
    "version": "21.12.2",
    "vulns": [{"id": "PYSEC-0000-1", "aliases": ["CVE-0000-1"], "fix_versions": ["22.0"]}],
}


def test_known_vulnerabilities_fail_and_are_named() -> None:
    code, lines = audit_verdict.verdict({"dependencies": [CLEAN, VULNERABLE]})
    assert code == 1
    assert "sanic 21.12.2: PYSEC-0000-1 (CVE-0000-1) fixed in: 22.0" in lines


def test_an_index_without_advisories_is_not_a_clean_audit() -> None:
    assert audit_verdict.verdict({"dependencies": [SKIPPED]})[0] == 3
    assert audit_verdict.verdict({"dependencies": [CLEAN, SKIPPED]})[0] == 2
    assert audit_verdict.verdict({"dependencies": [CLEAN]})[0] == 0


def _audit_with(tmp_path: Path, strict: bool) -> subprocess.CompletedProcess[str]:
    """scripts/audit.sh with a stand-in pip-audit that cannot reach the package index's API."""
    fake = tmp_path / "bin" / "pip-audit"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = --version ]; then echo "pip-audit 2.10.1"; exit 0; fi\n'
        'echo "ERROR: ConnectionError: Max retries exceeded with url: /pypi/sanic/json" >&2\n'
        "exit 1\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    env = {**os.environ, "AUDIT_DIR": str(tmp_path), "AUDIT_STRICT": "1" if strict else "0"}
    return subprocess.run(
        ["bash", str(ROOT / "scripts/audit.sh")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_an_unreachable_index_is_said_and_fails_only_when_strict(tmp_path: Path) -> None:
    relaxed = _audit_with(tmp_path, strict=False)
    assert relaxed.returncode == 0, relaxed.stderr
    assert "NOT AUDITED: the package index's JSON API could not be reached" in relaxed.stderr
    strict = _audit_with(tmp_path, strict=True)
    assert strict.returncode == 1 and "NOT AUDITED" in strict.stderr
