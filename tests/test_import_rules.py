"""Imports point one way: channels and staff web → services → storage, with no circles.

Read from the source (AST), nothing is imported. Layers, from the top:

- entry: `bot.app` (the one place that wires the web application) and the `__main__` commands;
- web: the channels (`bot.gateway`, with the Messenger channel) and the staff web (`bot.staffweb`,
  the console's and the review's routes);
- services: everything else under bot/ (handoff, review, address, knowledge, console services);
- storage: `bot.storage`.

A module imports only from its own layer or below. Besides: nothing under bot/ imports actions/
(Rasa's actions are an adapter on top, like a channel) and actions/ import no web module; the
console gets the gateway's delivery as an interface, so it imports nothing of the gateway; the
review and the console share only `bot.staffweb`; and no two packages import each other, even
through others.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENTRY, WEB, SERVICES, STORAGE = 3, 2, 1, 0
LAYER_NAMES = {ENTRY: "entry", WEB: "web", SERVICES: "services", STORAGE: "storage"}
WEB_MODULES = (
    "bot.gateway",
    "bot.staffweb",
    "bot.console.routes",
    "bot.review.routes",
)
# Channels and staff web that must not reach into each other (only bot.staffweb is shared).
APART = {
    "bot.console": ("bot.gateway", "bot.review"),
    "bot.review": ("bot.gateway", "bot.console.routes"),
    "bot.gateway": ("bot.console", "bot.review", "bot.staffweb"),
    "bot.staffweb": ("bot.gateway", "bot.console", "bot.review"),
}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module (or name) as written
    where: str  # path:line


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer(module: str) -> int:
    if module == "bot.app" or module.endswith(".__main__"):
        return ENTRY
    if module.startswith("actions") or any(_within(module, p) for p in WEB_MODULES):
        return WEB
    if _within(module, "bot.storage"):
        return STORAGE
    return SERVICES


def package(module: str) -> str:
    """The unit of the cycle check: bot's subpackage, a top-level module of bot, or actions."""
    parts = module.split(".")
    if parts[0] == "actions":
        return "actions"
    return ".".join(parts[:2])


def imports() -> Iterator[Import]:
    """Every absolute import of bot or actions in bot/ and actions/ (migrations aside)."""
    for top in ("bot", "actions"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            relative = path.relative_to(ROOT)
            source = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    targets = [node.module]
                elif isinstance(node, ast.Import):
                    targets = [alias.name for alias in node.names]
                else:
                    continue
                for target in targets:
                    if target.split(".")[0] in ("bot", "actions") and target != "bot":
                        yield Import(source, target, f"{relative}:{node.lineno}")


def test_imports_point_down_the_layers() -> None:
    wrong = [
        f"{i.where}: {i.source} ({LAYER_NAMES[layer(i.source)]}) imports {i.target} "
        f"({LAYER_NAMES[layer(i.target)]})"
        for i in imports()
        if layer(i.target) > layer(i.source) and not i.source.startswith("actions")
    ]
    assert not wrong, "\n".join(wrong)


def test_actions_stay_on_top_and_use_no_web_module() -> None:
    wrong = [
        f"{i.where}: {i.source} imports {i.target}"
        for i in imports()
        if (i.source.startswith("bot") and i.target.startswith("actions"))
        or (
            i.source.startswith("actions")
            and layer(i.target) >= WEB
            and package(i.target) != "actions"
        )
    ]
    assert not wrong, "\n".join(wrong)


def test_channels_and_staff_pages_do_not_reach_into_each_other() -> None:
    wrong = [
        f"{i.where}: {i.source} imports {i.target}"
        for i in imports()
        for side, others in APART.items()
        if _within(i.source, side) and layer(i.source) != ENTRY
        if any(_within(i.target, other) for other in others)
    ]
    assert not wrong, "\n".join(wrong)


def package_edges() -> dict[str, set[str]]:
    """Which package imports which; the commands (`__main__`) and the app factory are left out:
    nothing imports them, so they close no circle."""
    edges: dict[str, set[str]] = {}
    for i in imports():
        source, target = package(i.source), package(i.target)
        if layer(i.source) != ENTRY and source != target:
            edges.setdefault(source, set()).add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """Groups of packages that import each other, directly or through others (more than one
    package reaching every other of the group)."""
    reach = {node: _reachable(edges, node) for node in edges}
    groups: list[set[str]] = []
    for node in sorted(edges):
        group = {other for other in reach[node] if node in reach.get(other, set())}
        if len(group) > 1 and group not in groups:
            groups.append(group)
    return groups


def _reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_no_two_packages_import_each_other() -> None:
    """Language helpers (bot.polish) stand below both the NLU (bot.nlp) and the addresses."""
    assert not cycles(package_edges()), cycles(package_edges())


def test_the_cycle_check_finds_a_circle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [{"a", "b", "c"}]


def test_the_rules_see_what_they_judge() -> None:
    """The checks above read real imports (a broken walk would pass them all)."""
    found = {(package(i.source), package(i.target)) for i in imports()}
    assert ("bot.handoff", "bot.storage") in found
    assert ("actions", "bot.handoff") in found
    assert layer("bot.gateway.chat") == WEB and layer("bot.handoff.desk") == SERVICES
    assert layer("bot.app") == ENTRY and layer("bot.storage.db") == STORAGE
