"""`make audit`'s verdict on pip-audit's report: a package it could not audit is never "clean"."""

from __future__ import annotations

import importlib.util

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
