"""Follow-up questions without a topic are answered for the topic of the latest answer."""

from __future__ import annotations

import pytest
import yaml

from bot.branches import BranchCatalogue
from bot.follow_up import ASPECTS, FollowUps, answer_in_topic, latest_answer
from bot.messages import Messages
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def follow_ups() -> FollowUps:
    return FollowUps.load()


@pytest.fixture(scope="module")
def point():
    return BranchCatalogue.load().information_point


def test_cost_after_cogito_is_its_value(follow_ups, point) -> None:
    answer = follow_ups.answer("cogito", "ask_cost", point)
    assert answer.responses == ["utter_cogito/value_dates"] and not answer.branch_search


def test_joining_pora_explains_it_and_starts_the_branch_search(follow_ups, point) -> None:
    answer = follow_ups.answer("pora", "ask_how_join", point)
    assert answer.responses == ["utter_join_pora"] and answer.branch_search


def test_what_the_sources_do_not_say_is_said_so_with_the_information_point(
    follow_ups, point
) -> None:
    answer = follow_ups.answer("pora", "ask_cost", point)
    assert answer.reply is not None and answer.reply.key == "follow_up_unknown"
    assert answer.reply.variables["phone"] == point.phones[0]


def test_after_the_contacts_where_gives_them_again_and_hours_are_not_known(
    follow_ups, point
) -> None:
    where = follow_ups.answer("office", "ask_where", point)
    assert where.contacts and not where.responses and not where.branch_search
    hours = follow_ups.answer("office", "ask_when", point)
    assert hours.reply is not None and hours.reply.key == "follow_up_unknown"
    assert follow_ups.topic_key("office", "ask_where") == "contact_info"


def test_asking_for_details_gets_what_the_sources_say_in_detail(follow_ups, point) -> None:
    """Pora's forms of help, COGITO's laboratories and guide; after a form of help, nothing more."""
    assert follow_ups.answer("pora", "ask_details", point).responses == ["utter_support/list"]
    cogito = follow_ups.answer("cogito", "ask_details", point).responses
    assert cogito == ["utter_cogito/labs", "utter_cogito/guide_campaign"]
    support = follow_ups.answer("support", "ask_details", point)
    assert support.reply is not None and support.reply.key == "follow_up_unknown"


def test_until_when_pora_runs_says_since_when_and_that_the_end_is_not_known(
    follow_ups, point
) -> None:
    answer = follow_ups.answer("pora", "ask_when", point)
    assert not answer.responses and answer.reply is not None
    text = Messages.load().render(answer.reply).text
    assert "od 2008 r." in text and "nie podają" in text and point.phones[0] in text


def test_asking_who_runs_it_names_the_project_that_mops_runs(follow_ups, point) -> None:
    """Both projects are MOPS's own: their descriptions say so; the sources name nobody else."""
    assert follow_ups.answer("pora", "ask_organiser", point).responses == ["utter_pora/about"]
    assert follow_ups.answer("cogito", "ask_organiser", point).responses == ["utter_cogito/about"]
    support = follow_ups.answer("support", "ask_organiser", point)
    assert support.reply is not None and support.reply.key == "follow_up_unknown"


def test_without_a_topic_the_assistant_asks_which_one(follow_ups, point) -> None:
    answer = follow_ups.answer(None, "ask_who", point)
    assert answer.reply is not None and answer.reply.key == "follow_up_which"


def test_every_response_named_exists_and_every_aspect_is_an_intent(follow_ups) -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert follow_ups.responses() <= set(domain["responses"])
    assert follow_ups.messages() <= set(Messages.load().keys())
    assert set(ASPECTS) <= set(domain["intents"])


def test_a_topic_missing_an_aspect_is_refused(tmp_path) -> None:
    broken = tmp_path / "follow_ups.yml"
    broken.write_text("pora:\n  ask_cost: unknown\n", encoding="utf-8")
    with pytest.raises(ValueError, match="ask_when"):
        FollowUps.load(broken)


def test_after_the_club_where_it_is_is_not_the_residents_branch(follow_ups, point) -> None:
    """The Klub Integracji Społecznej is known from 2004-2008 only: where it is now, the
    information point says; after another form of help, its place is the resident's branch."""
    club = follow_ups.answer("support", "ask_where", point, answered="support/kis")
    assert club.reply is not None and club.reply.key == "follow_up_unknown"
    assert not club.branch_search
    assert follow_ups.answer(
        "support", "ask_where", point, answered="support/therapy"
    ).branch_search
    # an aspect the club's row does not name falls back to the topic's row
    assert follow_ups.answer("support", "ask_who", point, answered="support/kis") == (
        follow_ups.answer("support", "ask_who", point)
    )


def test_told_cogito_ended_where_to_go_is_the_residents_branch(follow_ups, point) -> None:
    """After "COGITO ended; ask the branch", "to gdzie mam iść?" is not about the old labs."""
    after_join = follow_ups.answer("cogito", "ask_where", point, answered="cogito/join")
    assert after_join.branch_search and not after_join.responses
    assert follow_ups.answer("cogito", "ask_where", point).responses == ["utter_cogito/labs"]


def test_after_the_guide_where_to_get_it_is_not_known(follow_ups, point) -> None:
    """ "a gdzie można dostać ten poradnik?" is about the guide of 2004-2008, not the old labs
    nor joining the ended project: the sources do not say."""
    for aspect in ("ask_where", "ask_how_join"):
        guide = follow_ups.answer("cogito", aspect, point, answered="cogito/guide_campaign")
        assert guide.reply is not None and guide.reply.key == "follow_up_unknown", aspect
        assert not guide.responses
    assert follow_ups.answer("cogito", "ask_where", point).responses == ["utter_cogito/labs"]


