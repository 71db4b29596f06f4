"""Build the project's Polish spaCy pipeline on disk, where Rasa's SpacyNLP loads it from.

spaCy's Polish tokenizer plus the Morfeusz lemmatizer:
`python -m bot.nlp.build var/spacy/pl_morfeusz`.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import spacy
from spacy.language import Language

DEFAULT_PATH = Path("var/spacy/pl_morfeusz")


def build_pipeline() -> Language:
    """A blank Polish pipeline with our Morfeusz component."""
    nlp = spacy.blank("pl")
    nlp.add_pipe("morfeusz_lemmatizer")
    nlp.meta.update(
        {
            "name": "morfeusz",
            "version": "1.0.0",
            "description": "spaCy Polish tokenizer + Morfeusz 2 (SGJP) lemmas (bot.nlp.build)",
            "spacy_version": f">={spacy.about.__version__},<3.5.0",
        }
    )
    return nlp


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    path = parser.parse_args(argv).path
    nlp = build_pipeline()
    if path.exists():
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(path)
    print(f"Polish spaCy pipeline {nlp.pipe_names} written to {path}")


if __name__ == "__main__":
    main()
