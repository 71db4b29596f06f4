"""Rasa NLU component: the crisis answer when a crisis is certain, never for a plain question.

Certain: a phrase of the crisis lexicon, or someone who cannot be reached for a day or more
(bot/nlp/unreachable.py), either of which overrides every other guess; or the classifier sure of
a crisis, or leading where nothing else fits with the part model (PartReader) agreeing. Unsure:
the message is answered as it asks, and `crisis_hint` in the parse data adds one gentle line with
the 24/7 numbers after the answer (bot.nlp.crisis.classifier_tier). Placed last among the intent
classifiers, before FallbackClassifier, in config.yml.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.component import UntrainedComponent
from bot.nlp.crisis import (
    CRISIS_HINT,
    NO_VETO,
    PART_WHOLE_HINT,
    CrisisLexicon,
    Tier,
    classifier_tier,
    crisis_in_a_part,
    crisis_of_both,
    crisis_share,
    gives_a_home_address,
    is_crisis,
    jokes_and_asks,
    likeliest_crisis,
)
from bot.nlp.part_reader import PART_READINGS
from bot.nlp.past_hardship import told_as_over
from bot.nlp.phrases import Readings
from bot.nlp.ranking import choose_intent
from bot.nlp.unreachable import UNREACHABLE_CRISIS, someone_unreachable


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisGuard(UntrainedComponent):
    def __init__(self, lexicon: CrisisLexicon) -> None:
        self._lexicon = lexicon

    @classmethod
    def from_data(cls) -> CrisisGuard:
        return cls(CrisisLexicon.load())

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            words = [token.text for token in message.get(TOKENS_NAMES[TEXT]) or []]
            lemmas = self._lexicon.lemmas(words)
            certain = self._certain(message, words, lemmas)
            text = message.get(TEXT) or ""
            joking = certain is not None and jokes_and_asks(text)
            if certain and not joking:
                choose_intent(message, certain)
                continue
            readings = dict(message.get(PART_READINGS) or {})
            whole = readings.pop(text, None)
            # None for a model trained before the part model: its classifier decides alone.
            second_opinion = crisis_share(whole) if whole is not None else None
            if joking or self._lexicon.says_everyday(lemmas):
                # "zabiję się ze śmiechu", or a laughing question: the crisis-like words are
                # meant lightly, so no model's guess is certain; the gentle line stays.
                readings, whole, second_opinion = {}, None, 0.0
            # Parts only of a message that has several: a single one is the whole message.
            told, hinted = (
                crisis_in_a_part(readings.values()) if len(readings) > 1 else (None, False)
            )
            followed = second_opinion is not None and second_opinion >= NO_VETO
            if told and followed and not is_crisis((message.get(INTENT) or {}).get("name")):
                choose_intent(message, told)
                continue
            ranking = message.get(INTENT_RANKING_KEY) or []
            home = gives_a_home_address(message.get(INTENT) or {}, message.get(ENTITIES) or [])
            both = crisis_of_both(ranking, whole) if whole is not None and not home else None
            if both:
                choose_intent(message, both)
                continue
            kind = likeliest_crisis(whole) if whole else None
            tier = classifier_tier(message.get(INTENT) or {}, ranking, second_opinion, kind)
            leaning = (second_opinion or 0.0) >= PART_WHOLE_HINT
            tier = Tier(tier.replacement, tier.hint or hinted or leaning or joking, tier.confidence)
            if tier.replacement:
                choose_intent(message, tier.replacement["name"], tier.confidence)
                home = gives_a_home_address(message.get(INTENT) or {}, message.get(ENTITIES) or [])
            if tier.hint and not home:
                message.set(CRISIS_HINT, True, add_to_output=True)
        return messages

    def _certain(self, message: Message, words: list[str], lemmas: list[Readings]) -> str | None:
        """The crisis of a lexicon phrase, unless the message tells it as over ("kiedyś spałem na
        dworcu, dziś mam pracę": the models decide); for someone who cannot be reached, the kind
        of crisis the classifier reads, if any ("tata nie wrócił od 2 dni, nie mamy co jeść":
        basic needs), else danger."""
        found = list(self._lexicon.found(lemmas))
        if found:
            over = told_as_over(words, lemmas, [span for _intent, span in found])
            return None if over else found[0][0]
        if not someone_unreachable(lemmas):
            return None
        guess = (message.get(INTENT) or {}).get("name")
        return str(guess) if is_crisis(guess) else UNREACHABLE_CRISIS
