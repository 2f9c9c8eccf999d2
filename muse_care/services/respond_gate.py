"""What must be true before a case is marked Responded.

The Responded transition (``services.cases._move``) runs every check in :data:`CHECKS`
and refuses with all their reasons at once. Each check is a function of the case as it
is in the unit of work; add a check by appending to the list (the Art. 19 recipients
check, for one, sits here too). See docs/letters.md, "Before a case is Responded".

- A reply was given: a letter of a *reply* kind (letters/kinds.py) produced for this
  case and not superseded; for a postal request it must have gone out in a dispatched
  print run. A reply sent electronically (a reply letter dispatched by email or
  My Account) counts for every channel; a request that did not come by post may also be
  answered outside MUSE Care's letters, recorded with ``record_electronic_reply``
  (``muse-care case reply``).
- Every identity check is settled (passed, or waived with a reason).
- No call recording or chat transcript is about to be purged by its source system
  while not yet secured in the evidence store, unless a team lead waives that with a
  reason (recorded in the history).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from muse_care.domain.errors import ValidationError
from muse_care.store.models import CaseRecord, LetterRecord, RetrievalRecord

LEAD_ROLES = ("lead", "admin")


@dataclass(frozen=True)
class Gate:
    """What a check sees: the case in the unit of work, today, who acts, any waiver."""

    session: Any
    rec: CaseRecord
    today: date
    role: str
    waiver: str
    warn_days: int
    register: Any = None


Check = Callable[[Gate], "str | None"]


ELECTRONIC_REPLY = "electronic reply"
"""The history entry that records a reply given outside MUSE Care's letters (an email
from the shared mailbox, a My Account message): for a request that did not come by post."""


def record_electronic_reply(register: Any, ref: str | int, method: str, on: date, summary: str) -> Any:
    """Record that the reply went out electronically (how, when, what it said in a few
    words): one history entry, one unit of work. A postal request is answered by post."""
    from muse_care.domain import validation as v
    from muse_care.services.case_records import _write

    method = v.clean_text("method", method, max_len=32, required=True).lower()
    if method in ("post", "letter"):
        raise ValidationError("method", "a reply by post is a letter: produce it and post it in a print run")
    summary = v.clean_text("summary", summary, max_len=v.MAX_REASON, required=True, multiline=True)

    def action(ch: Any) -> None:
        from muse_care.domain.regimes import get_regime
        from muse_care.services.case_records import law_today

        rec = ch.rec
        if rec.channel == "post":
            raise ValidationError("method", f"case {rec.reference} came by post: its reply is a letter "
                                  "posted in a print run")
        # the reply's day decides whether it was in time: the law's day, as an event's
        # (docs/rules.md, "The day received")
        today_there, zone = law_today(register, rec)
        if on > today_there:
            raise ValidationError("on", f"{on.isoformat()} is in the future where the "
                                  f"{get_regime(rec.regime).name} applies: it is {today_there.isoformat()} in {zone}")
        if on < ch.rec.received_date:
            raise ValidationError("on", f"{on.isoformat()} is before the request was received")
        ch.history.add(ch.rec.id, ELECTRONIC_REPLY, "", f"{on.isoformat()} by {method}: {summary}")
        ch.changed.append("reply")

    return _write(register, ref, None, action)


def reply_kinds() -> list[str]:
    """The kinds of letter that answer the request (letters/kinds.py, ``reply``): not the
    acknowledgement, the requests for ID or clarification, the extension, the closing letter."""
    from muse_care.letters import kinds

    return [k.id for k in kinds.all_kinds() if k.reply]


@dataclass(frozen=True)
class ReplyFacts:
    """What the letters and history of one case say about its reply."""

    made: tuple[int, ...] = ()  # reply letters produced, not superseded and not withdrawn
    sent_electronically: bool = False  # one of them dispatched by email, My Account…
    posted: bool = False  # one of them dispatched, and printed in a print run
    recorded_electronic: bool = False  # a reply given outside MUSE Care's letters, recorded

    def given(self, channel: str) -> bool:
        """Whether the reply counts as given for a request that came by ``channel``."""
        if self.sent_electronically:
            return True
        if channel != "post":
            return bool(self.made) or self.recorded_electronic
        return self.posted


def reply_facts(session: Any, case_ids: Sequence[int]) -> dict[int, ReplyFacts]:
    """:class:`ReplyFacts` of each case of ``case_ids``, in three statements whatever their
    number: what Responded asks (``reply_given``) and what the breach warnings ask
    (services/team_reports.py) are the same question."""
    from muse_care.store.models import HistoryRecord

    ids = list(case_ids)
    if not ids:
        return {}
    rows = session.execute(select(LetterRecord.id, LetterRecord.case_id, LetterRecord.dispatched_on,
                                  LetterRecord.dispatch_method).where(
        LetterRecord.case_id.in_(ids), LetterRecord.kind.in_(reply_kinds()),
        LetterRecord.superseded_by.is_(None), LetterRecord.withdrawn_on.is_(None)).order_by(LetterRecord.id)).all()
    from muse_care.services.print_log import runs_of

    in_runs = set(runs_of(session, [r.id for r in rows]))  # printed in a run, by the print log
    recorded = set(session.execute(select(HistoryRecord.case_id).where(
        HistoryRecord.case_id.in_(ids), HistoryRecord.what == ELECTRONIC_REPLY)).scalars())
    made: dict[int, list[int]] = {}
    electronic: set[int] = set()
    posted: set[int] = set()
    for r in rows:
        made.setdefault(r.case_id, []).append(r.id)
        if r.dispatched_on is not None and r.dispatch_method not in ("", "post"):
            electronic.add(r.case_id)
        if r.dispatched_on is not None and r.id in in_runs:
            posted.add(r.case_id)
    return {i: ReplyFacts(tuple(made.get(i, ())), i in electronic, i in posted, i in recorded) for i in ids}


def reply_given(g: Gate) -> str | None:
    facts = reply_facts(g.session, [g.rec.id])[g.rec.id]
    if facts.given(g.rec.channel):
        return None
    kinds = reply_kinds()
    if g.rec.channel != "post":
        return ("no reply letter has been produced for this case (" + ", ".join(kinds[:3]) +
                "…) and no electronic reply is recorded (muse-care case reply REF --method email …)")
    if facts.made:
        return (f"the reply (letter {', '.join(str(i) for i in facts.made)}) has not gone out in a dispatched "
                "print run yet: print it in a run and mark the run dispatched")
    return "this is a postal request and no reply letter has been produced and posted"


def identity_settled(g: Gate) -> str | None:
    pending = [c.step for c in g.rec.checks if c.result not in ("passed", "waived")]
    return f"identity checks not settled: {', '.join(pending)}" if pending else None


def retrievals_safe(g: Gate) -> str | None:
    soon = g.today + timedelta(days=g.warn_days)
    risky = g.session.execute(select(RetrievalRecord).where(
        RetrievalRecord.case_id == g.rec.id, RetrievalRecord.evidence_id == "",
        RetrievalRecord.purge_on >= g.today, RetrievalRecord.purge_on <= soon)).scalars().all()
    if not risky:
        return None
    if g.waiver.strip():
        if g.role in LEAD_ROLES:
            return None
        return "only a team lead can waive the retrieval risk"
    listed = ", ".join(f"#{r.id} purged on {r.purge_on.isoformat()}" for r in risky if r.purge_on)
    return (f"{len(risky)} recording(s) or transcript(s) are purged soon and not secured ({listed}): "
            "secure them in the evidence store, or a team lead waives this with a reason")


def recipients_settled(g: Gate) -> str | None:
    """Art. 19: every recipient of an erasure, rectification or restriction told, or
    recorded as not possible with the reason (services/recipients.py)."""
    from muse_care.services.recipients import unsettled_text

    return unsettled_text(g.session, g.rec, g.register)


def tasks_settled(g: Gate) -> str | None:
    """Every task of the case settled in its system (services/tasks.py, docs/tasks.md)."""
    from muse_care.services.tasks import unsettled

    open_tasks = unsettled(g.session, g.rec.id)
    if not open_tasks:
        return None
    return (f"{len(open_tasks)} task{'s are' if len(open_tasks) != 1 else ' is'} still open: "
            f"{', '.join(open_tasks[:5])}{' …' if len(open_tasks) > 5 else ''}; settle each on the Tasks tab")


CHECKS: list[Check] = [reply_given, identity_settled, retrievals_safe, recipients_settled, tasks_settled]


def check_responded(ch: Any, waiver: str = "") -> None:
    """Raise a :class:`ValidationError` with every unmet condition; record a waiver."""
    from muse_care.services.settings import get_setting

    register = ch.register
    try:
        warn = int(get_setting(register, "retention_warn_days"))
    except Exception:  # noqa: BLE001 (a broken setting must not unlock the transition)
        warn = 30
    gate = Gate(ch.session, ch.rec, register.today(), register.actor.role, waiver, warn, register)
    problems = [found for check in CHECKS if (found := check(gate))]
    if problems:
        raise ValidationError("status", "the case cannot be marked Responded: " + "; ".join(problems))
    if waiver.strip() and retrievals_safe(Gate(ch.session, ch.rec, gate.today, gate.role, "", warn, register)):
        ch.history.add(ch.rec.id, "retrieval risk waived", "", waiver.strip())
