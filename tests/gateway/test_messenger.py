"""Messenger against the real gateway and Rasa; outgoing Graph API calls land in a local fake.

Meta calls the gateway (as in production), which hands each event on to Rasa's channel; that
channel checks the signature again, which the last test tries on Rasa directly.
"""

from __future__ import annotations

import json
import os
import time
import uuid

import pytest
import requests

from tests.conftest import RasaStack
from tests.fake_graph import calls_to, event, messages_to, signed, webhook

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("receiver", ["gateway", "rasa"])
def test_verification_handshake(rasa_stack: RasaStack, gateway_url: str, receiver: str) -> None:
    url = webhook(gateway_url if receiver == "gateway" else rasa_stack)
    params = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}
    token = os.environ["FACEBOOK_VERIFY_TOKEN"]
    ok = requests.get(url, params={**params, "hub.verify_token": token})
    assert ok.status_code == 200 and ok.text == "1158201444"
    wrong = requests.get(url, params={**params, "hub.verify_token": "zly"})
    assert wrong.status_code == 403 and "1158201444" not in wrong.text


def test_a_signed_message_is_answered_with_quick_replies(gateway_url: str, graph) -> None:
    sender = f"fb-{uuid.uuid4().hex[:8]}"
    body = event(sender, {"message": {"mid": "m1", "text": "Dzień dobry"}})
    response = requests.post(webhook(gateway_url), data=body, headers=signed(body), timeout=60)
    assert response.status_code == 200
    actions = [c["sender_action"] for c in calls_to(graph, sender) if "sender_action" in c]
    assert actions[:2] == ["mark_seen", "typing_on"] and actions[-1] == "typing_off"
    sent = messages_to(graph, sender)
    assert "automatycznym asystentem" in " ".join(m.get("text", "") for m in sent)
    replies = [q for m in sent for q in m.get("quick_replies", [])]
    assert 3 < len(replies) <= 13  # the menu is longer than a template's 3 buttons
    assert all(len(q["title"]) <= 20 for q in replies)
    assert all(len(m.get("text", "")) <= 2000 for m in sent)
    contact = next(q for q in replies if q["title"] == "Kontakt z MOPS")

    # the resident taps a quick reply: Messenger sends its payload back
    body = event(sender, {"message": {"mid": "m2", "text": "Kontakt z MOPS",
                                      "quick_reply": {"payload": contact["payload"]}}})  # fmt: skip
    requests.post(webhook(gateway_url), data=body, headers=signed(body), timeout=60)
    answer = json.dumps(messages_to(graph, sender)[len(sent) :], ensure_ascii=False)
    assert "12 616 54 08" in answer


@pytest.mark.parametrize("receiver", ["gateway", "rasa"])
@pytest.mark.parametrize("how", ["wrong secret", "unsigned", "tampered"])
def test_a_wrongly_signed_or_unsigned_message_is_rejected_and_unanswered(
    rasa_stack, gateway_url: str, graph, how: str, receiver: str
) -> None:
    sender = f"fb-{uuid.uuid4().hex[:8]}"
    body = event(sender, {"message": {"mid": "m1", "text": "Dzień dobry"}})
    headers = {
        "wrong secret": signed(body, "nie-ten-sekret"),
        "unsigned": {"Content-Type": "application/json"},
        "tampered": signed(body.replace(b"Dzie", b"Dzia")),
    }[how]
    url = webhook(gateway_url if receiver == "gateway" else rasa_stack)
    response = requests.post(url, data=body, headers=headers, timeout=60)
    assert response.status_code == 403
    time.sleep(0.5)
    assert not calls_to(graph, sender)
    tracker = requests.get(
        f"{rasa_stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": os.environ["RASA_AUTH_TOKEN"]},
        timeout=10,
    )
    assert not [e for e in tracker.json()["events"] if e["event"] == "user"]
