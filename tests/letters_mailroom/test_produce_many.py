"""Many letters produced again at once (issue 16): rendered by worker processes started
once and reused, each stored with its own case, and a letter that cannot be made named
with its case while the others are made. Real databases, real PDFs read back."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import text

from muse_care.letters import batch
from muse_care.services import letters

from test_mailroom import move, postal_case


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_stopped_letters_are_produced_again_together_by_worker_processes(register) -> None:  # noqa: ANN001
    streets = ["Ahornweg", "Birkenweg", "Eichenweg", "Lindenweg", "Ulmenweg", "Weidenweg"]
    views = [postal_case(register, name=f"Person {i} Müller") for i in range(len(streets))]
    old = [letters.produce_letter(register, v.reference, "acknowledgement") for v in views]
    for view, street in zip(views, streets):
        move(register, view, address_lines=(f"{street} 7",))
    # One case's name now holds a character no shipped font prints (written past intake).
    bad = views[2]
    with register.unit_of_work() as session:
        session.execute(text("UPDATE cases SET requester_name = :n WHERE reference = :r"),
                        {"n": "Person 2 \U0001F600 Müller", "r": bad.reference})
    stopped = letters.stopped_letters(register, [x.id for x in old])
    assert [s[0] for s in stopped] == [x.id for x in old]
    assert all("address line 1 was 'Schloßallee 12'" in s[2] for s in stopped)

    made = letters.produce_again_many(register, [x.id for x in old], workers=2)
    first_pool = batch._pool
    assert first_pool is not None, "rendered by worker processes"
    # The one that cannot print is named with its case and field; the others are made.
    assert [(f[0], f[1]) for f in made.failed] == [(old[2].id, bad.reference)]
    assert "recipient name" in made.failed[0][2] and "U+1F600" in made.failed[0][2]
    assert [o for o, _ in made.letters] == [x.id for i, x in enumerate(old) if i != 2]
    for (old_id, info), view, street in zip(made.letters, [v for i, v in enumerate(views) if i != 2],
                                            [s for i, s in enumerate(streets) if i != 2]):
        assert info.case_id == view.id and info.reference == view.reference
        pdf = letters.letter_pdf(register, info.id)  # checked: hash, address, not superseded
        body = _text(pdf)
        assert f"{street} 7" in body and view.reference in body and view.requester.name in body
        others = [s for s in streets if s != street] + [v.reference for v in views if v.id != view.id]
        assert not [o for o in others if o in body], (view.reference, [o for o in others if o in body])
        replaced = [x for x in letters.list_letters(register, view.reference) if x.id == old_id][0]
        assert replaced.superseded_by == info.id
    # The bad one stays as it was: stopped, not superseded.
    assert [x.superseded_by for x in letters.list_letters(register, bad.reference)] == [None]

    # A second batch reuses the same worker processes.
    again = letters.produce_again_many(register, [info.id for _, info in made.letters], workers=2)
    assert batch._pool is first_pool
    assert len(again.letters) == 5 and not again.failed


def test_a_letter_that_cannot_be_found_is_named_and_the_rest_made(register) -> None:  # noqa: ANN001
    view = postal_case(register)
    info = letters.produce_letter(register, view.reference, "acknowledgement")
    made = letters.produce_again_many(register, [info.id, 99999], workers=1)
    assert [o for o, _ in made.letters] == [info.id]
    assert made.failed == ((99999, "?", "no letter 99999"),)
