"""What the Messenger channel sends fits Messenger's limits (no Rasa needed)."""

from __future__ import annotations

import hashlib
import hmac

from bot.gateway.messenger_format import messenger_messages, split_text
from bot.gateway.messenger_signature import signature_valid


def buttons(n: int) -> list[dict[str, str]]:
    return [{"title": f"Temat numer {i} z długim tytułem", "payload": f"/t{i}"} for i in range(n)]


def test_up_to_three_buttons_make_a_button_template_with_short_titles() -> None:
    (message,) = messenger_messages("Proszę wybrać.", buttons(3))
    payload = message["attachment"]["payload"]
    assert payload["template_type"] == "button" and payload["text"] == "Proszę wybrać."
    assert [b["type"] for b in payload["buttons"]] == ["postback"] * 3
    assert all(len(b["title"]) <= 20 and b["title"].endswith("…") for b in payload["buttons"])


def test_four_to_thirteen_become_quick_replies_and_more_become_a_list() -> None:
    (quick,) = messenger_messages("Proszę wybrać.", buttons(13))
    assert len(quick["quick_replies"]) == 13 and quick["text"] == "Proszę wybrać."
    (listed,) = messenger_messages("Proszę wybrać.", buttons(14))
    assert "quick_replies" not in listed and listed["text"].count("• Temat numer") == 14


def test_links_become_url_buttons_never_quick_replies() -> None:
    link = [{"title": "Strona MOPS", "payload": "https://www.mops.krakow.pl"}]
    (message,) = messenger_messages("Więcej:", link)
    assert message["attachment"]["payload"]["buttons"][0]["type"] == "web_url"
    (listed,) = messenger_messages("Więcej:", link * 5)
    assert "https://www.mops.krakow.pl" in listed["text"]


def test_long_answers_split_at_paragraphs_then_sentences() -> None:
    paragraph = "To jest zdanie o pomocy społecznej. " * 40  # about 1440 characters
    chunks = split_text(paragraph + "\n\n" + paragraph)
    assert len(chunks) == 2 and all(len(c) <= 2000 for c in chunks)
    assert all(c.endswith("społecznej.") for c in chunks)
    one_paragraph = split_text("Zdanie pierwsze. " * 300)
    assert all(len(c) <= 2000 and c.endswith("pierwsze.") for c in one_paragraph)


def test_buttons_go_with_the_last_part_of_a_long_answer() -> None:
    messages = messenger_messages("Akapit. " * 400, buttons(2))
    assert all("text" in m for m in messages[:-1])
    assert "quick_replies" in messages[-1] or "attachment" in messages[-1]


def test_signatures_sha256_and_the_older_sha1() -> None:
    body = b'{"object": "page"}'
    sha256 = hmac.new(b"s", body, hashlib.sha256).hexdigest()
    sha1 = hmac.new(b"s", body, hashlib.sha1).hexdigest()
    assert signature_valid("s", body, {"X-Hub-Signature-256": f"sha256={sha256}"})
    assert signature_valid("s", body, {"X-Hub-Signature": f"sha1={sha1}"})
    assert not signature_valid("s", body, {"X-Hub-Signature-256": f"sha256={sha1}"})
    assert not signature_valid("inny", body, {"X-Hub-Signature-256": f"sha256={sha256}"})
    assert not signature_valid("s", body, {})
