"""Reply-level evaluation on messages written apart from the training data (tests/realistic).

The floors sit a little under what `make eval-real` measures (see the closing notes); the figures
themselves are printed by `make eval-real`, with every wrong reply in var/eval/realistic.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.evaluation.realistic import CLOSED_HOURS, Results, evaluate, load_cases, messages_of
from bot.evaluation.replies import Turn, last_turn
from bot.polish.text import fold_diacritics
from tests.conftest import ALWAYS_OPEN, HOURS_FILE, ROOT, RasaStack

# Measured by `make eval-real` (see the closing notes); the goals are 0.97, 0.95, 1.0 and 0 alarms.
SINGLES_FLOOR = 0.91  # measured 0.959
CONVERSATIONS_FLOOR = 0.85  # measured 0.878
RECALL_FLOOR = 0.95  # measured 0.985
HOLDOUT_FLOOR = 0.87  # measured 0.917 with july.yml
MAX_CRISIS_ALARMS = 3  # measured 0 of 471 ordinary messages
MAX_HOLDOUT_ALARMS = 6  # measured 6 (506 false-alarm cases among 3,134 messages)
# Training data: NLU examples, stories and rules (not the texts the assistant says).
TRAINING_DIRS = ("nlu", "stories", "rules")
# Replies like "tak", "menu" or "a dla kogo?" are every chat's; longer messages must never be
# trained on.
MIN_WORDS_CHECKED = 4


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold_diacritics(text.lower())))


def _training_texts(data: Path = ROOT / "data") -> set[str]:
    """Every example and story text under data/, as the same folded key."""
    texts = set()
    for path in (p for folder in TRAINING_DIRS for p in (data / folder).rglob("*.yml")):
        raw = path.read_text(encoding="utf-8")
        for line in raw.splitlines():
            line = re.sub(r"\[([^\]]*)\][({][^)}]*[)}]", r"\1", line)  # entity annotations
            stripped = line.strip().lstrip("-").strip().strip("\"'")
            if stripped:
                texts.add(_key(stripped))
        yaml.safe_load(raw)  # a broken file would hide texts from this check
    return texts


def test_the_sets_are_as_large_as_promised() -> None:
    cases = load_cases()
    by_set = {name: [c for c in cases if c.set == name] for name in {c.set for c in cases}}
    assert len(by_set["singles"]) >= 800
    assert len(by_set["conversations"]) >= 80
    assert len(by_set["false_alarms"]) >= 400
    assert len(by_set["crisis_recall"]) >= 200


def _leaked(data: Path = ROOT / "data") -> list[str]:
    training = _training_texts(data)
    return sorted(
        text
        for text in messages_of(load_cases())
        if len(_key(text).split()) >= MIN_WORDS_CHECKED and _key(text) in training
    )


def test_no_test_message_is_in_the_training_data() -> None:
    leaked = _leaked()
    assert leaked == [], f"{len(leaked)} test messages are in data/: {leaked[:10]}"


def test_a_test_message_copied_into_training_data_is_caught(tmp_path: Path) -> None:
    copied = max(messages_of(load_cases()), key=len)
    typed = fold_diacritics(copied).upper().replace(",", " ,")  # spelling does not hide it
    (tmp_path / "nlu").mkdir()
    nlu = tmp_path / "nlu" / "copied.yml"
    nlu.write_text(
        f"nlu:\n- intent: greet\n  examples: |\n    - {typed.replace(':', ' ')}\n", "utf-8"
    )
    assert _leaked(tmp_path) == [copied]


@pytest.fixture(scope="module")
def results(rasa_stack: RasaStack) -> Iterator[Results]:
    """Every case through the real servers, with the chat unstaffed as `make eval-real` has it."""

    def send(sender: str, text: str) -> Turn:
        rasa_stack.send(sender, text)
        return last_turn(rasa_stack.tracker(sender))

    HOURS_FILE.write_text(CLOSED_HOURS, encoding="utf-8")
    try:
        yield evaluate(load_cases(), send)
    finally:
        HOURS_FILE.write_text(ALWAYS_OPEN, encoding="utf-8")


@pytest.mark.slow
def test_single_messages_get_the_right_reply(results: Results) -> None:
    assert results.by_set["singles"].share >= SINGLES_FLOOR


@pytest.mark.slow
def test_conversations_get_the_right_replies_all_the_way(results: Results) -> None:
    assert results.by_set["conversations"].share >= CONVERSATIONS_FLOOR


@pytest.mark.slow
def test_crisis_alarms_on_ordinary_messages_stay_rare(results: Results) -> None:
    alarms = [v.expected.text for v in results.crisis_alarms()]
    assert len(alarms) <= MAX_CRISIS_ALARMS, alarms


@pytest.mark.slow
def test_crisis_messages_get_the_numbers_first(results: Results) -> None:
    assert results.by_set["crisis_recall"].share >= RECALL_FLOOR


@pytest.mark.slow
def test_the_held_back_set_holds_up(results: Results) -> None:
    assert results.by_set["holdout"].share >= HOLDOUT_FLOOR
    assert len(results.crisis_alarms("holdout")) <= MAX_HOLDOUT_ALARMS
