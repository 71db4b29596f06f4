"""The flagged messages' NLU export (`/console/review/flags/nlu.yml`) is training data Rasa takes:
dropped into a copy of the project's data, `rasa data validate --fail-on-warnings` passes (the one
known Rasa 3.6 quirk of tests/test_rasa_data.py aside), Rasa reads every exported example exactly
as exported, personal data comes out masked, and a flag cannot name an intent the domain lacks.

Rasa runs as a subprocess, as `make` runs it; the test process only parses YAML with
`rasa.shared` (no TensorFlow).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data
from sqlalchemy import select

from bot.review.tracker import EVENTS
from tests.conftest import BIN, ROOT
from tests.review.conftest import NOW, Turn, add_conversation
from tests.review.test_masking import GOOD_PESEL
from tests.review.test_web import PESEL_TEXT, app, browser  # noqa: F401  (fixtures)
from tests.test_rasa_data import KNOWN_QUIRK

pytestmark = pytest.mark.slow

PHONE_TEXT = "Proszę oddzwonić pod   601 234 567,\nchodzi o zasiłek celowy"
SUPPORT_TEXT = "czy są u was jakieś zajęcia grupowe dla dorosłych"
EXPECTED = {  # what the export must hold: masked, whitespace folded, by the flagged intent
    ("mój pesel [PESEL], mail [e-mail]", "greet"),
    ("Proszę oddzwonić pod [telefon], chodzi o zasiłek celowy", "leave_contact"),
    (SUPPORT_TEXT, "support"),  # a retrieval intent: the form offers it without a sub-intent
}
PERSONAL = (GOOD_PESEL, "jan@wp.pl", "601 234 567", "601234567")


def user_event(tracker, sender: str, text: str) -> int:
    """The id of the user event with this text (the transcript's flag form posts the same)."""
    query = select(EVENTS.c.id, EVENTS.c.data).where(
        EVENTS.c.sender_id == sender, EVENTS.c.type_name == "user"
    )
    with tracker.connect() as connection:
        for event_id, data in connection.execute(query):
            if json.loads(data)["text"] == text:
                return event_id
    raise AssertionError(f"no user event {text!r} of {sender}")


def rasa_project(tmp_path: Path, exported: str, name: str = "flagged.yml") -> Path:
    """A copy of the project's domain, config and training data, with `exported` added as
    data/nlu/<name>."""
    project = tmp_path / "project"
    if not project.exists():
        project.mkdir()
        for file in ("domain.yml", "config.yml"):
            shutil.copy(ROOT / file, project / file)
        for folder in ("nlu", "rules", "stories"):
            shutil.copytree(ROOT / "data" / folder, project / "data" / folder)
    (project / "data" / "nlu" / name).write_text(exported, encoding="utf-8")
    return project


def validate(project: Path) -> subprocess.CompletedProcess:
    command = [
        str(BIN / "rasa"), "data", "validate", "--fail-on-warnings",
        "--domain", "domain.yml", "--config", "config.yml", "--data", "data",
    ]  # fmt: skip
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=180
    )


def warnings_of(output: str) -> list[str]:
    """Rasa's warnings, the known quirk left out."""
    found = [
        line.split("UserWarning: ", 1)[1].strip()
        for line in output.splitlines()
        if "UserWarning: " in line
    ]
    return [w for w in found if not KNOWN_QUIRK.search(w)]


@pytest.mark.usefixtures("app")
def test_flagged_messages_export_validates_with_rasa(browser, tracker, tmp_path) -> None:  # noqa: F811
    add_conversation(
        tracker,
        "piotr",
        NOW - timedelta(minutes=30),
        [Turn(PHONE_TEXT, "nlu_fallback", 0.3), Turn(SUPPORT_TEXT, "nlu_fallback", 0.35)],
    )
    client, token = browser("ania")
    flags = [
        ("anna", PESEL_TEXT, "greet"),
        ("piotr", PHONE_TEXT, "leave_contact"),
        ("piotr", SUPPORT_TEXT, "support"),
    ]
    for sender, text, intent in flags:
        form = {"csrf_token": token, "event_id": user_event(tracker, sender, text)}
        response = client.post(f"/console/review/c/{sender}/flag", data={**form, "intent": intent})
        assert response.status_code == 200, response.text[-500:]
        assert "Wiadomość została oznaczona jako źle zrozumiana." in response.text
        # an intent the domain lacks is refused, so it can never reach the export: a made-up
        # one, Rasa's internal nlu_fallback, a retrieval intent's sub-intent
        for wrong in ("no_such_intent", "nlu_fallback", "support/therapy", ""):
            refused = client.post(
                f"/console/review/c/{sender}/flag", data={**form, "intent": wrong}
            )
            assert refused.status_code == 400, wrong

    exported = client.get("/console/review/flags/nlu.yml").text
    assert not any(value in exported for value in PERSONAL), exported
    assert "[PESEL]" in exported and "[telefon]" in exported
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert {block["intent"] for block in yaml.safe_load(exported)["nlu"]} <= set(domain["intents"])

    project = rasa_project(tmp_path, exported)
    loaded = load_data(str(project / "data" / "nlu" / "flagged.yml"))
    assert {(m.get("text"), m.get("intent")) for m in loaded.training_examples} == EXPECTED
    assert [m.get("entities") for m in loaded.training_examples if m.get("entities")] == []

    run = validate(project)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-5000:]
    assert warnings_of(output) == [], output[-5000:]
    assert "No story structure conflicts found" in output
    # Together with the project's own data: nothing exported repeats an existing example.
    everything = load_data(str(project / "data" / "nlu"))
    pairs = [(m.get("text"), m.get("intent")) for m in everything.intent_examples]
    assert all(pairs.count(pair) == 1 for pair in EXPECTED)

    # The control: the same file with an intent the domain lacks does not validate, so the run
    # above really read and checked the exported file.
    unknown = exported.replace("intent: leave_contact", "intent: no_such_intent")
    assert unknown != exported
    failed = validate(rasa_project(tmp_path, unknown))
    assert failed.returncode != 0
    assert "no_such_intent" in failed.stdout + failed.stderr


@pytest.mark.usefixtures("app")
def test_brackets_in_a_message_stay_text(browser, tracker, tmp_path) -> None:  # noqa: F811
    """A resident's own markup-like text (a link, a phone number in brackets) must reach the
    training data as the resident wrote it (masked), not as Rasa entity annotations."""
    texts = ["mój numer 601 234 567(komórka)", "wszystko jest [tu](http://example.pl)"]
    add_conversation(
        tracker, "ewa", NOW - timedelta(minutes=5), [Turn(t, "nlu_fallback", 0.2) for t in texts]
    )
    client, token = browser("ania")
    for text in texts:
        form = {
            "csrf_token": token,
            "event_id": user_event(tracker, "ewa", text),
            "intent": "greet",
        }
        assert client.post("/console/review/c/ewa/flag", data=form).status_code == 200
    exported = client.get("/console/review/flags/nlu.yml").text
    path = tmp_path / "flagged.yml"
    path.write_text(exported, encoding="utf-8")
    loaded = load_data(str(path))
    assert [m.get("entities") for m in loaded.training_examples if m.get("entities")] == []
    said = " | ".join(sorted(m.get("text") for m in loaded.training_examples))
    assert "[telefon]" in said and "komórka" in said and "example.pl" in said, said
