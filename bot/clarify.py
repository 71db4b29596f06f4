"""What to do when the NLU is unsure: offer the two likeliest topics, then a person.

Tested without Rasa: the action passes the parse result and a plain view of the past turns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.messages import Reply
from bot.paths import data_file

TOPICS_FILE = data_file("topics.yml")
FALLBACK_INTENT = "nlu_fallback"
# A resident who answers "none of these" to a clarification has not been understood either.
_REPLY_TO_CLARIFY = "deny"
# A question the classifier places beyond the assistant's knowledge, even unsure, is answered
# honestly ("I do not know that", with the information point) rather than with unrelated topics.
OUT_OF_SCOPE = "out_of_scope"
HONEST_CONFIDENCE = 0.2


@dataclass(frozen=True)
class Topic:
    key: str
    title: str
    payload: str


@dataclass(frozen=True)
class UserTurn:
    """One resident message: its intent and the bot action that came just before it."""

    intent: str | None
    previous_action: str | None


def load_topics(path: Path = TOPICS_FILE) -> dict[str, Topic]:
    """Topic buttons from the staff-editable YAML file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {key: Topic(key, entry["title"], entry["payload"]) for key, entry in raw.items()}


def answers_of(parse: Mapping[str, Any], intent: str | None) -> list[Mapping[str, Any]]:
    """The response selector's ranking of a retrieval intent's answers, best first.

    A selector trained for one retrieval intent reports under its name; one selector for all of
    them (config.yml) reports under "default", ranking every retrieval intent's answers together.
    """
    selector = parse.get("response_selector") or {}
    entry = selector.get(intent) or selector.get("default") or {}
    chosen = entry.get("response") or {}
    answers = [a for a in entry.get("ranking") or [] if a != chosen]
    if chosen:
        answers.insert(0, chosen)  # the selector's own choice first, as Rasa answers with it
    prefix = f"{intent}/"
    return [a for a in answers if str(a.get("intent_response_key") or "").startswith(prefix)]


def intent_key(parse_data: Mapping[str, Any]) -> str | None:
    """The intent of a parsed message, with the answer for retrieval intents ("support/kis")."""
    intent = (parse_data.get("intent") or {}).get("name")
    answers = answers_of(parse_data, intent)
    return str(answers[0]["intent_response_key"]) if answers else intent


def likely_topics(
    parse: Mapping[str, Any], topics: Mapping[str, Topic], limit: int = 2
) -> list[Topic]:
    """The `limit` likeliest topics for a message, from the intent ranking.

    A retrieval intent ("support") is narrowed to its likeliest sub-intent ("support/therapy")
    with the response selector's ranking, so that the button answers the right question.
    """
    chosen: list[Topic] = []
    for ranked in parse.get("intent_ranking") or []:
        intent = ranked.get("name")
        answers = answers_of(parse, intent)
        key = answers[0].get("intent_response_key") if answers else intent
        topic = topics.get(key) if key else None
        if topic and topic not in chosen:
            chosen.append(topic)
        if len(chosen) == limit:
            break
    return chosen


def unsure_ranking(parse: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The classifier's ranking when it was merely unsure (the fallback is ranked), else none.

    A message of unknown words ("blorp fnarg wug") is sent to the fallback without a ranked
    fallback (bot/nlp/unknown_words.py): its ranking means nothing and is not used.
    """
    ranking = parse.get("intent_ranking") or []
    if not any(r.get("name") == FALLBACK_INTENT for r in ranking):
        return []
    return [r for r in ranking if r.get("name") != FALLBACK_INTENT]


def beyond_knowledge(parse: Mapping[str, Any]) -> bool:
    """Whether the likeliest intent after the fallback is a question the sources cannot answer."""
    ranking = unsure_ranking(parse)
    best = ranking[0] if ranking else {}
    return best.get("name") == OUT_OF_SCOPE and best.get("confidence", 0.0) >= HONEST_CONFIDENCE


def failures_in_a_row(turns: Sequence[UserTurn], clarify_action: str) -> int:
    """How many of the latest resident messages in a row were not understood."""
    count = 0
    for turn in reversed(turns):
        if turn.intent == FALLBACK_INTENT:
            count += 1
        elif not (turn.intent == _REPLY_TO_CLARIFY and turn.previous_action == clarify_action):
            break
    return count


def user_turns(events: Iterable[Mapping[str, Any]]) -> list[UserTurn]:
    """Plain view of a Rasa tracker's events: each user message with the action before it."""
    turns: list[UserTurn] = []
    previous_action: str | None = None
    for event in events:
        if event.get("event") == "action" and event.get("name") != "action_listen":
            previous_action = event.get("name")
        elif event.get("event") == "user":
            intent = (event.get("parse_data") or {}).get("intent") or {}
            turns.append(UserTurn(intent.get("name"), previous_action))
    return turns


def understood_twice_wrong(turns: Sequence[UserTurn], clarify_action: str) -> bool:
    """A second message in a row not understood: time for a person, not another guess."""
    return failures_in_a_row(turns, clarify_action) >= 2


def clarification(
    parse: Mapping[str, Any],
    turns: Sequence[UserTurn],
    topics: Mapping[str, Topic],
    clarify_action: str,
) -> Reply:
    """A question with the two likeliest topics; after a second failure, the contacts."""
    if understood_twice_wrong(turns, clarify_action):
        return Reply("fallback_contacts")
    buttons = [{"title": t.title, "payload": t.payload} for t in likely_topics(parse, topics)]
    return Reply("clarify", buttons=[*buttons, {"title": "Coś innego", "payload": "/deny"}])