def test_after_the_distinction_who_gave_it_is_its_own_answer(follow_ups, point) -> None:
    answer = follow_ups.answer("pora", "ask_organiser", point, answered="pora/award")
    assert answer.responses == ["utter_pora/award"]
    assert follow_ups.answer("pora", "ask_organiser", point).responses == ["utter_pora/about"]


def test_a_row_for_one_answer_may_not_name_other_questions(tmp_path) -> None:
    broken = tmp_path / "follow_ups.yml"
    broken.write_text("support/kis:\n  ask_colour: unknown\n", encoding="utf-8")
    with pytest.raises(ValueError, match="may name only"):
        FollowUps.load(broken)


def _bot(said: str | None) -> dict[str, object]:
    return {"event": "bot", "text": "…", "metadata": {"utter_action": said} if said else {}}


def test_the_latest_answer_is_the_topics_last_one_whatever_came_after() -> None:
    user = {"event": "user", "text": "…"}
    kis, therapy = _bot("utter_support/kis"), _bot("utter_support/therapy")
    unknown, award = _bot(None), _bot("utter_pora/award")  # a custom message has no name
    # follow-ups and their answers in between keep to the club
    assert latest_answer([user, kis, user, unknown, user], "support") == "support/kis"
    assert latest_answer([user, kis, user, therapy, user], "support") == "support/therapy"
    # another topic's answer is not this topic's; without a topic there is none
    assert latest_answer([user, award, user, kis, user], "pora") == "pora/award"
    assert latest_answer([user, kis, user], "office") is None
    assert latest_answer([user, kis, user], None) is None


def _ranking(*pairs: tuple[str, float]) -> dict[str, object]:
    """Parse data with this intent ranking."""
    return {"intent_ranking": [{"name": name, "confidence": c} for name, c in pairs]}


def test_an_unclear_short_question_about_the_topic_is_answered_for_it(follow_ups) -> None:
    ranking = _ranking(("nlu_fallback", 0.5), ("ask_funding", 0.45), ("ask_cost", 0.25))
    assert follow_ups.aspect_in_context("pora", ranking) == "ask_funding"


def test_without_a_topic_or_with_another_intent_first_the_assistant_still_asks(
    follow_ups,
) -> None:
    aspect_first = _ranking(("nlu_fallback", 0.5), ("ask_funding", 0.45))
    assert follow_ups.aspect_in_context(None, aspect_first) is None
    other_first = _ranking(("nlu_fallback", 0.5), ("contact_info", 0.45), ("ask_where", 0.3))
    assert follow_ups.aspect_in_context("cogito", other_first) is None


def test_where_to_go_before_any_topic_is_the_residents_branch(follow_ups, point) -> None:
    unclear = _ranking(("nlu_fallback", 0.5), ("ask_where", 0.4), ("ask_how_join", 0.19))
    assert follow_ups.aspect_in_context(None, unclear) == "ask_where"
    assert follow_ups.answer(None, "ask_where", point).branch_search


def test_a_faint_aspect_is_not_taken_for_a_question(follow_ups) -> None:
    ranking = _ranking(("nlu_fallback", 0.5), ("ask_when", 0.12), ("greet", 0.1))
    assert follow_ups.aspect_in_context("support", ranking) is None


def test_unknown_words_after_an_answer_are_not_taken_for_a_follow_up(follow_ups) -> None:
    ranking = _ranking(("ask_cost", 0.7), ("greet", 0.2))  # no ranked fallback: unknown words
    assert follow_ups.aspect_in_context("cogito", ranking) is None


def test_without_a_topic_an_aspect_is_no_topic_button(follow_ups) -> None:
    """A part of a message read as "how to join" names no topic of its own: the branch is the
    dialogue's answer only when that is the whole question."""
    assert follow_ups.topic_key(None, "ask_how_join") is None
    assert follow_ups.topic_key("cogito", "ask_how_join") == "cogito/join"


def _selected(text: str, *keys: str) -> dict[str, object]:
    """Parse data whose response selector ranks these answers, best first."""
    ranking = [
        {"intent_response_key": key, "confidence": 0.5 / (i + 1)} for i, key in enumerate(keys)
    ]
    return {"text": text, "response_selector": {"default": {"ranking": ranking}}}


def test_a_short_question_on_the_topic_gets_the_topics_answer_the_selector_ranks_first() -> None:
    guide = _selected("a ten poradnik co wydali?", "cogito/guide_campaign", "cogito/labs")
    assert answer_in_topic("cogito", guide) == "cogito/guide_campaign"


def test_another_topic_first_a_long_message_or_no_topic_keep_their_own_reply() -> None:
    elsewhere = _selected("a psycholog tez jest?", "support/counselling_psych", "cogito/labs")
    assert answer_in_topic("cogito", elsewhere) is None
    long = _selected(
        "a ile by kosztował udział w tych laboratoriach gdybym się zgłosił od przyszłego miesiąca",
        "cogito/labs",
    )
    assert answer_in_topic("cogito", long) is None
    assert answer_in_topic(None, _selected("a kto im to dał", "pora/award")) is None
    # a form of support says little beyond its description: a question beyond it is unknown
    stipend = _selected("czy za kurs jest stypendium", "support/vocational_course")
    assert answer_in_topic("support", stipend) is None
    assert answer_in_topic("office", _selected("a kto im to dał", "pora/award")) is None
