"""Case references that can be read aloud on the phone: ``MC-7KP-4QX9``.

The alphabet leaves out characters that sound or look alike (0/O, 1/I/L, 2/Z, 5/S,
8/B, U/V); the last character is a check character, so a misheard reference is caught
before it finds the wrong customer's case.
"""

from __future__ import annotations

import secrets

ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
PREFIX = "MC-"


def _check_char(body: str) -> str:
    total = sum((i + 1) * ALPHABET.index(ch) for i, ch in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def new_reference(rng: secrets.SystemRandom | None = None) -> str:
    choose = (rng or secrets.SystemRandom()).choice
    body = "".join(choose(ALPHABET) for _ in range(6))
    full = body + _check_char(body)
    return f"{PREFIX}{full[:3]}-{full[3:]}"


def normalise_reference(text: str) -> str | None:
    """The canonical reference for what someone typed or said, or None if it is not one.

    Accepts lower case, missing dashes and spaces: ``mc 7kp 4qx9`` → ``MC-7KP-4QX9``.
    """
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    if raw.startswith("MC"):
        raw = raw[2:]
    if len(raw) != 7 or any(ch not in ALPHABET for ch in raw):
        return None
    if _check_char(raw[:6]) != raw[6]:
        return None
    return f"{PREFIX}{raw[:3]}-{raw[3:]}"
