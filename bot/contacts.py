"""The information point's contacts, typed once in data/branches.yml, for every reply.

Rasa's responses (domain.yml) and the actions' messages (data/messages.yml) write
`{info_phone}` and `{info_email}` instead of the number and the address: Rasa fills them through
bot.rasa_nlg, the actions through bot.messages, the gateway's own texts through `fill`. When MOPS
changes a number, data/branches.yml is the one file to edit.
"""

from __future__ import annotations

from bot.branches import BranchCatalogue


def contact_variables(catalogue: BranchCatalogue | None = None) -> dict[str, str]:
    """The template variables: the information point's first phone and its e-mail."""
    point = (catalogue or BranchCatalogue.load()).information_point
    return {"info_phone": point.phones[0], "info_email": point.email or ""}


def fill(text: str, catalogue: BranchCatalogue | None = None) -> str:
    """A response text read straight from domain.yml, with the contacts in place."""
    for name, value in contact_variables(catalogue).items():
        text = text.replace("{" + name + "}", value)
    return text
