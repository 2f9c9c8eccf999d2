"""User text is never markup, never opens a file, never prints wrong and never escapes
the envelope window."""

from __future__ import annotations

import io
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from muse_care.letters import templates
from muse_care.letters.errors import AddressDoesNotFit, LetterError, MissingField, TemplateError, UnprintableText
from muse_care.letters.model import KIND_FIELDS, Layout, LetterKind, PostalAddress
from muse_care.letters.render import render_letter
from muse_care.letters.resources import resources_dir
from muse_care.letters.samples import sample_request
from pdf_probe import all_text, norm


def _attacks(tmp_path: Path) -> list[str]:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-CONTENTS")
    image = tmp_path / "pixel.png"
    # A valid 1x1 PNG: if reportlab ever honoured <img>, it would embed it.
    image.write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002"
            "0001e221bc330000000049454e44ae426082"
        )
    )
    return [
        "a<b",
        f'<img src="{image}" width="50" height="50"/>',
        "&amp; &lt; &#65;",
        '<font name="Helvetica" color="red">x</font>',
        f'<link href="file://{secret}">y</link>',
        f'<a href="file://{secret}">z</a>',
        "<br/><para>",
        "]]> <![CDATA[ c ]]>",
        "<b>bold</b> <onDraw name=x/>",
        "x > y & z",
    ]


def _opened_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []
    import reportlab.lib.utils as rl_utils

    real = rl_utils.open_for_read

    def spy(name: object, *args: object, **kwargs: object) -> object:
        opened.append(str(name))
        return real(name, *args, **kwargs)

    monkeypatch.setattr(rl_utils, "open_for_read", spy)
    return opened


@pytest.mark.parametrize("layout", [Layout.DIN5008_B, Layout.UK])
def test_markup_in_every_user_field_prints_literally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: Layout
) -> None:
    opened = _opened_files(monkeypatch)
    attacks = _attacks(tmp_path)
    for kind in LetterKind:
        base = sample_request(kind, layout, "uk")
        spec = KIND_FIELDS[kind]
        for attack in attacks:
            fields = {name: f"{value} {attack}" for name, value in base.fields.items()}
            for optional in spec.optional:
                fields.setdefault(optional, attack)
            req = replace(
                base,
                reference=f"REF {attack}"[:40],
                recipient=PostalAddress(
                    name=f"N {attack}"[:40], lines=(f"L {attack}"[:40],), city="London", postcode="SW1A 1AA",
                    country="GB",
                ),
                fields=fields,
                enclosures=(f"E {attack}",) if base.enclosures or kind == LetterKind.ACCESS_RESPONSE else (),
            )
            pdf = render_letter(req).pdf
            text = all_text(pdf)
            assert norm(attack) in text, (kind, attack)
            assert "TOPSECRET" not in text
            reader = PdfReader(io.BytesIO(pdf))
            for page in reader.pages:
                assert not page.images, (kind, attack)
                assert "/Annots" not in page, (kind, attack)  # no <link>/<a> became a link
    # Fonts are read at registration, before this test; nothing else is opened.
    assert not any("secret" in name or "pixel" in name for name in opened), opened


@pytest.mark.parametrize(
    ("where", "make"),
    [
        ("recipient name", lambda r: replace(r, recipient=replace(r.recipient, name="Joe \U0001f600"))),
        ("address line 2", lambda r: replace(r, recipient=replace(r.recipient, lines=("Flat 2", "\U00013000 Way")))),
        ("recipient city", lambda r: replace(r, recipient=replace(r.recipient, city="Lon\U0001f3f0don"))),
        ("rights", lambda r: replace(r, fields={**r.fields, "rights": "access \U0001f600"})),
        ("reference", lambda r: replace(r, reference="MC-\U0001f600")),
        ("enclosure 1", lambda r: replace(r, enclosures=("Photo \U0001f4f7",))),
    ],
)
def test_unprintable_character_stops_the_letter(where: str, make: object) -> None:
    req = make(sample_request(LetterKind.ACKNOWLEDGEMENT, Layout.UK, "uk"))  # type: ignore[operator]
    with pytest.raises(UnprintableText) as err:
        render_letter(req)
    assert err.value.field == where
    assert "cannot print U+" in str(err.value)
    assert "in any shipped font" in str(err.value)


def test_unprintable_message_names_character() -> None:
    req = sample_request(LetterKind.ACKNOWLEDGEMENT, Layout.UK, "uk")
    req = replace(req, recipient=replace(req.recipient, name="Joe \U0001f600"))
    with pytest.raises(UnprintableText, match=r"^recipient name: cannot print U\+1F600 \U0001f600"):
        render_letter(req)


def test_control_character_is_refused() -> None:
    req = sample_request(LetterKind.ACKNOWLEDGEMENT, Layout.UK, "uk")
    req = replace(req, recipient=replace(req.recipient, name="Joe\x07Bloggs"))
    with pytest.raises(UnprintableText, match="control character U\\+0007"):
        render_letter(req)


def test_latin_extended_prints_exactly() -> None:
    req = sample_request(LetterKind.CLOSING, Layout.DIN5008_B, "de")
    req = replace(req, recipient=replace(req.recipient, name="Łukasz Żółć-Ærøskøbing Œuvre Ğİş"))
    assert "Łukasz Żółć-Ærøskøbing Œuvre Ğİş" in all_text(render_letter(req).pdf)


