"""Answers to one question at a time, for simple mode: a page is a list of
`## Question` headings, each followed by the answer in the family's words."""

from __future__ import annotations


def _heading(question: str) -> str:
    return f"## {question.strip()}"


def _section_bounds(lines: list[str], question: str) -> tuple[int, int] | None:
    heading = _heading(question)
    for start, line in enumerate(lines):
        if line.strip() == heading:
            end = start + 1
            while end < len(lines) and not lines[end].startswith("## "):
                end += 1
            return start, end
    return None


def answer_for(body: str, question: str) -> str:
    """The text under the question's heading, or "" when the page has no such heading."""
    lines = body.split("\n")
    bounds = _section_bounds(lines, question)
    if bounds is None:
        return ""
    start, end = bounds
    return "\n".join(lines[start + 1 : end]).strip()


def with_answer(body: str, question: str, answer: str) -> str:
    """The body with the answer under the question's heading, adding the heading if needed."""
    lines = body.split("\n")
    bounds = _section_bounds(lines, question)
    section = [_heading(question), "", answer.strip(), ""]
    if bounds is None:
        prefix = body.rstrip("\n")
        return (prefix + "\n\n" if prefix else "") + "\n".join(section)
    start, end = bounds
    return "\n".join(lines[:start] + section + lines[end:]).rstrip("\n") + "\n"


def with_paragraph(body: str, paragraph: str) -> str:
    """The body with one more paragraph at the end."""
    prefix = body.rstrip("\n")
    return (prefix + "\n\n" if prefix else "") + paragraph.strip() + "\n"
