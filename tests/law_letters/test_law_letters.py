"""Issue 10, items 8-11: the requester's own law and authority, each regime's letters in
its own words, Art. 19 recipients, and several requests from one person. Driven through
the services and the CLI; every letter is a real PDF read back with pdftotext."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest

from muse_care.cli.main import main
from muse_care.services import cases, letters
from muse_care.services.cases import CaseDraft
from muse_care.services.settings import set_setting


def run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def pdftotext(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(out.stdout.split())  # one line: sentences wrap in the PDF


def letter_text(register, ref: str, kind: str, tmp_path: Path, **kw) -> str:  # noqa: ANN001
    info = letters.produce_letter(register, ref, kind, **kw)
    path = tmp_path / f"{kind}-{info.id}.pdf"
    path.write_bytes(letters.letter_pdf(register, info.id))
    return pdftotext(path)


def german(register, **kw):  # noqa: ANN001, ANN201
    set_setting(register, "four_eyes", False)
    base = dict(name="Jürgen Müller", rights=["access"], channel="post", received=date(2026, 11, 2),
                address_lines=["Marienplatz 8"], city="München", postcode="80331", country="DE")
    base.update(kw)
    return cases.add_case(register, CaseDraft(**base))


# --- 8: regime and authority from the requester ---------------------------------------

def test_a_german_requester_gets_eu_gdpr_with_the_holidays_of_their_land(register) -> None:
    view = german(register)
    assert (view.regime, view.holiday_region) == ("eu-gdpr", "DE-BY")
    # 6 Jan (Epiphany) is a holiday in Bavaria, not in Berlin: received Sat 6 Dec 2025 →
    # Tue 6 Jan 2026 → Wed 7 Jan in Munich; a Berlin requester's falls due on the 6th
    view = german(register, received=date(2025, 12, 6))
    assert view.due_date == date(2026, 1, 7), view.due_explained
    berlin = german(register, received=date(2025, 12, 6), postcode="10115", city="Berlin")
    assert berlin.due_date == date(2026, 1, 6), berlin.due_explained


@pytest.mark.parametrize(("country", "postcode", "regime", "region"), [
    ("GB", "EH1 1YZ", "uk-gdpr", "GB-SCT"),
    ("GB", "G2 1DY", "uk-gdpr", "GB-SCT"),
    ("GB", "BT1 5GS", "uk-gdpr", "GB-NIR"),
    ("GB", "SW1A 2AA", "uk-gdpr", "GB-ENG"),
    ("GB", "CF10 1EP", "uk-gdpr", "GB-ENG"),   # Wales: England & Wales bank holidays
    ("GB", "GL1 1AA", "uk-gdpr", "GB-ENG"),    # G followed by a letter is Gloucester, not Glasgow
    ("FR", "75007", "eu-gdpr", "FR"),
    ("NO", "0150", "eu-gdpr", "NO"),
    ("DE", "10115", "eu-gdpr", "DE-BE"),
])
def test_regime_and_holidays_follow_the_address(register, country, postcode, regime, region) -> None:
    view = cases.add_case(register, CaseDraft(name="A Person", rights=["access"], channel="email",
                                              email="a@example.com", received=date(2026, 11, 2),
                                              country=country, postcode=postcode))
    assert (view.regime, view.holiday_region) == (regime, region)


def test_another_regime_than_the_addresss_needs_a_reason_and_it_is_in_the_history(register) -> None:
    draft = dict(name="A Person", rights=["access"], channel="email", email="a@example.com",
                 received=date(2026, 11, 2), country="DE", postcode="80331", regime="uk-gdpr")
    with pytest.raises(cases.InvalidInput) as err:
        cases.add_case(register, CaseDraft(**draft))
    assert "regime_reason" in err.value.problems
    view = cases.add_case(register, CaseDraft(**draft, regime_reason="lives in London, German address is old"))
    assert view.regime == "uk-gdpr"
    assert any(h.what == "regime reason" and "German address is old" in h.new for h in view.history)
    # and afterwards, changed again with a reason
    changed = cases.change_regime(register, view.reference, "eu-gdpr", "", "confirmed: lives in Munich")
    assert (changed.regime, changed.holiday_region) == ("eu-gdpr", "DE-BY")
    assert any(h.what == "regime" and h.old == "uk-gdpr" and h.new == "eu-gdpr" for h in changed.history)
    assert any(h.what == "regime reason" and "lives in Munich" in h.new for h in changed.history)


def test_every_eu_and_eea_state_and_every_land_has_its_authority() -> None:
    from muse_care.domain import authorities as A
    from muse_care.domain.regimes import EU_MEMBER_STATES

    for code in (*EU_MEMBER_STATES, "IS", "LI", "NO", "GB"):
        a = A.authority_for(code)
        assert a is not None and a.name and a.address_lines and a.website, code
    by_postcode = {"10115": "BE", "80331": "BY", "91522": "BY", "20095": "HH", "28195": "HB", "27568": "HB",
                   "01067": "SN", "04109": "SN", "99084": "TH", "39104": "ST", "19053": "MV", "14467": "BB",
                   "24103": "SH", "30159": "NI", "40213": "NW", "65183": "HE", "55116": "RP",
                   "66111": "SL", "70173": "BW", "63739": "BY", "68159": "BW", "89231": "BY"}
    for postcode, land in by_postcode.items():
        assert A.german_land(postcode) == land, postcode
    assert len({A.authority_for("DE", postcode=p).name for p in by_postcode}) == 16
    assert "Ansbach" in " ".join(A.authority_for("DE", postcode="80331").address_lines)
    assert A.german_land("12345", region="Bayern") == "BY"  # the region field wins


def test_a_german_refusal_cites_the_eu_gdpr_and_names_the_authority_of_the_land(
        capsys, sqlite_url, tmp_path) -> None:
    code, out, err = run(capsys, sqlite_url, "case", "add", "--right", "access", "--channel", "post",
                         "--received", "2026-11-02", "--name", "Jürgen Müller", "--address-line",
                         "Marienplatz 8", "--city", "München", "--postcode", "80331", "--country", "DE",
                         "--json")
    assert code == 0, err
    ref = json.loads(out)["reference"]
    assert json.loads(out)["regime"] == "eu-gdpr"
    code, out, err = run(capsys, sqlite_url, "case", "status", ref, "refused", "--reason",
                         "manifestly excessive: the fifth identical request this month")
    assert code == 0, err
    pdf = tmp_path / "refusal.pdf"
    code, out, err = run(capsys, sqlite_url, "letter", ref, "--kind", "refusal", "-o", str(pdf))
    assert code == 0, err
    text = pdftotext(pdf)
    assert "Article 12(5) of the General Data Protection Regulation (EU) 2016/679" in text
    assert "UK GDPR" not in text and "ICO" not in text
    assert "Bayerisches Landesamt für Datenschutzaufsicht" in text and "Ansbach" in text
    assert "Garante per la protezione dei dati personali" in text  # the lead authority too
    assert "Article 77" in text


# --- 9: CCPA letters speak the CCPA ----------------------------------------------------

def californian(register, **kw):  # noqa: ANN001, ANN201
    set_setting(register, "four_eyes", False)
    base = dict(name="Maria Lopez", rights=["access"], channel="post", received=date(2026, 11, 2),
                address_lines=["1 Market St"], city="San Francisco", region="CA", postcode="94105",
                country="US")
    base.update(kw)
    return cases.add_case(register, CaseDraft(**base))


def test_a_ccpa_acknowledgement_says_45_days_and_the_ccpa_rights(register, tmp_path) -> None:
    view = californian(register)
    assert view.regime == "ccpa"
    text = letter_text(register, view.reference, "acknowledgement", tmp_path, layout="us10")
    assert "45 calendar days" in text
    assert "one month" not in text and "two further months" not in text
    assert "once by up to a further 45 calendar days" in text
    for words in ("categories", "specific pieces", "delete", "correct", "opt out of the sale or sharing",
                  "limit the use", "sensitive personal information", "discriminate", "authorized agent"):
        assert words in text, words
    assert "Garante" not in text and "ICO" not in text and "GDPR" not in text


def test_a_ccpa_refusal_cites_the_ccpa_and_the_cppa(register, tmp_path) -> None:
    view = californian(register)
    cases.change_status(register, view.reference, "refused", "manifestly unfounded: not our customer")
    text = letter_text(register, view.reference, "refusal", tmp_path, layout="us10")
    assert "1798.145(h)(3)" in text and "California Privacy Protection Agency" in text
    assert "GDPR" not in text and "Garante" not in text and "ICO" not in text


def test_a_uk_extension_speaks_uk_gdpr(register, tmp_path) -> None:
    set_setting(register, "four_eyes", False)
    view = cases.add_case(register, CaseDraft(
        name="Jane Smith", rights=["access"], channel="post", received=date(2026, 11, 2),
        address_lines=["10 Downing Street"], city="London", postcode="SW1A 2AA", country="GB"))
    cases.record_event(register, view.reference, "extended", date(2026, 11, 20), "complex: twelve years")
    text = letter_text(register, view.reference, "extension", tmp_path, layout="uk")
    assert "two further months" in text and "Information Commissioner" in text
    assert "Wilmslow" in text and "Garante" not in text


# --- 10: Art. 19 recipients ------------------------------------------------------------

def test_an_erasure_cannot_be_responded_until_every_recipient_is_settled(register, tmp_path) -> None:
    from muse_care.services import recipients

    view = cases.add_case(register, CaseDraft(
        name="Jane Smith", rights=["erasure"], channel="post", received=date(2026, 11, 2),
        address_lines=["10 Downing Street"], city="London", postcode="SW1A 2AA", country="GB"))
    for check in view.checks:
        cases.record_check(register, view.reference, check.step, "passed")
    listed = recipients.list_recipients(register, view.reference)
    names = [r.name for r in listed]
    assert {"DHL", "FedEx", "TCS"} <= set(names) and len(names) > 3
    assert all(r.state == "pending" for r in listed)
    with pytest.raises(Exception, match="DHL"):
        cases.change_status(register, view.reference, "responded")
    for r in listed:
        if r.name == "TCS":
            recipients.mark_not_possible(register, view.reference, r.name,
                                         "no shipment ever went through TCS: nothing disclosed")
        else:
            recipients.mark_told(register, view.reference, r.name, date(2026, 11, 20), "email")
    settled = recipients.list_recipients(register, view.reference)
    dhl = next(r for r in settled if r.name == "DHL")
    assert (dhl.state, dhl.on, dhl.method, dhl.by) == ("told", date(2026, 11, 20), "email", "aisha")
    history = cases.get_case(register, view.reference).history
    assert any(h.what == "recipient:DHL" and "told" in h.new for h in history)
    assert any(h.what == "recipient:TCS" and "not possible" in h.new for h in history)
    text = letter_text(register, view.reference, "erasure-done", tmp_path, layout="uk",
                       fields={"outcome": "We have deleted your account and order history."})
    assert "DHL" in text and "FedEx" in text
    from tests.responded_support import send_reply, settle_tasks

    settle_tasks(register, view.reference)
    send_reply(register, view.reference, letters.list_letters(register, view.reference)[-1].id)
    cases.change_status(register, view.reference, "responded")


def test_recipients_through_the_cli(capsys, sqlite_url) -> None:
    code, out, err = run(capsys, sqlite_url, "case", "add", "--right", "rectification", "--channel", "email",
                         "--received", "2026-11-02", "--name", "Jane Smith", "--email", "jane@example.com",
                         "--country", "GB", "--json")
    assert code == 0, err
    ref = json.loads(out)["reference"]
    code, out, err = run(capsys, sqlite_url, "case", "recipients", ref)
    assert code == 0, err
    assert "DHL" in out and "pending" in out
    code, out, err = run(capsys, sqlite_url, "case", "recipient", ref, "DHL", "told", "--on", "2026-11-20",
                         "--method", "email")
    assert code == 0, err
    code, out, err = run(capsys, sqlite_url, "case", "recipient", ref, "FedEx", "not-possible")
    assert code == 2 and "reason" in err
    code, out, err = run(capsys, sqlite_url, "case", "recipients", ref, "--json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["DHL"]["state"] == "told" and rows["DHL"]["method"] == "email"


# --- 11: several requests from one person ----------------------------------------------

def test_requests_from_one_person_are_linked_and_named_in_the_letters(register, tmp_path) -> None:
    set_setting(register, "four_eyes", False)
    base = dict(name="Jane Smith", rights=["access"], channel="post", received=date(2026, 11, 2),
                address_lines=["10 Downing Street"], city="London", postcode="SW1A 2AA", country="GB",
                email="jane@example.com")
    first = cases.add_case(register, CaseDraft(**base))
    second = cases.add_case(register, CaseDraft(**{**base, "email": "", "phone": "020 7946 0000",
                                                   "account_ref": "ACC-1"}))
    third = cases.add_case(register, CaseDraft(**{**base, "received": date(2026, 11, 10),
                                                  "phone": "020 7946 0000"}))
    other = cases.add_case(register, CaseDraft(**{**base, "name": "Bob", "email": "bob@example.com"}))
    linked = {c.reference for c in cases.linked_cases(register, third.reference)}
    assert linked == {first.reference, second.reference}
    assert other.reference not in {c.reference for c in cases.linked_cases(register, first.reference)}
    cases.record_event(register, third.reference, "extended", date(2026, 11, 20),
                       "several requests from you that we are dealing with together")
    text = letter_text(register, third.reference, "extension", tmp_path, layout="uk")
    assert first.reference in text and second.reference in text
    cases.change_status(register, third.reference, "refused", "repeated request: the same as an earlier one")
    text = letter_text(register, third.reference, "refusal", tmp_path, layout="uk")
    assert first.reference in text and second.reference in text and "repeats your earlier requests" in text
    text = letter_text(register, first.reference, "acknowledgement", tmp_path, layout="uk")
    assert third.reference not in text  # only the letters that rely on them name them


def test_case_show_lists_the_linked_requests(capsys, sqlite_url) -> None:
    refs = []
    for _ in range(2):
        code, out, err = run(capsys, sqlite_url, "case", "add", "--right", "access", "--channel", "email",
                             "--received", "2026-11-02", "--name", "Jane Smith", "--email", "jane@example.com",
                             "--country", "GB", "--json")
        assert code == 0, err
        refs.append(json.loads(out)["reference"])
    code, out, err = run(capsys, sqlite_url, "case", "show", refs[0])
    assert code == 0 and refs[1] in out and "linked" in out
    code, out, err = run(capsys, sqlite_url, "case", "show", refs[0], "--json")
    assert [c["reference"] for c in json.loads(out)["linked_cases"]] == [refs[1]]
