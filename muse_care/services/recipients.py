"""Art. 19: passing an erasure, rectification or restriction on to each recipient.

Every case with one of those rights lists the recipients of the organisation profile
(``art19_recipients``: DHL, FedEx, TCS and each category of processor). Each is marked
*told* (the day, how, and by whom) or *not possible* (impossible or disproportionate
effort, with the reason); each mark is one unit of work with its history entry. The
case cannot be marked responded until every recipient is settled, and the reply letter
lists those told. See docs/rules.md, "Recipients (Art. 19)".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from muse_care.domain import validation as v
from muse_care.domain.case import ONWARD_RIGHTS, Right
from muse_care.domain.case_views import CaseView
from muse_care.domain.errors import ValidationError
from muse_care.services.register import Register
from muse_care.services.settings import organisation
from muse_care.store.models import CaseRecord, RecipientRecord

"""The rights whose outcome Art. 19 makes us pass on to recipients."""

STATES = ("pending", "told", "not-possible")


@dataclass(frozen=True)
class RecipientView:
    name: str
    state: str  # "pending" | "told" | "not-possible"
    on: date | None = None
    method: str = ""
    reason: str = ""
    by: str = ""
    at: datetime | None = None
    version: int = 0

    @property
    def settled(self) -> bool:
        return self.state != "pending"

    @property
    def text(self) -> str:
        """'told 20 Nov 2026 by email (aisha)', 'not possible: why (aisha)', 'to be told'."""
        if self.state == "told":
            return f"told {self.on:%d %b %Y} by {self.method} ({self.by})" if self.on else "told"
        if self.state == "not-possible":
            return f"not possible: {self.reason} ({self.by})"
        return "to be told"


def needs_recipients(rights: tuple[Right, ...] | list[Right]) -> bool:
    return bool(ONWARD_RIGHTS & set(rights))


def _rights(rec: CaseRecord) -> list[Right]:
    return [Right(r) for r in rec.rights.split(",") if r]


def _views(session: Session, rec: CaseRecord, profile_names: tuple[str, ...]) -> list[RecipientView]:
    rows = {r.name: r for r in session.execute(
        select(RecipientRecord).where(RecipientRecord.case_id == rec.id).order_by(RecipientRecord.id)).scalars()}
    names = list(dict.fromkeys([*profile_names, *rows]))
    out = []
    for name in names:
        row = rows.get(name)
        if row is None:
            out.append(RecipientView(name, "pending"))
        else:
            out.append(RecipientView(name, row.state, row.told_on, row.method, row.reason, row.settled_by,
                                     row.settled_at, row.version))
    return out


def recipients_of(session: Session, rec: CaseRecord, profile_names: tuple[str, ...]) -> list[RecipientView]:
    """The case's recipients (none unless it has an erasure, rectification or restriction)."""
    if not needs_recipients(_rights(rec)):
        return []
    return _views(session, rec, profile_names)


def unsettled_recipients(session: Session, rec: CaseRecord, register: Register) -> list[str]:
    """The case's recipients still to be told or recorded as not possible; empty when
    the case may be marked responded."""
    names = organisation(register).art19_recipients
    return [r.name for r in recipients_of(session, rec, names) if not r.settled]


def unsettled_text(session: Session, rec: CaseRecord, register: Register) -> str | None:
    """For the Responded gate (services/respond_gate.py): what is still to do, or None."""
    pending = unsettled_recipients(session, rec, register)
    if not pending:
        return None
    shown = ", ".join(pending[:6]) + (f" and {len(pending) - 6} more" if len(pending) > 6 else "")
    return (f"{len(pending)} recipient(s) not yet told of the {_onward_text(rec)} (Art. 19): {shown}; mark "
            "each told, or not possible with the reason (muse-care case recipient REF NAME …)")


def _onward_text(rec: CaseRecord) -> str:
    return " / ".join(r.value for r in _rights(rec) if r in ONWARD_RIGHTS)


def list_recipients(register: Register, ref: str | int) -> list[RecipientView]:
    from muse_care.services.case_records import _load

    names = organisation(register).art19_recipients
    with register.read() as session:
        return recipients_of(session, _load(session, ref), names)


def told_for_letter(register: Register, view: CaseView, style: str) -> str:
    """The ``recipients_told`` field of a reply: one line per recipient told."""
    from muse_care.letters.render import format_date

    told = [r for r in list_recipients(register, view.id) if r.state == "told"]
    return "\n".join(f"{r.name} (told on {format_date(r.on, style)})" if r.on else r.name for r in told)


def mark_told(register: Register, ref: str | int, name: str, on: date, method: str,
              expected_version: int | None = None) -> CaseView:
    method = v.clean_text("method", method, max_len=32, required=True)
    if on > register.today():
        raise ValidationError("on", f"{on.isoformat()} is in the future")
    return _settle(register, ref, name, "told", on=on, method=method, reason="",
                   expected_version=expected_version)


def mark_not_possible(register: Register, ref: str | int, name: str, reason: str,
                      expected_version: int | None = None) -> CaseView:
    reason = v.clean_text("reason", reason, max_len=v.MAX_REASON, required=True, multiline=True)
    return _settle(register, ref, name, "not-possible", on=None, method="", reason=reason,
                   expected_version=expected_version)


def _settle(register: Register, ref: str | int, name: str, state: str, *, on: date | None, method: str,
            reason: str, expected_version: int | None) -> CaseView:
    from muse_care.services.case_records import _Change, _write

    name = v.clean_text("recipient", name, max_len=200, required=True)
    names = organisation(register).art19_recipients

    def action(ch: _Change) -> None:
        rec = ch.rec
        if not needs_recipients(_rights(rec)):
            raise ValidationError("recipient", f"case {rec.reference} has no erasure, rectification or "
                                  "restriction: there is nothing to pass on to recipients")
        known = [r.name for r in recipients_of(ch.session, rec, names)]
        match = next((k for k in known if k.casefold() == name.casefold()), None)
        if match is None:
            raise ValidationError("recipient", f"'{name}' is not a recipient of {rec.reference}; "
                                  f"its recipients: {', '.join(known)}")
        row = ch.session.execute(select(RecipientRecord).where(
            RecipientRecord.case_id == rec.id, RecipientRecord.name == match)).scalar_one_or_none()
        old = "to be told" if row is None else (
            f"told {row.told_on.isoformat()} by {row.method}" if row.state == "told" and row.told_on
            else f"not possible: {row.reason}")
        if row is None:
            row = RecipientRecord(case_id=rec.id, name=match)
            ch.session.add(row)
        row.state, row.told_on, row.method, row.reason = state, on, method, reason
        row.settled_by, row.settled_at = ch.register.actor.login, ch.register.now()
        new = (f"told {on.isoformat()} by {method}" if state == "told" and on else f"not possible: {reason}")
        ch.history.add(rec.id, f"recipient:{match}"[:64], old, new)
        ch.changed.append("recipients")

    return _write(register, ref, expected_version, action)