@pytest.mark.parametrize("layout", list(Layout))
def test_too_many_address_lines_is_an_error(layout: Layout) -> None:
    req = sample_request(LetterKind.ACKNOWLEDGEMENT, layout, "uk")
    lines = tuple(f"Line {i}" for i in range(9))
    req = replace(req, recipient=replace(req.recipient, lines=lines))
    with pytest.raises(AddressDoesNotFit, match="envelope window"):
        render_letter(req)


@pytest.mark.parametrize("layout", list(Layout))
def test_too_wide_address_is_an_error(layout: Layout) -> None:
    req = sample_request(LetterKind.ACKNOWLEDGEMENT, layout, "uk")
    req = replace(req, recipient=replace(req.recipient, lines=("W" * 60,)))
    with pytest.raises(AddressDoesNotFit, match="address line 1"):
        render_letter(req)


def test_a_long_but_fitting_address_shrinks_rather_than_fails() -> None:
    req = sample_request(LetterKind.ACKNOWLEDGEMENT, Layout.DIN5008_B, "uk")
    req = replace(req, recipient=replace(req.recipient, lines=("Flat 2", "Abbey House", "14 Abbey Road")))
    assert render_letter(req).page_count == 1


@pytest.mark.parametrize("kind", list(LetterKind))
def test_missing_required_field_is_named(kind: LetterKind) -> None:
    req = sample_request(kind, Layout.UK, "uk")
    for name in KIND_FIELDS[kind].required:
        fields = {k: v for k, v in req.fields.items() if k != name}
        with pytest.raises(MissingField) as err:
            render_letter(replace(req, fields=fields))
        assert err.value.field == name


def test_retained_data_needs_a_legal_basis() -> None:
    req = sample_request(LetterKind.ERASURE_DONE, Layout.UK, "uk")
    fields = {k: v for k, v in req.fields.items() if k != "legal_basis"}
    with pytest.raises(MissingField, match="legal_basis"):
        render_letter(replace(req, fields=fields))


def test_access_response_needs_enclosures_and_unknown_fields_are_refused() -> None:
    req = sample_request(LetterKind.ACCESS_RESPONSE, Layout.UK, "uk")
    with pytest.raises(MissingField, match="enclosures"):
        render_letter(replace(req, enclosures=()))
    with pytest.raises(LetterError, match="due_dat"):
        render_letter(replace(req, fields={**req.fields, "due_dat": "x"}))


def test_erasure_without_retained_data_omits_that_section() -> None:
    req = sample_request(LetterKind.ERASURE_DONE, Layout.UK, "uk")
    fields = {k: v for k, v in req.fields.items() if k not in ("retained", "legal_basis")}
    text = all_text(render_letter(replace(req, fields=fields)).pdf)
    assert "had to keep" not in text and "Article 19" in text


@pytest.fixture()
def own_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(resources_dir() / "letters", tmp_path / "letters")
    (tmp_path / "fonts").symlink_to(resources_dir() / "fonts")
    monkeypatch.setenv("MUSE_CARE_RESOURCES", str(tmp_path))
    return tmp_path / "letters"


def test_edited_template_is_used(own_resources: Path) -> None:
    path = own_resources / "closing.txt"
    path.write_text(path.read_text().replace("We have now closed your request.", "Edited by the team {{ok}}."))
    text = all_text(render_letter(sample_request(LetterKind.CLOSING, Layout.UK, "uk")).pdf)
    assert "Edited by the team {ok}." in text


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("{outcome}", "{outcom}"), r"closing.txt line \d+: unknown placeholder \{outcom\}"),
        (lambda t: t.replace("{org.email}", "{org.mail}"), r"no organisation setting \{org.mail\}"),
        (lambda t: t.replace("Subject:", "Subjekt:"), "closing.txt line 1"),
        (lambda t: t + "\n[[art16]]\n", "unknown marker"),
        (lambda t: t + "\nA lone { brace\n", "lone"),
        (lambda t: t + "\n[if nothing]\nText\n", "names no field"),
    ],
)
def test_broken_template_is_reported_with_file_and_line(own_resources: Path, edit: object, message: str) -> None:
    path = own_resources / "closing.txt"
    path.write_text(edit(path.read_text()))  # type: ignore[operator]
    with pytest.raises(TemplateError, match=message):
        render_letter(sample_request(LetterKind.CLOSING, Layout.UK, "uk"))


def test_every_shipped_template_is_valid() -> None:
    for kind in LetterKind:
        templates.load_kind(kind)


_PRINTABLE = st.text(
    alphabet=st.characters(
        codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters="\u2028\u2029"
    ),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=_PRINTABLE)
def test_any_name_prints_literally_or_is_refused_by_name(name: str) -> None:
    req = sample_request(LetterKind.ACKNOWLEDGEMENT, Layout.UK, "uk")
    req = replace(req, recipient=replace(req.recipient, name=name))
    try:
        letter = render_letter(req)
    except UnprintableText as err:
        assert err.field == "recipient name"
        return
    except AddressDoesNotFit:
        return
    if not any("\u0590" <= c <= "\u08ff" or "\ufb1d" <= c <= "\ufeff" for c in name):
        # Left-to-right text must read back exactly (right-to-left is reordered by bidi).
        assert norm(name) in all_text(letter.pdf)
