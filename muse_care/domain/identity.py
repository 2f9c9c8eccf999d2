"""Identity checks: which steps a case needs, and when identity counts as confirmed.

The policy: "we will ask you to confirm your identity before carrying out your request".
Which steps are asked for depends on the regime and the rights requested; the table is
data: each right declares its steps (domain/case.py, ``RIGHTS``) and a regime may have
rows of its own (``REGIME_CHECK_POLICY``); ``required_steps`` takes another table as
its ``policy`` argument (there is no setting for it yet: the services pass the default).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from muse_care.domain.case import RIGHTS
from muse_care.domain.errors import ValidationError


class CheckStep(StrEnum):
    ACCOUNT_EMAIL = "account-email"
    ORDER_NUMBER = "order-number"
    CARD_LAST_FOUR = "card-last-four"
    POSTAL_ADDRESS = "postal-address"
    AUTHORITY_DOCUMENT = "authority-document"


STEP_LABELS: dict[CheckStep, str] = {
    CheckStep.ACCOUNT_EMAIL: "Email matches the account on file",
    CheckStep.ORDER_NUMBER: "Gave a recent order number",
    CheckStep.CARD_LAST_FOUR: "Last four digits of the card used on a recent order",
    CheckStep.POSTAL_ADDRESS: "Postal address matches the one on file",
    CheckStep.AUTHORITY_DOCUMENT: "Representative's authority document seen",
}


# What the requester is asked for, in their words, as the identity letter says it
# (the labels above are the agent's checklist).
STEP_ASKED: dict[str, str] = {
    CheckStep.ACCOUNT_EMAIL: "the email address registered to your account with us",
    CheckStep.ORDER_NUMBER: "the number of a recent order",
    CheckStep.CARD_LAST_FOUR: "the last four digits of the card used for a recent order",
    CheckStep.POSTAL_ADDRESS: "the postal address held on your account",
    CheckStep.AUTHORITY_DOCUMENT: "written authority from the person you act for "
                                  "(for example a signed letter of authority or a power of attorney)",
}


class CheckResult(StrEnum):
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"
    WAIVED = "waived"


# (regime or "*", right) -> steps. A regime-specific row wins over "*"; the "*" rows are
# each right's own declaration (domain/case.py, RIGHTS).
REGIME_CHECK_POLICY: dict[tuple[str, str], tuple[CheckStep, ...]] = {
    # the organisation's CCPA policy asks for two account details, not the card digits
    ("ccpa", "access"): (CheckStep.ACCOUNT_EMAIL, CheckStep.ORDER_NUMBER),
    ("ccpa", "portability"): (CheckStep.ACCOUNT_EMAIL, CheckStep.ORDER_NUMBER),
}

DEFAULT_CHECK_POLICY: dict[tuple[str, str], tuple[CheckStep, ...]] = {
    **{("*", spec.right.value): tuple(CheckStep(step) for step in spec.identity_steps) for spec in RIGHTS},
    **REGIME_CHECK_POLICY,
}


def required_steps(regime: str, rights: Iterable[str], representative: bool,
                   policy: Mapping[tuple[str, str], tuple[CheckStep, ...]] = DEFAULT_CHECK_POLICY,
                   ) -> tuple[CheckStep, ...]:
    """The union of the steps for each right, in a stable order; representatives add
    the authority document."""
    wanted: set[CheckStep] = set()
    for right in rights:
        steps = policy.get((regime, right), policy.get(("*", right), (CheckStep.ACCOUNT_EMAIL,)))
        wanted.update(steps)
    if representative:
        wanted.add(CheckStep.AUTHORITY_DOCUMENT)
    return tuple(step for step in CheckStep if step in wanted)


DONE_RESULTS = frozenset({CheckResult.PASSED, CheckResult.WAIVED})
"""A step passed, or was waived (with a reason, enforced on record): it counts as done."""


def unconfirmed_steps(results: Mapping[str, str]) -> list[str]:
    """The steps (of ``step -> result``) that are not done yet, in their order."""
    return [step for step, result in results.items() if result not in DONE_RESULTS]


def identity_confirmed(results: Mapping[str, str]) -> bool:
    """Identity counts as confirmed when every required step is done (passed or waived)."""
    return not unconfirmed_steps(results)


def validate_check(step: str, result: str, reason: str) -> tuple[CheckStep, CheckResult]:
    try:
        step_v = CheckStep(step)
    except ValueError:
        raise ValidationError("step", f"unknown identity check '{step}'; use one of: "
                              + ", ".join(s.value for s in CheckStep)) from None
    try:
        result_v = CheckResult(result)
    except ValueError:
        raise ValidationError("result", f"unknown result '{result}'; use passed, failed or waived") from None
    if result_v is CheckResult.PENDING:
        raise ValidationError("result", "record passed, failed or waived")
    if result_v is CheckResult.WAIVED and not reason.strip():
        raise ValidationError("reason", "a waived check needs a reason")
    return step_v, result_v
