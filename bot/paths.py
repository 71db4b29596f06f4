"""Where the assistant finds its files: one answer for every module.

In the repository the staff-editable data sits in data/ beside domain.yml. An installed package
has no repository around it, so MOPS_DATA_DIR names the data folder there; domain.yml is read
from the folder that holds it, as in the repository's layout.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_VARIABLE = "MOPS_DATA_DIR"
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """The data folder: MOPS_DATA_DIR when set, else the repository's data/."""
    override = os.environ.get(DATA_DIR_VARIABLE, "").strip()
    return Path(override).expanduser() if override else PROJECT_ROOT / "data"


def data_file(name: str) -> Path:
    """A file in the data folder, e.g. data_file("messages.yml")."""
    return data_dir() / name


def domain_file() -> Path:
    """domain.yml, which lives beside the data folder."""
    return data_dir().parent / "domain.yml"
