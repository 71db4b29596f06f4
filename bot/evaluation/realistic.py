"""Reply-level evaluation on tests/realistic/: is each reply right for the person who wrote?

`make eval-real` (python -m bot.evaluation.realistic) starts the real Rasa and action servers,
sends every case (a single message as a new conversation; a conversation turn by turn), reads the
reply from the tracker and judges it against the case (tests/realistic/README.md). It prints the
share of right replies per set and category and lists every wrong reply in var/eval/realistic.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.clarify import load_topics
from bot.evaluation.replies import Turn, last_turn
from bot.paths import PROJECT_ROOT
from bot.polish.text import fold_diacritics

CASES = PROJECT_ROOT / "tests" / "realistic"
SETS = {
    "singles": "singles/*.yml",
    "conversations": "conversations/*.yml",
    "false_alarms": "crisis/false_alarms.yml",
    "crisis_recall": "crisis/recall.yml",
    "holdout": "holdout/*.yml",
}
CRISIS = ("crisis_suicide", "crisis_violence", "crisis_danger", "crisis_basic_needs")
CRISIS_ALARM = "crisis alarm for an ordinary message"
# The handoff asks for a call-back contact when nobody staffs the chat: conversations go on with
# the assistant rather than pausing for a worker, the same on every day of the week.
CLOSED_HOURS = "hours:\n  monday: []\nclosed_on_public_holidays: true\n"
# Buttons that stand for a topic without a question of their own.
_INTENT_BUTTONS = {
    "/find_branch": "branch/ask_address",
    "/request_human": "handoff",
    "/contact_info": "contact",
    "/own_case": "own_case",
    "/help": "help",
}


@dataclass(frozen=True)
class Expected:
    """What a right reply to one message is."""

    text: str
    labels: tuple[str, ...]
    contains: tuple[str, ...] = ()
    district: str | None = None
    offers: tuple[str, ...] = ()
    leaves_form: bool = False

    @classmethod
    def parse(cls, raw: Mapping[str, Any], text_key: str) -> Expected:
        def strings(value: Any) -> tuple[str, ...]:
            if value is None:
                return ()
            return tuple(str(v) for v in (value if isinstance(value, list) else [value]))

        return cls(
            text=str(raw[text_key]),
            labels=strings(raw["reply"]),
            contains=strings(raw.get("contains")),
            district=raw.get("district"),
            offers=strings(raw.get("offers")),
            leaves_form=bool(raw.get("leaves_form")),
        )


@dataclass(frozen=True)
class Case:
    id: str
    set: str
    category: str
    turns: tuple[Expected, ...]


@dataclass
class Verdict:
    case: Case
    turn: int
    expected: Expected
    reply: Turn
    problems: list[str]

    @property
    def right(self) -> bool:
        return not self.problems


def load_cases(root: Path = CASES) -> list[Case]:
    """Every case of every set, conversations as their turns."""
    cases = []
    for set_name, pattern in SETS.items():
        for path in sorted(root.glob(pattern)):
            for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
                if "turns" in raw:
                    turns = tuple(Expected.parse(t, "user") for t in raw["turns"])
                else:
                    turns = (Expected.parse(raw, "text"),)
                cases.append(Case(str(raw["id"]), set_name, str(raw["category"]), turns))
    return cases


def messages_of(cases: Iterable[Case]) -> set[str]:
    return {turn.text for case in cases for turn in case.turns}


def _fold(text: str) -> str:
    """Letters and digits only: "12 430-45-46" is found in "12 430 45 46", "Józefińska" in
    "jozefinska"."""
    return "".join(c for c in fold_diacritics(text.lower()) if c.isalnum())


def offered_labels(buttons: Iterable[Mapping[str, str]]) -> set[str]:
    """The topics the reply's buttons lead to."""
    by_payload = {topic.payload: key for key, topic in load_topics().items()}
    labels = set()
    for button in buttons:
        payload = button.get("payload", "")
        key = by_payload.get(payload)
        label = _INTENT_BUTTONS.get(payload) or ("pora/join" if key == "ask_join_pora" else key)
        if label:
            labels.add(label)
    return labels


def judge(expected: Expected, reply: Turn) -> list[str]:
    """What is wrong with the reply; nothing when it is right for the person."""
    problems = []
    crisis_expected = any(label in CRISIS for label in expected.labels)
    # The crisis numbers first is what matters for a crisis: any crisis reply is right for it.
    crisis_case = all(label in CRISIS for label in expected.labels)
    if reply.first not in expected.labels and not (crisis_case and reply.first in CRISIS):
        problems.append(f"got {reply.first}, want {' | '.join(expected.labels)}")
    if not crisis_expected and any(label in CRISIS for label in reply.labels):
        problems.append(CRISIS_ALARM)
    district = reply.slots.get("district")
    if expected.district and reply.first == "branch/confirm" and district != expected.district:
        problems.append(f"district {district}, want {expected.district}")
    folded = _fold(reply.text)
    problems += [f"missing {fact!r}" for fact in expected.contains if _fold(fact) not in folded]
    missing = set(expected.offers) - offered_labels(reply.buttons) - set(reply.labels)
    problems += [f"{label} not offered" for label in sorted(missing)]
    if expected.leaves_form and reply.active_loop:
        problems.append(f"still in {reply.active_loop}")
    return problems


