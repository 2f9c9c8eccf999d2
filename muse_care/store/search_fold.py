"""Accent-insensitive search: one folding, written twice in the same terms, for the
text the queue's search indexes (SQL, in the search triggers and index of migration
0011) and for what the agent types (Python, in ``services/queue.py``), so "zolc" finds
"Żółć" on SQLite FTS5 and on PostgreSQL.

SQLite's FTS5 tokenizer (``unicode61 remove_diacritics 2``) already drops the accents
that Unicode decomposes (ż, ó, ć); letters with no decomposition (ł, ø, đ, ß…) are
replaced before indexing. PostgreSQL's 'simple' configuration folds nothing: the index
expression ``translate``s every decomposable Latin letter and replaces the others.
"""

from __future__ import annotations

import unicodedata

# Latin letters Unicode does not decompose, and what a person types for them.
SPECIAL = {"ł": "l", "đ": "d", "ħ": "h", "ı": "i", "ø": "o", "ŧ": "t", "ŀ": "l", "ß": "ss", "æ": "ae",
           "œ": "oe", "þ": "th", "ð": "d"}


def fold(text: str) -> str:
    """Lower case, accents dropped, the special letters spelt out."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(SPECIAL.get(ch, ch) for ch in plain)


def _translate_pairs() -> tuple[str, str]:
    src, dst = [], []
    for code in range(0x00C0, 0x0250):
        ch = chr(code)
        low = ch.lower()
        if low != ch or low in src:
            continue
        base = fold(low)
        if len(base) == 1 and base.isascii() and base != low:
            src.append(low)
            dst.append(base)
    return "".join(src), "".join(dst)


def sql_fold(expr: str, dialect: str) -> str:
    """``expr`` folded in SQL as :func:`fold` folds it in Python."""
    out = f"lower({expr})"
    if dialect == "postgresql":
        src, dst = _translate_pairs()
        out = f"translate({out}, '{src}', '{dst}')"
    for letter, spelt in SPECIAL.items():
        out = f"replace({out}, '{letter}', '{spelt}')"
        if dialect == "sqlite" and letter.upper() != letter:  # SQLite's lower() is ASCII only
            out = f"replace({out}, '{letter.upper()}', '{spelt}')"
    return out


SEARCH_COLUMNS = ("reference", "requester_name", "requester_email", "requester_phone", "postcode")


def pg_search_document() -> str:
    return "to_tsvector('simple', " + sql_fold(" || ' ' || ".join(SEARCH_COLUMNS), "postgresql") + ")"
