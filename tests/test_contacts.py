"""The information point's contacts are typed once, in data/branches.yml, and every reply that
names the information point shows them: Rasa's responses, the actions' messages, the gateway."""

from __future__ import annotations

import ast
import asyncio
import re
from pathlib import Path

import pytest
import yaml

from bot.branches import BranchCatalogue
from bot.contacts import contact_variables, fill
from bot.messages import Messages, Reply
from bot.paths import PROJECT_ROOT, data_dir, domain_file

GENERATOR = "bot.rasa_nlg.ContactsNaturalLanguageGenerator"
INFORMATION_POINT = re.compile(r"punk\w* informacyjn", re.IGNORECASE)


# The branch search's prompt shows how to type an address with this example: it is no fact about
# the information point, so the street may stand there.
ADDRESS_EXAMPLE = "np. „Józefińska 14”"


def contacts() -> list[str]:
    """The phone and e-mail as data/branches.yml writes them."""
    variables = contact_variables(BranchCatalogue.load())
    return [variables["info_phone"], variables["info_email"]]


def street() -> str:
    """The information point's street and number without "ul." ("Józefińska 14"), as any text
    would type it."""
    return contact_variables(BranchCatalogue.load())["info_address"].removeprefix("ul. ")


def python_strings(source: Path) -> list[str]:
    """The string literals of a module, its docstrings left out (they may cite an example)."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def texts_but_the_branch_file() -> dict[str, str]:
    """domain.yml, the data files but data/branches.yml, and the code's string literals."""
    sources = [domain_file(), *sorted(data_dir().glob("*.yml"))]
    texts = {
        str(path.relative_to(domain_file().parent)): path.read_text(encoding="utf-8")
        for path in sources
        if path.name != "branches.yml"
    }
    for folder in ("bot", "actions"):
        for module in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            texts[str(module.relative_to(PROJECT_ROOT))] = "\n".join(python_strings(module))
    return texts


def test_the_contacts_are_typed_only_in_the_branch_file() -> None:
    texts = texts_but_the_branch_file()
    typed = [(name, c) for name, text in texts.items() for c in contacts() if c in text]
    assert typed == [], "write {info_phone} / {info_email} instead"


def test_the_street_is_typed_only_in_the_branch_file() -> None:
    typed = [
        name
        for name, text in texts_but_the_branch_file().items()
        if street() in text.replace(ADDRESS_EXAMPLE, "")
    ]
    assert typed == [], "write {info_address} (or {info_postal_address}) instead"


def test_every_placeholder_of_a_response_is_known() -> None:
    domain = yaml.safe_load(domain_file().read_text(encoding="utf-8"))
    slots = set(domain.get("slots") or {})
    used = set(re.findall(r"\{(\w+)\}", yaml.safe_dump(domain["responses"], allow_unicode=True)))
    assert used <= slots | set(contact_variables())


@pytest.fixture(scope="module")
def rasa_texts() -> dict[str, str]:
    """Every domain response as Rasa renders it with the generator of endpoints.yml."""
    from rasa.core.nlg.generator import NaturalLanguageGenerator
    from rasa.core.utils import read_endpoints_from_path
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(domain_file()))
    nlg = NaturalLanguageGenerator.create(
        read_endpoints_from_path(PROJECT_ROOT / "endpoints.yml").nlg, domain
    )
    tracker = DialogueStateTracker.from_events("resident", [], domain.slots)

    async def render(name: str) -> str:
        response = await nlg.generate(name, tracker, "rest")
        return str((response or {}).get("text") or "")

    return {name: asyncio.run(render(name)) for name in domain.responses}


def test_rasa_fills_the_contacts_into_its_responses(rasa_texts: dict[str, str]) -> None:
    phone, email = contacts()
    naming_the_point = {n: t for n, t in rasa_texts.items() if INFORMATION_POINT.search(t)}
    assert "utter_out_of_scope" in naming_the_point
    assert "utter_support/counselling_legal" in naming_the_point  # a retrieval response too
    assert all(phone in text for text in naming_the_point.values())
    assert email in naming_the_point["utter_out_of_scope"]
    assert f"ul. {street()}" in naming_the_point["utter_crisis_basic_needs"]
    assert not [n for n, t in rasa_texts.items() if "{info_" in t]


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "endpoints.production.yml"])
def test_every_rasa_configuration_uses_the_generator(endpoints: str) -> None:
    config = yaml.safe_load((PROJECT_ROOT / endpoints).read_text(encoding="utf-8"))
    assert config["nlg"] == {"type": GENERATOR}


@pytest.mark.parametrize(
    "reply",
    [
        Reply("fallback_contacts"),
        Reply("offer_districts"),
        Reply("branch_unknown", {"district_label": "XIII Podgórze"}),
    ],
)
def test_the_actions_messages_show_the_contacts(reply: Reply) -> None:
    text = Messages.load().render(reply).text
    assert INFORMATION_POINT.search(text)
    assert all(contact in text for contact in contacts())
    assert f"ul. {street()}" in text


def test_the_address_is_the_street_or_the_postal_address_of_the_branch_file() -> None:
    point = BranchCatalogue.load().information_point
    variables = contact_variables()
    assert variables["info_postal_address"] == point.address == "ul. Józefińska 14, 30-529 Kraków"
    assert variables["info_address"] == "ul. Józefińska 14"


def test_a_text_read_straight_from_the_domain_is_filled() -> None:
    phone, email = contacts()
    assert fill("tel. {info_phone}, e-mail {info_email}, {other}") == (
        f"tel. {phone}, e-mail {email}, {{other}}"
    )