Sender = Callable[[str, str], Turn]


def run_case(case: Case, send: Sender) -> list[Verdict]:
    conversation = f"eval-{case.id}-{uuid.uuid4().hex[:6]}"
    verdicts = []
    for number, expected in enumerate(case.turns, start=1):
        reply = send(conversation, expected.text)
        verdicts.append(Verdict(case, number, expected, reply, judge(expected, reply)))
    return verdicts


@dataclass
class Score:
    right: int = 0
    total: int = 0
    gentle: int = 0
    wrong: list[Verdict] = field(default_factory=list)

    def add(self, verdicts: list[Verdict], whole_case: bool) -> None:
        """A conversation counts as right only when every turn is."""
        units = [verdicts] if whole_case else [[v] for v in verdicts]
        for unit in units:
            self.total += 1
            self.right += all(v.right for v in unit)
        self.gentle += sum(v.reply.gentle_line for v in verdicts)
        self.wrong += [v for v in verdicts if not v.right]

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0


@dataclass
class Results:
    by_set: dict[str, Score]
    by_category: dict[tuple[str, str], Score]
    turns: Score  # conversation turns one by one

    def crisis_alarms(self, set_name: str = "false_alarms") -> list[Verdict]:
        """Ordinary messages of the set that got a crisis reply."""
        score = self.by_set.get(set_name) or Score()
        return [v for v in score.wrong if CRISIS_ALARM in v.problems]


def evaluate(cases: list[Case], send: Sender, workers: int = 6) -> Results:
    with ThreadPoolExecutor(workers) as pool:
        all_verdicts = list(pool.map(lambda case: run_case(case, send), cases))
    by_set: dict[str, Score] = defaultdict(Score)
    by_category: dict[tuple[str, str], Score] = defaultdict(Score)
    turns = Score()
    for case, verdicts in zip(cases, all_verdicts, strict=True):
        whole = case.set == "conversations"
        by_set[case.set].add(verdicts, whole)
        by_category[(case.set, case.category)].add(verdicts, whole)
        if whole:
            turns.add(verdicts, whole_case=False)
    return Results(dict(by_set), dict(by_category), turns)


def format_summary(results: Results) -> str:
    lines = [f"{'set / category':<36} {'right':>7} {'total':>6} {'share':>7} {'gentle':>7}"]
    for set_name, score in results.by_set.items():
        unit = "conversations" if set_name == "conversations" else "messages"
        lines.append(
            f"{set_name + ' (' + unit + ')':<36} {score.right:>7} {score.total:>6} "
            f"{score.share:>7.1%} {score.gentle:>7}"
        )
        for (owner, category), cat in sorted(results.by_category.items()):
            if owner == set_name:
                lines.append(
                    f"  {category:<34} {cat.right:>7} {cat.total:>6} {cat.share:>7.1%} "
                    f"{cat.gentle:>7}"
                )
    t = results.turns
    lines.append(f"{'conversation turns':<36} {t.right:>7} {t.total:>6} {t.share:>7.1%}")
    lines.append(f"crisis alarms on the false-alarm set: {len(results.crisis_alarms())}")
    lines.append(f"crisis alarms on the held-back set: {len(results.crisis_alarms('holdout'))}")
    return "\n".join(lines)


def format_wrong(results: Results) -> str:
    """Every wrong reply, with what it said, for var/eval/realistic.md."""
    out = ["# Wrong replies on tests/realistic\n", "```", format_summary(results), "```\n"]
    for set_name, score in results.by_set.items():
        out.append(f"## {set_name}: {len(score.wrong)} wrong replies\n")
        for v in score.wrong:
            said = v.reply.text.replace("\n", " / ")[:240]
            out.append(
                f"- **{v.case.id}** ({v.case.category}, turn {v.turn}) „{v.expected.text}”  \n"
                f"  {'; '.join(v.problems)}  \n  said: {' + '.join(v.reply.labels) or '—'}: "
                f"„{said}”"
            )
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    from bot.evaluation.stack import rasa_stack
    from bot.storage.migrate import upgrade

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models" / "mops.tar.gz")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "var" / "eval")
    parser.add_argument("--only", help="run only this set (singles, conversations, …)")
    args = parser.parse_args(argv)
    cases = [c for c in load_cases() if not args.only or c.set == args.only]
    with tempfile.TemporaryDirectory(prefix="eval-real-") as tmp:
        hours = Path(tmp) / "hours.yml"
        hours.write_text(CLOSED_HOURS, encoding="utf-8")
        env = {
            "CONSOLE_DATABASE_URL": f"sqlite:///{Path(tmp) / 'console.db'}",
            "HANDOFF_HOURS_FILE": str(hours),
        }
        upgrade(env["CONSOLE_DATABASE_URL"])  # the handoff's tables, as `make run` migrates them
        with rasa_stack(args.model, Path(tmp), env) as stack:

            def send(sender: str, text: str) -> Turn:
                stack.send(sender, text)
                return last_turn(stack.tracker(sender))

            results = evaluate(cases, send)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "realistic.md").write_text(format_wrong(results), encoding="utf-8")
    print(format_summary(results))
    print(f"\nWrong replies: {args.out / 'realistic.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
