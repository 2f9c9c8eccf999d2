"""User text inside messages: control characters escaped, cut to a readable length.

Every message that repeats what someone typed (or what a file or the database held)
shows it through :func:`shown`, so a terminal escape sequence cannot recolour or rewrite
the screen, and a 100,000-character input does not fill it. See docs/security.md,
"Input".
"""

from __future__ import annotations

import unicodedata

LIMIT = 80


def shown(value: object, limit: int = LIMIT) -> str:
    """``value`` as text with control and format characters escaped (``\\x1b``,
    ``\\u200b``), cut to ``limit`` characters with an ellipsis."""
    text = str(value)
    out: list[str] = []
    length = 0
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Zl", "Zp") or (cat == "Zs" and ch != " "):
            code = ord(ch)
            piece = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
        else:
            piece = ch
        if length + len(piece) > limit:
            out.append("…")
            break
        out.append(piece)
        length += len(piece)
    return "".join(out)


def invisible_only(value: str) -> bool:
    """True when ``value`` has characters but none that can be seen (only spaces,
    zero-width and other format characters)."""
    if not value:
        return False
    for ch in value:
        cat = unicodedata.category(ch)
        if not (ch.isspace() or cat in ("Cf", "Cc", "Zs", "Zl", "Zp", "Mn", "Me")):
            return False
    return True
