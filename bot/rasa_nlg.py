"""Rasa's response generator with the information point's contacts (endpoints.yml `nlg`).

Rasa fills a response's `{placeholders}` from the conversation's slots; this generator adds the
contacts from data/branches.yml (bot.contacts), so no response types a number. It is Rasa's own
templated generator otherwise: same responses, variations and conditions.
"""

from __future__ import annotations

from typing import Any

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.contacts import contact_variables


class ContactsNaturalLanguageGenerator(TemplatedNaturalLanguageGenerator):
    """Domain responses with the contacts (`{info_phone}`, `{info_address}`, …) filled in."""

    def __init__(
        self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None
    ) -> None:
        del endpoint_config  # Rasa passes it to every custom generator; the data is in data/
        super().__init__((domain or Domain.empty()).responses)
        self.contacts = contact_variables()

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        """The response, its variables being the contacts, the slots and the caller's values."""
        return await super().generate(
            utter_action, tracker, output_channel, **{**self.contacts, **kwargs}
        )
