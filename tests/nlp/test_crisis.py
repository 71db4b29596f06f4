"""The crisis safety net: phrases in any form and spelling, and no alarm on everyday questions."""

from __future__ import annotations

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.crisis import (
    CRISIS_HINT,
    LEXICON_FILE,
    CrisisLexicon,
    Tier,
    classifier_tier,
    crisis_in_a_part,
    crisis_of_both,
    gives_a_home_address,
    jokes_and_asks,
)
from bot.nlp.crisis_guard import CrisisGuard
from bot.nlp.part_reader import PART_READINGS
from tests.nlp.parsed import parsed


@pytest.fixture(scope="module")
def lexicon() -> CrisisLexicon:
    return CrisisLexicon.load()


def detect(lexicon: CrisisLexicon, text: str) -> str | None:
    return lexicon.match(lexicon.lemmas(text.replace(",", " ").split()))


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("chcę się zabić", "crisis_suicide"),
        # "się" before its verb, as questions put it
        ("szukał w internecie, jak się powiesić", "crisis_suicide"),
        ("syn się tabletek nałykał", "crisis_danger"),
        ("siedze na torach pod mostem", "crisis_suicide"),
        ("nie chce mi sie juz zyc", "crisis_suicide"),
        ("myślę o tym żeby odebrać sobie życie", "crisis_suicide"),
        ("nie dam rady dłużej, chcę odejść na zawsze", "crisis_suicide"),
        ("mam mysli samobojcze", "crisis_suicide"),
        ("myślę, żeby zakończyć to wszystko", "crisis_suicide"),
        ("mąż mnie bije", "crisis_violence"),
        ("bije mnie ojciec", "crisis_violence"),
        ("jestem bita przez chłopaka", "crisis_violence"),
        ("konkubent mnie katuje", "crisis_violence"),
        ("sąsiad leży nieprzytomny", "crisis_danger"),
        ("ratunku, pali się w kuchni", "crisis_danger"),
        ("polknelam wszystkie tabletki", "crisis_danger"),
        ("mąż mnie uderzył w twarz", "crisis_violence"),
        ("w domu przemoc, potrzebuję pomocy teraz", "crisis_violence"),
        ("przemoc w domu od lat, uciekłam do siostry", "crisis_violence"),
        ("myślę żeby skoczyć z mostu", "crisis_suicide"),
        ("jak tak dalej pojdzie to skacze z mostu", "crisis_suicide"),  # the imperfective too
        ("nie mam gdzie dzis spac", "crisis_basic_needs"),
        ("moje dzieci sa glodne", "crisis_basic_needs"),
        ("wyrzucili mnie z mieszkania", "crisis_basic_needs"),
        ("chcę z tym skończyć raz na zawsze, mam już wszystko przygotowane", "crisis_suicide"),
        ("nie chcę już istnieć", "crisis_suicide"),
        ("ojczym pije i bije nas, mamę i mnie", "crisis_violence"),
        ("sąsiad go bije na klatce", "crisis_violence"),
        ("dziadek upadł i nie wstaje, potrzebuję karetki", "crisis_danger"),
        ("potrzebne pogotowie, mama ma drgawki", "crisis_danger"),
        ("jestem bezdomny, na dworze mróz", "crisis_basic_needs"),
        ("spie na mrozie od tygodnia", "crisis_basic_needs"),
        ("jeszcze dziś wyjdę przez okno", "crisis_suicide"),
        ("partner rzuca we mnie krzesłem", "crisis_violence"),
        ("ojciec bije, jak wypije", "crisis_violence"),
        ("sąd dał mu zakaz zbliżania się, a on i tak przychodzi", "crisis_violence"),
        ("byłam na obdukcji po tym, co zrobił", "crisis_violence"),
        ("leży na przystanku ledwo przytomny", "crisis_danger"),
        ("myślę, żeby ze sobą skończyć", "crisis_suicide"),  # the other word order
        ("chcę sobie życie odebrać", "crisis_suicide"),
        ("dziecko zostało samo w samochodzie na słońcu", "crisis_danger"),
        ("sąsiad leży pod gruzami, słyszę go", "crisis_danger"),
        # Hurting or punishing oneself, a calm farewell.
        ("jak jest zle to przypalam sie papierosem po rekach", "crisis_suicide"),
        ("wiem, że zasługuję na karę, więc nic nie jem", "crisis_suicide"),
        ("niedługo zniknę na dobre i nikt nie zauważy", "crisis_suicide"),
        # Documents kept by whoever one works for.
        ("pracodawca zabrał nam dokumenty i mówi, że odda po sezonie", "crisis_violence"),
        # Someone who cannot be woken or got up, is confused, burnt, shut in, in smoke.
        ("wujek śpi od rana i nie można go obudzić", "crisis_danger"),
        ("dziadek upadł i leży w łazience, sama go nie podniosę", "crisis_danger"),
        ("tata nie reaguje na głos, oczy ma otwarte", "crisis_danger"),
        ("ciocia nagle zaczęła bełkotać przy obiedzie", "crisis_danger"),
        ("syn oblał się wrzątkiem z garnka", "crisis_danger"),
        ("pod sklepem w zamkniętym aucie płacze dziecko", "crisis_danger"),
        ("na klatce pełno dymu, nic nie widać", "crisis_danger"),
        ("chyba zatruliśmy się czadem, boli głowa", "crisis_danger"),
        ("w nocy pękła ściana w bloku i coś trzeszczy", "crisis_danger"),
        ("córka mnie popchnęła, aż upadłam", "crisis_violence"),
        ("szef trzyma moje dokumenty i nie płaci od dwóch miesięcy", "crisis_violence"),
        ("na budowie zabrali nam paszporty i nie płacą", "crisis_violence"),
        # Pulled about, or hitting said with "lać".
        ("mąż mnie szarpie za włosy przy dzieciach", "crisis_violence"),
        ("ojczym leje mamę pasem", "crisis_violence"),
        # A heart attack or a stroke, a fall with no getting up, someone no longer responding.
        ("tata ma ból w klatce piersiowej i jest blady", "crisis_danger"),
        ("mamie drętwieje ręka i mówi niewyraźnie", "crisis_danger"),
        ("dziadek przewrócił się i nie może się podnieść", "crisis_danger"),
        ("wujek już nie kontaktuje, co robić", "crisis_danger"),
        # Standing on the rails, also told the day after.
        ("w nocy stałem na torach za blokiem", "crisis_suicide"),
        ("napisał tylko: do zobaczenia po drugiej stronie", "crisis_suicide"),
        ("sąsiadka ma usta sine i ledwo mówi", "crisis_danger"),
        ("na klatce czuć spaleniznę, co robić", "crisis_danger"),
        ("ojczym uderzył syna w twarz", "crisis_violence"),
        # A fire told with "się" first, and someone found hanged.
        ("u sąsiadów się pali, dym leci na klatkę", "crisis_danger"),
        ("znalazłam go wiszącego w piwnicy", "crisis_danger"),
    ],
)
def test_crisis_phrases_are_found_in_any_form(lexicon: CrisisLexicon, text: str, intent: str):
    assert detect(lexicon, text) == intent


