"""The gateway side of a handoff: the transcript so far and delivering a worker's reply.

In-process: the console runs inside the gateway, so it uses the gateway's session hub directly
(the same path as `POST /internal/sessions/{session}/push`, without an HTTP round trip).
"""

from __future__ import annotations

from typing import Any

from bot.gateway.chat import ChatService
from bot.gateway.sessions import SESSION_ID, SessionHub

NOT_WEB = "Odpowiedzi w tym kanale nie są jeszcze obsługiwane z konsoli (tylko czat na stronie)."
NOT_OPEN = (
    "Mieszkaniec nie ma teraz otwartego czatu, więc wiadomość nie została dostarczona. "
    "Można poczekać, aż wróci, albo skorzystać z prośby o kontakt."
)


class ChatDelivery:
    def __init__(self, hub: SessionHub, chat: ChatService) -> None:
        self.hub = hub
        self.chat = chat

    async def transcript(self, channel: str, conversation_id: str) -> list[dict[str, Any]]:
        """What was said so far (rebuilt from Rasa's tracker after a gateway restart)."""
        if channel != "web" or not SESSION_ID.match(conversation_id):
            return []
        await self.chat.load_history(conversation_id)
        return self.hub.since(conversation_id, 0)

    async def send(self, channel: str, conversation_id: str, text: str, author: str) -> str | None:
        """Deliver a reply into the open chat; the reason in Polish when it cannot be done."""
        if channel != "web" or not SESSION_ID.match(conversation_id):
            return NOT_WEB
        if not self.hub.get(conversation_id).listeners:
            return NOT_OPEN
        entry = {"role": "bot", "text": text, "buttons": [], "author": author}
        await self.hub.publish(conversation_id, entry)
        return None
