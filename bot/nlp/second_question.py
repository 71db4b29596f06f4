"""Rasa NLU component: a message that asks two questions gets the first answered, the other offered.

Placed last in config.yml, after ResponseSelector and FallbackClassifier, so that it sees the answer
the assistant would give. It takes PartReader's reading of each part (bot/nlp/part_reader.py): when
two parts ask about different topics, the first question is the one answered, even if the
whole-message classifier chose the second or was unsure, and the other topic goes into
`other_question` (a data/topics.yml key) for action_offer_other_question. A crisis, or an address
found in the message, is never overridden. First of all, the answer is made the intent's own
(bot/nlp/ranking.answer_of_the_intent).
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.clarify import OUT_OF_SCOPE, Topic, intent_key, load_topics
from bot.follow_up import FollowUps
from bot.nlp.component import UntrainedComponent
from bot.nlp.crisis import is_crisis
from bot.nlp.part_reader import PART_READINGS
from bot.nlp.ranking import answer_of_the_intent, choose_answer
from bot.other_question import OTHER_QUESTION, known_part, two_questions


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SecondQuestion(UntrainedComponent):
    def __init__(self, topics: dict[str, Topic], follow_ups: FollowUps) -> None:
        self._topics = topics
        self._follow_ups = follow_ups

    @classmethod
    def from_data(cls) -> SecondQuestion:
        return cls(load_topics(), FollowUps.load())

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            answer_of_the_intent(message)
            parse = message.as_dict(only_output_properties=True)
            if is_crisis((parse.get("intent") or {}).get("name")):
                continue
            text = message.get(TEXT) or ""
            readings = message.get(PART_READINGS) or {}
            found = (
                two_questions(text, readings, self._topics, self._follow_ups) if readings else None
            )
            answered = intent_key(parse)
            if found is None:
                if answered == OUT_OF_SCOPE and not message.get(ENTITIES):
                    known = known_part(text, readings, self._topics, self._follow_ups)
                    if known:
                        choose_answer(message, known.key, known.confidence)
                continue  # one question, or the parts could not be read: nothing to offer
            main = found.main
            if main and main.key != answered and not message.get(ENTITIES):
                choose_answer(message, main.key, main.confidence)
                answered = main.key
            offered = found.offer_beside(answered)
            if offered:
                message.set(OTHER_QUESTION, offered, add_to_output=True)
        return messages