@pytest.mark.parametrize(
    "text",
    [
        "ja nie chcu żyć więcej, sama tu jestem",  # a slip of "chcę"
        "nie chcem zyc",
        "chce sie zabic bo nie daje rady",
        "chcę się zabjić",
    ],
)
def test_a_typing_slip_in_a_crisis_phrase_is_still_the_phrase(lexicon: CrisisLexicon, text: str):
    assert detect(lexicon, text) == "crisis_suicide"


@pytest.mark.parametrize(
    "text",
    [
        "zakochałam się na zabój w Krakowie",  # an idiom, not a slip of "zabić"
        "zakochalam sie na zaboj",
        "nie chcu isc do mopsu",  # a slip, but no crisis phrase
    ],
)
def test_a_word_near_a_crisis_word_is_no_crisis_by_itself(lexicon: CrisisLexicon, text: str):
    assert detect(lexicon, text) is None


@pytest.mark.parametrize(
    "text",
    [
        "czy grozi mi eksmisja",
        "jak się zapisać do projektu",
        "chcę się zapisać na terapię",
        "ile osób skorzystało z pomocy",
        "gdzie jest filia na Józefińskiej",
        "czy mogę dostać asystenta rodzinnego",
        "nie mam czasu w środę",
        "kiedy zakończyło się cogito",
        "chcę żyć normalnie",
        "mam co jeść, ale nie mam pracy",
        "oddychać świeżym powietrzem",
        # Crisis words in their everyday senses (the lexicon's `everyday` list and its rules).
        "ratunku, nie umiem wypełnić wniosku",
        "serce mi bije szybciej przed wizytą w urzędzie",
        "szef mnie zabije, jak się spóźnię",
        "zabiję się ze śmiechu",
        "czy pogotowie gazowe to u was",
        "pali się światło na klatce",
        "tramwaj stoi na torach, spóźnię się na wizytę",
        "leje jak z cebra, czy filia jest dziś otwarta",
        "ja już nie kontaktuję po tych wszystkich papierach",
        "pracownica przestała się kontaktować, co dalej z wnioskiem",
        "dusi mnie ten kredyt, czy ktoś w filii doradzi",
        "mały nie oddycha przez nos, czy jest dopłata do leków",
        "laptop mi się zabił, wniosek wyślę jutro",
        "dusi mnie ta sytuacja z czynszem, kto doradzi",
        "w tym smogu nie ma czym oddychać, czy są maseczki",
        "lata temu przeszłam przez przemoc w domu, dziś chcę pomagać innym",
        "chcę raz na zawsze skończyć z długami",
        "potrzebuję pogotowia opiekuńczego dla dziecka",
        "zegar na wieży bije dwunastą, a ja dalej czekam",
        "bije się z myślami, czy tam iść",
        "wyjdę przez biuro podawcze czy przez bramę?",
        "rzuca mi kłody pod nogi w pracy",
        "jestem ledwo przytomna ze zmęczenia, a wniosek czeka",
        # Read as typed without Polish letters: "prace" is "pracę", so this is a paper's subject.
        "pisze prace o przemocy domowej, czy moge porozmawiac z pracownikiem",
        # A verb as written is not second-guessed: "zabija" is not "zabiją".
        "syn gra w gry gdzie sie zabija, czy pedagog doradzi",
        "nie chce takiego zycia na zasilku, szukam pracy",
        "nie chcę żyć z zasiłku do emerytury, jest doradca zawodowy?",
        # Speaking about the subject, not of oneself.
        "widziałam film o samobójstwie, czy macie profilaktykę w szkołach",
        "prowadzimy w szkole zapobieganie przemocy, czy MOPS przyśle kogoś na spotkanie",
        "przedawkowałam kawę przy tych wnioskach, gdzie je złożyć",
        "pali się termin, a nie wiem, gdzie jest moja filia",
        "kontrolka się pali w samochodzie, spóźnię się na wizytę",
        "nic się nie pali, proszę odpisać, kiedy będzie można",
        "znicz się pali na grobie męża, a ja zostałam sama z rachunkami",
        "pytam na szybko, bo się pali: gdzie złożyć wniosek",
        "znalazłam ulotkę MOPS, wisi na klatce, co to za program?",
        "moje życie zawodowe się skończyło po wypadku, czy jest doradca zawodowy",
        # A "nie" right before a phrase denies it.
        "nie głoduję, ale emerytura mała, gdzie jest tania stołówka",
        "nie zabijcie mnie za głupie pytanie, co to jest KIS",
        # Words a phrase shares with everyday ones.
        "zrobiłam sobie krzywdę na kolanie, kto odśnieża chodnik przed filią",
        "rzucił mnie mąż i zostałam bez pieniędzy",
        "wyjdę na balkon, a potem dokończę wniosek",
        "mam odłożone pieniądze na tabletki dla mamy",
        "nie mogę obudzić syna do szkoły, czy jest jakiś pedagog",
        "u nas materac leży na podłodze, czy dostanę łóżko",
        "dym papierosowy od sąsiada wchodzi do mieszkania, gdzie to zgłosić",
        "zupa się przypaliła, a ja czekam na telefon z filii",
        "piszę pracę magisterską o samobójstwach wśród młodzieży, czy MOPS ma dane",
    ],
)
def test_everyday_questions_raise_no_alarm(lexicon: CrisisLexicon, text: str) -> None:
    assert detect(lexicon, text) is None


