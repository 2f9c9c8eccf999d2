"""The law a letter speaks: the ``{law.<name>}`` placeholders of the letter templates.

A letter is written under one regime (UK GDPR, EU GDPR, CCPA…) to one requester; its
periods, extension rule, rights, refusal basis and complaint route come from that
regime's row (``muse_care.domain.regimes``), the authorities from the requester's
address (``muse_care.domain.authorities``). Nothing here is specific to one law: a new
regime brings its own words in its row. See docs/rules.md, "Letters by regime".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from muse_care.domain.authorities import Authority
from muse_care.domain.regimes import LETTER_WORDS, Regime

LAW_EXTRA = ("authorities", "linked_requests", "clarification_effect")
"""Besides the regime's words: the authorities a requester may complain to (their own
first), the references of their other requests, and what a clarification does to the
clock in this case."""

LAW_FIELDS: frozenset[str] = frozenset(LETTER_WORDS) | frozenset(LAW_EXTRA)
LAW_LISTS: frozenset[str] = frozenset({"rights", "authorities", "linked_requests"})
"""List placeholders: one item per line; alone on a bullet line, one bullet each."""

NO_PAUSE = ("The time we have for answering your request keeps running while we wait for your "
            "answer, and we will reply within it in any case.")


def letter_law(regime: Regime, authorities: Sequence[Authority], *,
               linked_requests: Sequence[str] = (), clarification_pauses: bool = False) -> Mapping[str, str]:
    """The ``law.*`` values for one letter (list values joined with newlines)."""
    out: dict[str, str] = {}
    for name in LETTER_WORDS:
        value = getattr(regime, name)
        out[name] = "\n".join(value) if isinstance(value, tuple) else str(value)
    out["authorities"] = "\n".join(a.one_line for a in authorities)
    out["linked_requests"] = "\n".join(linked_requests)
    out["clarification_effect"] = regime.clarification_words if (
        clarification_pauses and regime.clarification_words) else NO_PAUSE
    return out
