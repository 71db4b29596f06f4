"""The information point's contacts, typed once in data/branches.yml, for every reply.

Rasa's responses (domain.yml) and the actions' messages (data/messages.yml) write
`{info_phone}`, `{info_email}` and `{info_address}` instead of the number, the e-mail and the
street: Rasa fills them through bot.rasa_nlg, the actions through bot.messages, the gateway's own
texts through `fill`. When MOPS changes a number or moves, data/branches.yml is the one file to
edit.
"""

from __future__ import annotations

from bot.branches import BranchCatalogue


def contact_variables(catalogue: BranchCatalogue | None = None) -> dict[str, str]:
    """The template variables: the information point's first phone, its e-mail and its address.

    data/branches.yml holds the postal address ("ul. Józefińska 14, 30-529 Kraków"); the replies
    name the street and number only, the part before the first comma (`info_address`), and the
    full form where they give the postcode too (`info_postal_address`)."""
    point = (catalogue or BranchCatalogue.load()).information_point
    return {
        "info_phone": point.phones[0],
        "info_email": point.email or "",
        "info_address": point.address.split(",")[0].strip(),
        "info_postal_address": point.address,
    }


def fill(text: str, catalogue: BranchCatalogue | None = None) -> str:
    """A response text read straight from domain.yml, with the contacts in place."""
    for name, value in contact_variables(catalogue).items():
        text = text.replace("{" + name + "}", value)
    return text
