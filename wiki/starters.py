"""The About Me starter pages every child's wiki begins with.

They are not rows until someone saves one: a starter page that has never been
saved shows its prompts and an invitation to start it, so a new child's wiki
needs no seeding and its history begins with the family's own words.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Starter:
    slug: str
    title: str
    intro: str
    questions: tuple[str, ...]
    example: str

    def starting_body(self) -> str:
        """The Markdown an empty page starts with: one heading per question."""
        return "\n\n".join(f"## {question}\n\n" for question in self.questions).rstrip() + "\n"


STARTERS: tuple[Starter, ...] = (
    Starter(
        "about-me",
        "About me",
        "What people like and admire about me.",
        ("What do people like about me?", "What am I good at?", "What makes me laugh?"),
        "People say I am kind and funny. I am good at remembering facts about trains.",
    ),
    Starter(
        "what-is-important-to-me",
        "What is important to me",
        "The people, things and routines that matter most.",
        ("Who and what matters most to me?", "What routines help my day go well?"),
        "My dog Biscuit. Knowing what is happening next. Quiet time after school.",
    ),
    Starter(
        "how-best-to-support-me",
        "How best to support me",
        "What helps, and what does not.",
        ("What helps me learn?", "What helps when I am upset?", "What should people avoid?"),
        "Give me one instruction at a time. Let me wear ear defenders in the hall.",
    ),
    Starter(
        "how-i-communicate",
        "How I communicate",
        "How I tell people things, and how to talk with me.",
        ("How do I show what I want?", "How can people tell how I feel?"),
        "I use Makaton signs and pictures. When I flap my hands I am excited.",
    ),
    Starter(
        "my-health",
        "My health",
        "Health needs people should know about.",
        ("What health needs do I have?", "What medicines or care do I need?"),
        "I have asthma. My inhaler is in my blue bag.",
    ),
    Starter(
        "my-family-and-important-people",
        "My family and important people",
        "The people in my life.",
        ("Who is in my family?", "Who else is important to me?"),
        "Mum, Dad and my sister Ava. My grandad picks me up on Fridays.",
    ),
    Starter(
        "my-hopes-and-dreams",
        "My hopes and dreams",
        "What I want for the future.",
        ("What do I want to do when I am older?", "What would I like to get better at?"),
        "I want to work with animals. I would like to catch the bus on my own.",
    ),
    Starter(
        "what-is-working-and-what-is-not",
        "What is working and what is not",
        "What is going well, and what needs to change.",
        ("What is working well?", "What is not working?"),
        "Working: my new timetable. Not working: lunchtimes are too loud.",
    ),
    Starter(
        "my-school-or-college",
        "My school or college",
        "School or college life.",
        ("Where do I go to school or college?", "What do I like there?", "What is hard?"),
        "I go to Hill Road Primary. I like art. Playtime is hard.",
    ),
    Starter(
        "things-i-enjoy",
        "Things I enjoy",
        "Hobbies, places and activities I love.",
        ("What do I enjoy doing?", "Where do I like to go?"),
        "Swimming on Saturdays. The park with the big slide.",
    ),
)

STARTERS_BY_SLUG = {starter.slug: starter for starter in STARTERS}
