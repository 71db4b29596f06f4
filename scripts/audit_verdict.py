"""The verdict of `make audit` on pip-audit's JSON report (standard library only).

Exit 0: every package audited, none vulnerable. 1: known vulnerabilities (listed). 2: some
packages not audited. 3: none audited (an index without advisory data). A skipped package is
not a clean one, so it is never reported as "no known vulnerabilities".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def verdict(report: dict) -> tuple[int, list[str]]:
    """The exit code and the lines to print for a pip-audit JSON report."""
    deps = report["dependencies"]
    skipped = [d for d in deps if "skip_reason" in d]
    vulnerable = [d for d in deps if d.get("vulns")]
    lines = []
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix"
            aliases = ", ".join(vuln.get("aliases") or [])
            lines.append(
                f"{dep['name']} {dep['version']}: {vuln['id']} ({aliases}) fixed in: {fixes}"
            )
    audited = len(deps) - len(skipped)
    count = sum(len(d["vulns"]) for d in vulnerable)
    lines.append(
        f"{audited} of {len(deps)} packages audited, {count} known vulnerabilities in "
        f"{len(vulnerable)} packages, {len(skipped)} not audited."
    )
    if skipped:
        names = ", ".join(d["name"] for d in skipped[:20]) + (" …" if len(skipped) > 20 else "")
        lines.append(f"Not audited (the index had no data for them): {names}")
    if vulnerable:
        return 1, lines
    if skipped:
        return (3 if not audited else 2), lines
    return 0, lines


def main(path: str) -> int:
    code, lines = verdict(json.loads(Path(path).read_text(encoding="utf-8")))
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
