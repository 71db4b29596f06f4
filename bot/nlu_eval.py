"""Evaluate the trained model on the held-out NLU test set (tests/nlu, never trained on).

`make eval` prints the table; tests/test_nlu_eval.py asserts the floor. Macro-F1 is taken over the
labels of the test set only: a prediction of `nlu_fallback` counts against the intent it missed, and
does not add a zero row of its own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

TEST_DATA = Path("tests/nlu")


@dataclass(frozen=True)
class Report:
    """Per-label F1 (with support) for intents and for retrieval responses."""

    intents: dict[str, tuple[float, int]]
    responses: dict[str, tuple[float, int]]

    @staticmethod
    def macro(scores: dict[str, tuple[float, int]]) -> float:
        return sum(f1 for f1, _ in scores.values()) / len(scores) if scores else 0.0

    @property
    def intent_macro_f1(self) -> float:
        return self.macro(self.intents)

    @property
    def response_macro_f1(self) -> float:
        return self.macro(self.responses)


def _scores(report_file: Path) -> dict[str, tuple[float, int]]:
    data = json.loads(report_file.read_text(encoding="utf-8")) if report_file.exists() else {}
    return {
        label: (row["f1-score"], int(row["support"]))
        for label, row in data.items()
        if isinstance(row, dict) and "support" in row and row["support"] and " avg" not in label
    }


def evaluate(model: Path, out: Path, test_data: Path = TEST_DATA) -> Report:
    """Run `rasa test nlu` on the held-out data and read its reports."""
    out.mkdir(parents=True, exist_ok=True)
    rasa = Path(sys.executable).with_name("rasa")
    subprocess.run(
        [
            str(rasa),
            "test",
            "nlu",
            "--model",
            str(model),
            "--nlu",
            str(test_data),
            "--out",
            str(out),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return Report(
        intents=_scores(out / "intent_report.json"),
        responses=_scores(out / "response_selection_report.json"),
    )


def format_report(report: Report) -> str:
    lines = []
    for title, scores, macro in (
        ("intent", report.intents, report.intent_macro_f1),
        ("response (retrieval sub-intent)", report.responses, report.response_macro_f1),
    ):
        lines.append(f"{title:<40} {'F1':>6} {'n':>4}")
        for label, (f1, support) in sorted(scores.items(), key=lambda item: item[1][0]):
            lines.append(f"  {label:<38} {f1:6.3f} {support:4d}")
        lines.append(f"  {'macro-F1':<38} {macro:6.3f}\n")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=Path("models/mops.tar.gz"))
    parser.add_argument("--out", type=Path, default=Path("var/eval"))
    parser.add_argument("--nlu", type=Path, default=TEST_DATA)
    args = parser.parse_args(argv)
    print(format_report(evaluate(args.model, args.out, args.nlu)))


if __name__ == "__main__":
    main()
