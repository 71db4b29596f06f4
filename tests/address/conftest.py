"""Fixtures shared by the address tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.address import AddressResolver
from bot.address import gazetteer as gazetteer_file


@pytest.fixture(scope="session")
def resolver() -> AddressResolver:
    return AddressResolver.load()


@pytest.fixture()
def starter_copy(tmp_path: Path) -> Path:
    """A copy of the shipped gazetteer that a test may overwrite."""
    path = tmp_path / "gazetteer.yml"
    path.write_bytes(gazetteer_file.DEFAULT_PATH.read_bytes())
    return path
