"""Why a letter could not be printed, in words the agent can act on."""

from __future__ import annotations

from muse_care.domain.errors import MuseCareError, ValidationError


class LetterError(ValidationError):
    """A letter that cannot be produced as asked; names the field at fault."""


class MissingField(LetterError):
    """A named field the letter kind needs was not filled in."""


class UnprintableText(LetterError):
    """A character no shipped font can draw: the letter stops rather than print it wrong."""


class AddressDoesNotFit(LetterError):
    """The address needs more lines or width than the envelope window allows."""


class TemplateError(MuseCareError):
    """A letter template in resources/letters is malformed (names the file and line)."""
