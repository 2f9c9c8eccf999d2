"""Every letter kind, declared once.

A :class:`KindSpec` says everything the program knows about one kind of letter: its id
and title, the template file with its wording (``resources/letters/<id>.txt``), the
rights and regimes it answers, whether a team lead approves it first (four eyes) and
which approval, whether it discloses personal data (then only to a verified requester),
whether it is a reply that lets a case be marked Responded, whether sending it pauses
the clock, its fields (with the labels the letter form shows) and sample values for the
sample letters and tests.

The renderer, the template checker, the letter service, the Letters tab, the CLI's
``--kind`` choices and the sample letters all read this registry; adding a kind is a
:class:`KindSpec` here (or :func:`register` at run time) plus its template text.

Pure data: no reportlab, no Qt, no database.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Field:
    """One field a letter can take. ``shape``: ``line`` (one line), ``text`` (prose,
    several lines) or ``list`` (one item per line; a bullet each)."""

    name: str
    label: str
    shape: str = "line"

    @property
    def is_list(self) -> bool:
        return self.shape == "list"


# The fields several kinds share; a kind may also declare fields of its own.
RECEIVED = Field("received_date", "Request received on")
RIGHTS = Field("rights", "Rights asked for")
DUE = Field("due_date", "Due date")
FEE_DUE = Field("fee_due", "Fee due")
IDENTITY_STEPS = Field("identity_steps", "What we need to confirm identity", "list")
REPLY_BY = Field("reply_by", "Reply by")
QUESTION = Field("clarification_question", "Question to the requester", "text")
NEW_DUE = Field("new_due_date", "New due date")
# The acknowledgement's reply date, one of three ways (docs/letters.md, "The
# acknowledgement's reply date"): the due date; while the clock is stopped, when we
# will reply instead; once extended, the extended date. And the day an extension would
# be told by.
REPLY_WHEN = Field("reply_when", "When we reply (clock stopped)")
EXTENDED_TO = Field("extended_to", "Extended to")
EXTENSION_BY = Field("extension_notice_by", "An extension would be told by")
EXTENSION_REASONS = Field("extension_reasons", "Reasons for the extension", "list")
WITHHELD = Field("withheld", "Data withheld", "list")
LEGAL_BASIS = Field("legal_basis", "Legal basis")
CORRECTIONS = Field("corrections", "Corrections made", "list")
RECIPIENTS_TOLD = Field("recipients_told", "Recipients told", "list")
OUTCOME = Field("outcome", "Outcome", "text")
RETAINED = Field("retained", "Data kept", "list")
SYSTEMS_SEARCHED = Field("systems_searched", "Systems searched (from the tasks)", "list")
ERASED = Field("erased", "Deleted from (from the tasks)", "list")
RESTRICTED_DATA = Field("restricted_data", "Data restricted", "text")
RESTRICTION_GROUND = Field("restriction_ground", "Ground for the restriction", "text")
RESTRICTION_UNTIL = Field("restriction_until", "Restricted until")
PROCESSING = Field("processing", "Processing objected to", "text")
CHANNELS = Field("channels", "Marketing channels stopped")
EFFECTIVE = Field("effective_date", "Effective from")
DATA_FORMAT = Field("data_format", "Data format")
DELIVERY = Field("delivery", "How the data is delivered", "text")
THIRD_PARTY = Field("third_party", "Third party it goes to")
REFUSAL_REASONS = Field("refusal_reasons", "Reasons for refusing", "list")

COMMON_FIELDS = ("reference", "letter_date", "recipient_name")
"""Every template can use these; the program fills them in."""


@dataclass(frozen=True)
class KindSpec:
    id: str
    title: str
    required: tuple[Field, ...]
    optional: tuple[Field, ...] = ()
    # optional field name -> the field it makes required ("retained" needs "legal_basis")
    implies: tuple[tuple[str, str], ...] = ()
    needs_enclosures: bool = False
    rights: frozenset[str] = frozenset()  # the rights it answers; empty: any request
    regimes: frozenset[str] = frozenset()  # empty: every regime
    approval: str | None = None  # the lead's approval it needs in team mode (four eyes)
    discloses: bool = False  # carries personal data: only to a verified requester
    reply: bool = False  # answers the request: lets the case be marked Responded
    pauses_clock: str | None = None  # the clock event sending it records
    # its text promises the reply by the case's due date: never made after that day
    # (docs/letters.md, "A letter never promises a day that has passed")
    promises_due: bool = False
    template: str | Path = ""  # file in resources/letters (default "<id>.txt"), or a path
    sample: Mapping[str, str] = field(default_factory=dict)
    sample_enclosures: tuple[str, ...] = ()

    @property
    def template_file(self) -> str | Path:
        return self.template or f"{self.id}.txt"

    @property
    def fields(self) -> tuple[Field, ...]:
        return self.required + self.optional

    @property
    def lists(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields if f.is_list)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def serves(self, rights: set[str] | frozenset[str], regime: str = "") -> bool:
        """Whether this kind fits a case asking for ``rights`` under ``regime``."""
        if self.regimes and regime and regime not in self.regimes:
            return False
        return not self.rights or bool(self.rights & set(rights))


_D = "3 March 2026"

BUILTIN: tuple[KindSpec, ...] = (
    KindSpec(
        "acknowledgement", "Acknowledgement", (RECEIVED, RIGHTS),
        (DUE, REPLY_WHEN, EXTENDED_TO, EXTENSION_BY, FEE_DUE), promises_due=True,
        sample={"received_date": _D, "rights": "a copy of your personal data (right of access)",
                "due_date": "3 April 2026", "extension_notice_by": "3 April 2026"},
    ),
    KindSpec(
        "identity-request", "Identity request", (RECEIVED, RIGHTS, IDENTITY_STEPS), (REPLY_BY,),
        pauses_clock="id-requested",
        sample={"received_date": _D, "rights": "the deletion of your personal data",
                "identity_steps": "The email address and postcode on your account with us\n"
                "The order number and date of one recent order\n"
                "A copy of a utility bill or bank statement showing your current address",
                "reply_by": "17 March 2026"},
    ),
    KindSpec(
        "clarification-request", "Clarification request", (RECEIVED, RIGHTS, QUESTION), (REPLY_BY,),
        pauses_clock="clarification-requested",
        sample={"received_date": _D, "rights": "a copy of your personal data (right of access)",
                "clarification_question": "Which period and which of our services (orders, live chat, "
                "calls to Customer Care, marketing emails) are you most interested in?"},
    ),
    KindSpec(
        "extension", "Extension notice", (RECEIVED, RIGHTS, DUE, NEW_DUE, EXTENSION_REASONS),
        approval="extension",
        sample={"received_date": _D, "rights": "a copy of your personal data (right of access)",
                "due_date": "3 April 2026", "new_due_date": "3 June 2026",
                "extension_reasons": "Your request covers more than 400 orders, 60 live-chat conversations "
                "and call recordings made over six years.\n"
                "We have received three further requests from you that we are dealing with together."},
    ),
    KindSpec(
        "access-response", "Access response", (RECEIVED,), (WITHHELD, LEGAL_BASIS, SYSTEMS_SEARCHED),
        implies=(("withheld", "legal_basis"),), needs_enclosures=True, rights=frozenset({"access"}),
        approval="disclosure", discloses=True, reply=True,
        sample={"received_date": _D},
        sample_enclosures=("Your account and order history (12 pages)",
                           "Transcripts of 3 live-chat conversations (5 pages)",
                           "USB key with 2 call recordings (MP3)"),
    ),
    KindSpec(
        "rectification-done", "Rectification done", (RECEIVED, CORRECTIONS, RECIPIENTS_TOLD),
        rights=frozenset({"rectification"}), reply=True,
        sample={"received_date": _D,
                "corrections": "Your delivery address: now 14 Abbey Road, London NW8 9AY\n"
                "Your date of birth (day and month): now 14 July",
                "recipients_told": "DHL\nFedEx\nTCS"},
    ),
    KindSpec(
        "erasure-done", "Erasure done", (RECEIVED, OUTCOME, RECIPIENTS_TOLD), (RETAINED, LEGAL_BASIS, ERASED),
        implies=(("retained", "legal_basis"),), rights=frozenset({"erasure"}), reply=True,
        sample={"received_date": _D,
                "outcome": "We have deleted your account, your wish lists, your marketing preferences, "
                "your live-chat conversations and the recordings of your calls to Customer Care.",
                "retained": "Billing records of your orders from 2021 to 2025",
                "legal_basis": "tax and accounting law requires us to keep billing records for seven "
                "years from the billing date (Article 17(3)(b) GDPR)",
                "recipients_told": "DHL\nFedEx\nTCS"},
    ),
    KindSpec(
        "restriction", "Restriction", (RECEIVED, RESTRICTED_DATA, RESTRICTION_GROUND, RECIPIENTS_TOLD),
        (RESTRICTION_UNTIL,), rights=frozenset({"restriction"}), reply=True,
        sample={"received_date": _D, "restricted_data": "Your delivery addresses and telephone number",
                "restriction_ground": "you have told us they are inaccurate and we are checking them",
                "restriction_until": "17 March 2026", "recipients_told": "DHL\nFedEx\nTCS"},
    ),
    KindSpec(
        "objection-outcome", "Objection outcome", (RECEIVED, PROCESSING, OUTCOME), (LEGAL_BASIS,),
        rights=frozenset({"objection", "automated-decision"}), reply=True,
        sample={"received_date": _D,
                "processing": "our analysis of your browsing to personalise our website",
                "outcome": "We have accepted your objection: from today we no longer use your browsing "
                "data to personalise the website or our advertising for you."},
    ),
    KindSpec(
        "marketing-opt-out", "Marketing opt-out confirmed", (RECEIVED, CHANNELS, EFFECTIVE),
        rights=frozenset({"marketing-opt-out"}), reply=True,
        sample={"received_date": _D, "channels": "email, text messages, telephone and post",
                "effective_date": "4 March 2026"},
    ),
    KindSpec(
        "portability", "Data portability", (RECEIVED, DATA_FORMAT, DELIVERY), (THIRD_PARTY,),
        rights=frozenset({"portability"}), approval="disclosure", discloses=True, reply=True,
        sample={"received_date": _D, "data_format": "JSON and CSV files",
                "delivery": "They are on the encrypted USB key enclosed; we will send the password "
                "separately by text message."},
        sample_enclosures=("Encrypted USB key",),
    ),
    KindSpec(
        "refusal", "Refusal", (RECEIVED, RIGHTS, REFUSAL_REASONS, LEGAL_BASIS), approval="refusal", reply=True,
        sample={"received_date": _D, "rights": "copies of all call recordings since 2015",
                "refusal_reasons": "This is the fifth request for the same recordings in three months; we "
                "answered the previous requests in full on 10 January and 7 February 2026.\n"
                "We keep call recordings for six months only, so no recordings from before "
                "September 2025 exist.",
                "legal_basis": "Article 12(5) of the UK GDPR (manifestly unfounded or excessive requests)"},
    ),
    KindSpec(
        "closing", "Closing letter", (RECEIVED, RIGHTS, OUTCOME),
        sample={"received_date": _D, "rights": "the deletion of your personal data",
                "outcome": "We sent you our reply on 20 March 2026 and you have told us that you need "
                "nothing further."},
    ),
)

_lock = threading.Lock()
_registry: dict[str, KindSpec] = {k.id: k for k in BUILTIN}


def register(spec: KindSpec) -> KindSpec:
    """Add (or replace) a kind at run time; an organisation's own kinds, or a test's."""
    if not spec.id or spec.id != spec.id.strip().lower() or " " in spec.id:
        raise ValueError(f"a letter kind id is lower-case without spaces, not {spec.id!r}")
    with _lock:
        _registry[spec.id] = spec
    return spec


def unregister(kind_id: str) -> None:
    with _lock:
        if any(k.id == kind_id for k in BUILTIN):
            raise ValueError(f"{kind_id} is a built-in letter kind")
        _registry.pop(kind_id, None)


def all_kinds() -> tuple[KindSpec, ...]:
    """Every kind, in declaration order (built-ins first)."""
    return tuple(_registry.values())


def kind_ids() -> tuple[str, ...]:
    return tuple(_registry)


def find(kind_id: str) -> KindSpec | None:
    return _registry.get(str(kind_id))


def get(kind_id: str) -> KindSpec:
    """The kind called ``kind_id``; raise a :class:`LetterError` naming the known ones."""
    spec = _registry.get(str(kind_id))
    if spec is None:
        from muse_care.letters.errors import LetterError

        raise LetterError("kind", f"unknown letter kind '{kind_id}'; use one of: " + ", ".join(_registry))
    return spec


def title(kind_id: str) -> str:
    spec = _registry.get(str(kind_id))
    return spec.title if spec else str(kind_id)


class _Titles(Mapping[str, str]):
    """``{kind id: title}`` over the live registry (for code that wants a mapping)."""

    def __getitem__(self, key: str) -> str:
        return get(str(key)).title

    def __iter__(self) -> Iterator[str]:
        return iter(kind_ids())

    def __len__(self) -> int:
        return len(_registry)


TITLES: Mapping[str, str] = _Titles()