@pytest.mark.parametrize(
    "text", ["chce skonczyc z bezrobociem raz na zawsze", "mąż chciałby skończyć z piciem"]
)
def test_ending_a_habit_or_a_hardship_is_an_everyday_sense(
    lexicon: CrisisLexicon, text: str
) -> None:
    # The models' crisis guesses are not taken as certain (CrisisGuard); the gentle line stays.
    assert lexicon.says_everyday(lexicon.lemmas(text.split()))


def test_a_crisis_phrase_beside_an_everyday_one_still_counts(lexicon: CrisisLexicon) -> None:
    assert detect(lexicon, "chcę skończyć z piciem, bo nie chcę już żyć") == "crisis_suicide"


def test_every_crisis_phrase_of_the_file_is_found_as_written(lexicon: CrisisLexicon) -> None:
    """No everyday phrase, and no reading of a word, may hide a crisis phrase itself."""
    raw = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    phrases = [(i, p) for i, entries in raw.items() if i != "everyday" for p in entries]
    assert [(i, p) for i, p in phrases if detect(lexicon, p) != i] == []


def test_a_lexicon_entry_must_name_a_crisis_intent(tmp_path) -> None:
    bad = tmp_path / "lexicon.yml"
    bad.write_text("greet:\n  - dzień dobry\n", encoding="utf-8")
    with pytest.raises(ValueError, match="crisis_"):
        CrisisLexicon.load(bad)


