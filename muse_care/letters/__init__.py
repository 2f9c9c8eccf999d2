"""Printed letters: kinds, templates, window-envelope layouts, fonts, print runs.

Pure: no Qt, no database. The data types import nothing heavy; reportlab, pypdf and pikepdf are
imported only when a letter is rendered (``render_letter`` and friends are looked up
lazily), so screens that merely build a :class:`LetterRequest` start fast.

    render_letter(req: LetterRequest) -> RenderedLetter
    render_letters(requests: Sequence[LetterRequest], workers=None) -> list[RenderedLetter]
    render_each(requests: Sequence[LetterRequest], workers=None) -> list[RenderedLetter | LetterError]
    render_print_run(letters: Sequence[RenderedLetter], run_date: date,
                     organisation: OrganisationProfile) -> bytes
    encrypt_pdf(pdf: bytes, password: str) -> bytes
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from muse_care.letters.errors import (
    AddressDoesNotFit,
    LetterError,
    MissingField,
    TemplateError,
    UnprintableText,
)
from muse_care.letters.model import (
    KIND_FIELDS,
    Layout,
    LetterKind,
    LetterRequest,
    PostalAddress,
    RenderedLetter,
)

if TYPE_CHECKING:
    from muse_care.letters.batch import encrypt_pdf, render_each, render_letters, render_print_run
    from muse_care.letters.render import render_letter

__all__ = [
    "KIND_FIELDS",
    "AddressDoesNotFit",
    "Layout",
    "LetterError",
    "LetterKind",
    "LetterRequest",
    "MissingField",
    "PostalAddress",
    "RenderedLetter",
    "TemplateError",
    "UnprintableText",
    "encrypt_pdf",
    "render_each",
    "render_letter",
    "render_letters",
    "render_print_run",
]

_LAZY = {
    "render_letter": "muse_care.letters.render",
    "render_print_run": "muse_care.letters.batch",
    "render_letters": "muse_care.letters.batch",
    "render_each": "muse_care.letters.batch",
    "encrypt_pdf": "muse_care.letters.batch",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'muse_care.letters' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
