"""Will this address print? Asked at intake, while the caller is on the line.

:func:`address_problem` places the address exactly as a letter would (the destination's
format, every part, the smallest type the window allows) and, if it does not fit or a
character cannot print, says which part is at fault in words the agent can act on.
See docs/letters.md, "Address capacity".
"""

from __future__ import annotations

from muse_care.letters.errors import LetterError
from muse_care.letters.model import LAYOUTS, PostalAddress

# Which intake field each printed part comes from.
_FIELD_OF = {"recipient name": "name", "recipient city": "city", "recipient postcode": "postcode",
             "recipient region": "region", "recipient country": "country"}


def field_of(label: str) -> str:
    first = label.split(" and ")[0]
    if first.startswith("address line"):
        return "address_lines"
    return _FIELD_OF.get(first, "address_lines")


def address_problem(address: PostalAddress, layout: str, sender_country: str) -> tuple[str, str] | None:
    """``(intake field, message)`` if a letter to ``address`` in ``layout`` cannot be
    printed, else None."""
    from muse_care.letters import fonts
    from muse_care.letters.address import address_lines
    from muse_care.letters.layouts import MIN_ADDRESS_PT, geometry, line_capacity
    from muse_care.letters.model import Layout
    from muse_care.letters.render import layout_address

    try:
        fonts.faces()
        lines = [(label, fonts.prepare(text, label)) for label, text in address_lines(address, sender_country)]
    except LetterError as exc:
        return field_of(exc.field), exc.message
    geo = geometry(Layout(layout))
    try:
        layout_address(lines, geo)
        return None
    except LetterError:
        pass
    title = LAYOUTS[layout].title
    room = geo.address_box.w - 1.5
    for label, text in lines:
        width = fonts.text_width(text, MIN_ADDRESS_PT) / (72 / 25.4)
        if width > room:
            what = label.split(" and ")[0]
            return field_of(label), (f"{what} is {width:.0f} mm wide even in the smallest type; the "
                                     f"{title} holds {room:.0f} mm: shorten it")
    capacity = line_capacity(layout)
    return "address_lines", (f"the letter's address takes {len(lines)} lines (with the name, town and country); "
                             f"the {title} holds {capacity}: combine address lines")