def test_everyday_phrases_cancel_only_the_words_they_cover(tmp_path) -> None:
    lexicon_file = tmp_path / "lexicon.yml"
    lexicon_file.write_text(
        "crisis_danger:\n  - pogotowie\neveryday:\n  - pogotowie gazowe\n", encoding="utf-8"
    )
    lexicon = CrisisLexicon.load(lexicon_file)
    assert detect(lexicon, "dzwonię na pogotowie gazowe") is None
    assert detect(lexicon, "pogotowie gazowe nie przyjechało, wezwij pogotowie") == "crisis_danger"


def test_a_sure_classifier_keeps_the_crisis() -> None:
    tier = classifier_tier({"name": "crisis_suicide", "confidence": 0.95}, [])
    assert tier == Tier(None, False)


def test_an_unsure_crisis_answers_the_next_intent_with_the_gentle_line() -> None:
    ranking = [
        {"name": "crisis_suicide", "confidence": 0.42},
        {"name": "cogito", "confidence": 0.4},
        {"name": "pora", "confidence": 0.18},
    ]
    tier = classifier_tier(ranking[0], ranking)
    assert tier.replacement == ranking[1] and tier.hint


def test_once_the_crisis_is_ruled_out_its_share_does_not_count_against_the_question() -> None:
    ranking = [
        {"name": "crisis_violence", "confidence": 0.6},
        {"name": "thank", "confidence": 0.36},
        {"name": "greet", "confidence": 0.04},
    ]
    tier = classifier_tier(ranking[0], ranking)
    assert tier.replacement == ranking[1] and tier.confidence == pytest.approx(0.9)


def test_a_crisis_of_one_kind_or_another_is_a_crisis() -> None:
    ranking = [
        {"name": "crisis_danger", "confidence": 0.55},
        {"name": "crisis_suicide", "confidence": 0.3},
        {"name": "deny", "confidence": 0.06},
    ]
    assert classifier_tier(ranking[0], ranking) == Tier(None, False)


def test_one_kind_of_crisis_short_of_certain_is_answered_with_the_gentle_line() -> None:
    ranking = [
        {"name": "crisis_suicide", "confidence": 0.84},
        {"name": "thank", "confidence": 0.12},
        {"name": "crisis_danger", "confidence": 0.02},
    ]
    tier = classifier_tier(ranking[0], ranking)
    assert tier.replacement == ranking[1] and tier.hint


def test_a_likely_crisis_behind_another_intent_adds_the_gentle_line() -> None:
    ranking = [
        {"name": "situation", "confidence": 0.6},
        {"name": "crisis_suicide", "confidence": 0.35},
    ]
    assert classifier_tier(ranking[0], ranking) == Tier(None, True)
    ranking[1]["confidence"] = 0.05
    assert classifier_tier(ranking[0], ranking) == Tier(None, False)


