"""Handing a conversation over to a social worker: tickets and call-back requests (no web)."""

from bot.handoff.callbacks import CallbackService, CallbackView
from bot.handoff.tickets import HandoffError, TicketService, TicketView

__all__ = [
    "CallbackService",
    "CallbackView",
    "HandoffError",
    "TicketService",
    "TicketView",
]
