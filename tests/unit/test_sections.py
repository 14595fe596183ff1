from wiki.sections import answer_for, with_answer, with_paragraph
from wiki.starters import STARTERS, STARTERS_BY_SLUG

BODY = "## What do I enjoy doing?\n\nSwimming.\n\n## Where do I like to go?\n\nThe park.\n"


def test_answer_for_reads_the_text_under_a_question():
    assert answer_for(BODY, "What do I enjoy doing?") == "Swimming."
    assert answer_for(BODY, "Where do I like to go?") == "The park."
    assert answer_for(BODY, "Not asked") == ""


def test_with_answer_replaces_only_that_answer():
    body = with_answer(BODY, "What do I enjoy doing?", "Swimming and drawing.")
    assert answer_for(body, "What do I enjoy doing?") == "Swimming and drawing."
    assert answer_for(body, "Where do I like to go?") == "The park."


def test_with_answer_adds_a_missing_question_at_the_end():
    body = with_answer("Some words first.\n", "Who is in my family?", "Mum and Ava.")
    assert body.startswith("Some words first.\n\n## Who is in my family?")
    assert answer_for(body, "Who is in my family?") == "Mum and Ava."
    assert with_answer("", "Q?", "A.") == "## Q?\n\nA.\n"


def test_with_paragraph_appends():
    assert with_paragraph("One.\n", "Two.") == "One.\n\nTwo.\n"
    assert with_paragraph("", "Two.") == "Two.\n"


def test_every_starter_has_questions_and_a_heading_per_question():
    assert len(STARTERS) == 10
    assert len(STARTERS_BY_SLUG) == 10
    for starter in STARTERS:
        body = starter.starting_body()
        assert all(f"## {question}" in body for question in starter.questions)