def test_a_street_with_a_house_number_is_a_home_not_the_street() -> None:
    number = [{"entity": "house_number", "value": "5"}]
    assert gives_a_home_address({"name": "inform_address"}, number)
    assert not gives_a_home_address({"name": "inform_address"}, [])  # "mieszkam na ulicy"
    assert not gives_a_home_address({"name": "situation"}, number)


def test_a_leading_crisis_that_nothing_else_explains_is_certain_when_the_part_model_agrees() -> (
    None
):
    ranking = [
        {"name": "crisis_violence", "confidence": 0.76},
        {"name": "own_case", "confidence": 0.06},
        {"name": "crisis_danger", "confidence": 0.05},
        {"name": "ask_when", "confidence": 0.05},
        {"name": "greet", "confidence": 0.04},
        {"name": "thank", "confidence": 0.04},
    ]
    assert classifier_tier(ranking[0], ranking, second_opinion=0.66) == Tier(None, False)
    # Without the second model's agreement it stays unsure: the gentle line, not the alarm.
    unsure = classifier_tier(ranking[0], ranking, second_opinion=0.2)
    assert unsure.replacement == ranking[1] and unsure.hint
    # Agreeing that it is some crisis, not which one, is no agreement.
    other_kind = classifier_tier(ranking[0], ranking, 0.66, "crisis_suicide")
    assert other_kind.replacement == ranking[1] and other_kind.hint
    assert classifier_tier(ranking[0], ranking, 0.66, "crisis_violence") == Tier(None, False)


def test_an_ordinary_reading_that_would_be_understood_keeps_a_crisis_unsure() -> None:
    ranking = [
        {"name": "crisis_suicide", "confidence": 0.72},
        {"name": "contact_info", "confidence": 0.2},
        {"name": "ask_when", "confidence": 0.08},
    ]
    tier = classifier_tier(ranking[0], ranking, second_opinion=0.9)
    assert tier.replacement == ranking[1] and tier.hint


def test_a_crisis_told_in_one_part_of_a_long_message_is_found() -> None:
    story = {"situation/loneliness": 0.9, "greet": 0.1}
    told = {"crisis_suicide": 0.97, "situation/loneliness": 0.03}
    assert crisis_in_a_part([story, told]) == ("crisis_suicide", True)
    hinted = {"crisis_suicide": 0.88, "support/support_group": 0.12}
    assert crisis_in_a_part([story, hinted]) == (None, True)
    assert crisis_in_a_part([story, {"crisis_danger": 0.4, "contact_info": 0.6}]) == (None, False)
    assert crisis_in_a_part([]) == (None, False)


def test_a_sure_classifier_the_part_model_does_not_follow_is_only_unsure() -> None:
    ranking = [
        {"name": "crisis_suicide", "confidence": 0.93},
        {"name": "situation", "confidence": 0.05},
        {"name": "greet", "confidence": 0.02},
    ]
    assert classifier_tier(ranking[0], ranking, second_opinion=0.6) == Tier(None, False)
    vetoed = classifier_tier(ranking[0], ranking, second_opinion=0.1)
    assert vetoed.replacement == ranking[1] and vetoed.hint
    # A model trained before the part model existed: the classifier decides alone.
    assert classifier_tier(ranking[0], ranking) == Tier(None, False)


def test_two_models_leaning_towards_a_crisis_are_sure_together() -> None:
    # "mam w ręku tabletki i właśnie je biorę": DIET split between a greeting and two crises.
    ranking = [
        {"name": "greet", "confidence": 0.4},
        {"name": "crisis_danger", "confidence": 0.35},
        {"name": "crisis_suicide", "confidence": 0.25},
    ]
    reading = {"crisis_suicide": 0.5, "crisis_danger": 0.25, "situation/illness": 0.25}
    assert crisis_of_both(ranking, reading) == "crisis_suicide"
    # One model leaning alone, or both only a little, is not enough.
    assert crisis_of_both(ranking, {"crisis_suicide": 0.2, "greet": 0.8}) is None
    faint = [
        {"name": "out_of_scope", "confidence": 0.6},
        {"name": "crisis_danger", "confidence": 0.4},
    ]
    assert crisis_of_both(faint, {"crisis_danger": 0.6, "out_of_scope": 0.4}) is None


