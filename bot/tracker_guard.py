"""Rasa must not answer from an empty conversation when its tracker store cannot be read.

Rasa 3.6 wraps every tracker store in `FailSafeTrackerStore`, whose `retrieve` logs an error and
returns None when the store fails (e.g. SQLite "database is locked" after its busy timeout): Rasa
then starts a new, empty conversation, answers from it, and the message never reaches the stored
conversation (seen in tests/gateway/test_database_drills.py). Raising instead makes the message
fail as a whole: the web chat's gateway answers with its fallback and keeps the message in its
outbox until Rasa can read the conversation again (bot/gateway/chat.py); the Messenger channel
answers with the fallback. `on_tracker_store_retrieve_error` is the wrapper's own hook for this.
"""

from __future__ import annotations

from rasa.core.tracker_store import FailSafeTrackerStore


def _refuse_an_empty_conversation(_store: FailSafeTrackerStore, error: Exception) -> None:
    raise error


def install() -> None:
    """Make a failed tracker read fail the message (call before Rasa builds its agent)."""
    FailSafeTrackerStore.on_tracker_store_retrieve_error = _refuse_an_empty_conversation
