"""Small English helpers for messages: "an agent", "1 approval", "3 approvals"."""

from __future__ import annotations

_AN_EXCEPTIONS = ("uk", "us", "eu", "one", "user", "uni")


def article(word: str) -> str:
    """'a' or 'an' for ``word`` by its first sound (good enough for our own words)."""
    w = word.strip().lower()
    if not w:
        return "a"
    if w.startswith(_AN_EXCEPTIONS):
        return "a"
    return "an" if w[0] in "aeiou" else "a"


def a_or_an(phrase: str) -> str:
    """'an extension letter', 'a lead'."""
    return f"{article(phrase)} {phrase}"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """'1 approval', '2 approvals', '1,234 cases'."""
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"
