"""The Polish spaCy pipeline: built on disk, loaded by name like Rasa's SpacyNLP does."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from bot.nlp.build import build_pipeline, main


@pytest.fixture(scope="module")
def nlp(tmp_path_factory: pytest.TempPathFactory) -> Language:
    path = tmp_path_factory.mktemp("spacy") / "pl_morfeusz"
    main([str(path)])
    return spacy.load(path, disable=["parser"])  # exactly how SpacyNLP loads it


def lemmas(nlp: Language, text: str) -> list[str]:
    return [token.lemma_ for token in nlp(text.lower())]


def test_saved_pipeline_loads_from_disk_with_its_metadata(nlp: Language, tmp_path: Path) -> None:
    assert nlp.lang == "pl"
    assert nlp.pipe_names == ["morfeusz_lemmatizer"]
    assert nlp.path is not None  # SpacyNLP rejects pipelines that were not loaded from disk
    build_pipeline().to_disk(tmp_path / "p")
    assert spacy.info(str(tmp_path / "p"))["spacy_version"].startswith(">=3.4")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("asystenta rodzinnego", ["asystent", "rodzinny"]),
        ("mieszkam na Józefińskiej", ["mieszkac", "na", "jozefinski"]),
        ("projektu", ["projekt"]),
        ("pomocy", ["pomoc"]),
    ],
)
def test_inflected_words_get_their_dictionary_lemma(nlp: Language, text: str, expected) -> None:
    assert lemmas(nlp, text) == expected


@pytest.mark.parametrize(
    ("plain", "polish"),
    [
        ("jak sie zapisac do projektu", "jak się zapisać do projektu"),
        ("dziekuje bardzo", "dziękuję bardzo"),
        ("chcialabym porozmawiac z czlowiekiem", "chciałabym porozmawiać z człowiekiem"),
        ("mieszkam na jozefinskiej", "mieszkam na józefińskiej"),
        ("warsztaty terapii zajeciowej", "warsztaty terapii zajęciowej"),
    ],
)
def test_text_without_polish_letters_gets_the_same_lemmas(nlp: Language, plain, polish) -> None:
    assert lemmas(nlp, plain) == lemmas(nlp, polish)


def test_restored_diacritics_reach_the_real_lemma(nlp: Language) -> None:
    # "zapisac" is not a Polish word; "zapisać" is, and its lemma is an infinitive.
    (token,) = nlp("zapisac")
    assert token.lemma_ == "zapisac" and token.tag_ == "inf"
    (token,) = nlp("dziekuje")
    assert token.lemma_ == "dziekowac"


def test_verbs_win_ties_over_rare_noun_readings(nlp: Language) -> None:
    # "mam" is both "mieć" (I have) and a genitive of "mama"; in chat it means "I have".
    assert lemmas(nlp, "nie mam gdzie spać")[1] == "miec"


def test_negation_is_a_particle_not_a_pronoun(nlp: Language) -> None:
    (token,) = nlp("nie")
    assert token.tag_ == "part"


def test_numbers_punctuation_and_unknown_words_keep_their_text(nlp: Language) -> None:
    assert lemmas(nlp, "14/3 , qwrtzx") == ["14/3", ",", "qwrtzx"]


def test_folding_can_be_switched_off_for_readable_lemmas() -> None:
    nlp = spacy.blank("pl")
    nlp.add_pipe("morfeusz_lemmatizer", config={"fold_diacritics": False})
    assert [t.lemma_ for t in nlp("zapisac się")] == ["zapisać", "się"]
