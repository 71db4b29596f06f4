"""Residents' text never in Rasa's log (issue #11, row 7), with the real Rasa of the test stack.

Rasa 3.6 used to write `Failed to parse arguments in line '/ PESEL 0227…'` for any message that
starts with „/”, and the text of a message it failed to handle. `bot.rasa_server` (which the
stack, `make run` and production start) withholds both; the log still says that it happened.
"""

from __future__ import annotations

import time

import pytest

from bot.evaluation.stack import RasaStack
from bot.rasa_server import WITHHELD, redact_warning, with_loopback_default, withhold_personal_data

PESEL = "02270803628"  # a made-up number of PESEL's shape


@pytest.mark.slow
def test_a_pesel_after_a_slash_reaches_no_log(rasa_stack: RasaStack) -> None:
    assert rasa_stack.workdir is not None
    for text in (
        f"/ PESEL {PESEL}",
        f"/inform_district PESEL {PESEL}",
        f'/pora{{"pesel": "{PESEL}"}}',
    ):
        rasa_stack.send("log-privacy", text)
    time.sleep(1)  # the log lines are written after the answer
    rasa_log = (rasa_stack.workdir / "rasa.log").read_text(encoding="utf-8", errors="replace")
    actions_log = (rasa_stack.workdir / "actions.log").read_text(errors="replace")
    assert "Failed to parse arguments of a message starting with '/'" in rasa_log
    assert PESEL not in rasa_log and PESEL[:6] not in rasa_log
    assert PESEL not in actions_log


def test_the_warning_keeps_its_kind_and_loses_the_text() -> None:
    warning = redact_warning(UserWarning(f"Failed to parse arguments in line '/x {PESEL}'. …"))
    assert isinstance(warning, UserWarning) and PESEL not in str(warning)
    other = UserWarning("Slot 'x' is not used")
    assert redact_warning(other) is other
    assert WITHHELD == "[withheld]"


def test_rasas_structured_log_events_keep_their_keys_and_lose_the_text() -> None:
    """What Rasa logs when it fails to handle a message (`rest.message.received.failure`)."""
    event = {"event": "rest.message.received.failure", "text": f"mój PESEL {PESEL}"}
    event |= {"user_text": PESEL, "parse_data_entities": [{"value": PESEL}], "sender_id": "x"}
    logged = withhold_personal_data(None, "error", dict(event))
    assert PESEL not in repr(logged)
    assert logged == {
        **event,
        "text": WITHHELD,
        "user_text": WITHHELD,
        "parse_data_entities": WITHHELD,
    }


def test_rasa_run_listens_on_loopback_unless_told() -> None:
    assert with_loopback_default(["run", "--port", "5005"], {}) == [
        "run",
        "--port",
        "5005",
        "--interface",
        "127.0.0.1",
    ]
    assert with_loopback_default(["run", "-i", "0.0.0.0"], {}) == ["run", "-i", "0.0.0.0"]
    assert with_loopback_default(["shell"], {}) == ["shell"]