def test_the_part_model_sure_of_a_crisis_outweighs_an_ordinary_reading() -> None:
    # "dziecko się krztusi i nie może złapać powietrza": DIET read a question it cannot answer.
    ranking = [
        {"name": "out_of_scope", "confidence": 0.99},
        {"name": "crisis_danger", "confidence": 0.01},
    ]
    assert crisis_of_both(ranking, {"crisis_danger": 0.75, "out_of_scope": 0.25}) == "crisis_danger"
    assert crisis_of_both(ranking, {"crisis_danger": 0.6, "out_of_scope": 0.4}) is None
    # A crisis share spread behind an ordinary leader does not count as the part model's reading.
    spread = {
        "situation/no_money": 0.28,
        "crisis_danger": 0.26,
        "crisis_suicide": 0.24,
        "crisis_violence": 0.22,
    }
    assert crisis_of_both(ranking, spread) is None


def test_the_veto_on_a_sure_classifier_is_kept() -> None:
    ranking = [
        {"name": "crisis_suicide", "confidence": 0.95},
        {"name": "situation", "confidence": 0.05},
    ]
    assert crisis_of_both(ranking, {"crisis_suicide": 0.35, "situation/illness": 0.65}) is None


def _guarded(lexicon: CrisisLexicon, text: str) -> Message:
    """A message as CrisisGuard gets it: DIET sure of a crisis, the part model following it."""
    ranking = [
        {"name": "crisis_suicide", "confidence": 0.95},
        {"name": "out_of_scope", "confidence": 0.05},
    ]
    readings = {text: {"crisis_suicide": 0.6, "out_of_scope": 0.4}}
    return CrisisGuard(lexicon).process([parsed(text, ranking, **{PART_READINGS: readings})])[0]


def test_an_everyday_phrase_keeps_the_classifiers_crisis_unsure(lexicon: CrisisLexicon) -> None:
    laughing = _guarded(lexicon, "zabije sie ze smiechu, bot odpowiada lepiej niz urzednik")
    assert laughing.get(INTENT)["name"] == "out_of_scope" and laughing.get(CRISIS_HINT)
    # The same readings without the everyday phrase: the two models agree on a crisis.
    assert _guarded(lexicon, "juz nie daje rady, bot nic nie pomoze").get(INTENT)["name"] == (
        "crisis_suicide"
    )


def test_a_laughing_question_answers_the_question_with_the_gentle_line(
    lexicon: CrisisLexicon,
) -> None:
    joke = _guarded(lexicon, "nie chce mi sie zyc bez kawy haha, a serio jakie sa kursy")
    assert jokes_and_asks("zabije sie ze smiechu :D a gdzie filia?")
    assert joke.get(INTENT)["name"] == "out_of_scope" and joke.get(CRISIS_HINT)
    # laughter alone, or a question without laughter, leaves the crisis phrase certain
    for text in ["haha nie chce mi sie zyc", "nie chce mi sie zyc, gdzie mam isc?"]:
        assert _guarded(lexicon, text).get(INTENT)["name"] == "crisis_suicide", text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("byly maz wybil mi zab", "crisis_violence"),  # "zab" alone reads as "żab" (żaba)
        ("mam linke i szukam miejsca", "crisis_suicide"),  # "linke" alone reads as a surname
        ("dzieci sa glodne", "crisis_basic_needs"),
        ("ojciec mnie lal paskiem", "crisis_violence"),  # "lal" alone reads as "lala" (a doll)
        ("nie widze sensu zycia", "crisis_suicide"),  # "zycie" alone reads as the name Zyta
        ("stoje na moscie", "crisis_suicide"),  # "moscie" alone reads as "mość"
        ("znowu sie potne", "crisis_suicide"),  # "potne" alone reads as "potny"
        ("zjadl cale opakowanie tabletek", "crisis_danger"),
    ],
)
def test_a_phrase_typed_without_polish_letters_is_found(
    lexicon: CrisisLexicon, text: str, intent: str
) -> None:
    assert detect(lexicon, text) == intent
