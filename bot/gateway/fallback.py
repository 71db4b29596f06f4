"""What a resident is told when the assistant cannot answer: never silence.

When Rasa is down, errs, times out, or answers nothing because the action server is down, the
gateway (web chat) and the Messenger channel answer on their own: for a crisis message the crisis
numbers first, then an apology with the information point's contacts.

Crisis is decided without Rasa by the project's own lexicon matcher (bot.nlp.crisis, the same
phrases the NLU's CrisisGuard uses), and the crisis texts are Rasa's own `utter_crisis_*`
responses read from domain.yml, so the numbers have one source. bot.nlp.crisis brings Morfeusz and
spaCy, which the gateway already loads (bot.branches → bot.address), so importing it costs nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.branches import BranchCatalogue
from bot.contacts import fill
from bot.messages import Messages, Reply
from bot.nlp.crisis import CrisisLexicon
from bot.paths import domain_file

DOMAIN_FILE = domain_file()
_WORD = re.compile(r"\w+")
# What the NLU tokeniser would see of a message; longer ones are cut (the lexicon needs words).
_MAX_WORDS = 400


def apology_text(catalogue: BranchCatalogue | None = None) -> str:
    """The apology when the assistant cannot answer, with the information point from data/."""
    point = (catalogue or BranchCatalogue.load()).information_point
    return (
        "Przepraszam, asystent jest w tej chwili niedostępny. Proszę spróbować ponownie za kilka "
        f"minut albo skontaktować się z punktem informacyjnym MOPS: tel. {point.phones[0]}"
        + (f", e-mail {point.email}" if point.email else "")
        + f", {point.address}."
    )


def crisis_texts(domain: Path = DOMAIN_FILE) -> dict[str, str]:
    """Each crisis intent's answer, from its `utter_<intent>` response in the domain.

    The information point's contacts are filled in as Rasa's response generator fills them.
    """
    responses = (yaml.safe_load(domain.read_text(encoding="utf-8")) or {}).get("responses") or {}
    texts = {}
    for name, variants in responses.items():
        if name.startswith("utter_crisis_") and variants and variants[0].get("text"):
            texts[name.removeprefix("utter_")] = fill(str(variants[0]["text"]))
    return texts


@dataclass(frozen=True)
class Fallback:
    """The answer given when the assistant cannot give its own."""

    lexicon: CrisisLexicon
    crisis: dict[str, str]  # crisis intent -> its answer
    apology: str
    # The 24/7 numbers in one gentle line: without the classifier, a crisis the lexicon does not
    # know cannot be told from a plain question, so every apology carries them.
    gentle: str

    @classmethod
    def load(cls) -> Fallback:
        return _loaded()

    def crisis_intent(self, text: str) -> str | None:
        """The crisis a message speaks of by the lexicon (as the NLU's guard decides), if any."""
        words = _WORD.findall(text)[:_MAX_WORDS]
        return self.lexicon.match(self.lexicon.lemmas(words)) if words else None

    def replies(self, text: str) -> list[dict[str, Any]]:
        """Crisis numbers first (for a crisis message), then the apology with the contacts."""
        crisis = self.crisis.get(self.crisis_intent(text) or "")
        if crisis:
            return [{"text": crisis, "buttons": []}, {"text": self.apology, "buttons": []}]
        return [{"text": f"{self.apology}\n{self.gentle}", "buttons": []}]


@lru_cache(maxsize=1)
def _loaded() -> Fallback:
    """Morfeusz and the lexicon load once per process."""
    gentle = Messages.load().render(Reply("crisis_gentle")).text
    return Fallback(CrisisLexicon.load(), crisis_texts(), apology_text(), gentle)
