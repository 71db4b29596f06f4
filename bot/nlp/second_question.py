"""Rasa NLU component: flags a message that asks two questions, with the other topic.

Placed after ResponseSelector and FallbackClassifier in config.yml, so that it sees the answer the
assistant will give. `other_question` in the parse data holds the topic key (data/topics.yml);
after the answer, action_offer_other_question offers it as a button.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.clarify import Topic, load_topics
from bot.nlp.component import UntrainedComponent
from bot.nlp.crisis import is_crisis
from bot.other_question import OTHER_QUESTION, other_topic


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SecondQuestion(UntrainedComponent):
    def __init__(self, topics: dict[str, Topic]) -> None:
        self._topics = topics

    @classmethod
    def from_data(cls) -> SecondQuestion:
        return cls(load_topics())

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            parse = message.as_dict(only_output_properties=True)
            if is_crisis((parse.get("intent") or {}).get("name")):
                continue
            topic = other_topic(message.get(TEXT) or "", parse, self._topics)
            if topic:
                message.set(OTHER_QUESTION, topic.key, add_to_output=True)
        return messages
