"""The console's services, built once per application by the app factory (bot/app.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.console.accounts import AccountService
from bot.console.config import ConsoleSettings
from bot.console.delivery import Delivery
from bot.handoff import CallbackService, TicketService
from bot.storage.db import Database


@dataclass
class Console:
    """Accounts, tickets, call-backs and the delivery to residents, over one database."""

    settings: ConsoleSettings
    db: Database
    delivery: Delivery

    def __post_init__(self) -> None:
        self.accounts = AccountService(self.db, self.settings)
        self.tickets = TicketService(self.db)
        self.callbacks = CallbackService(self.db)
