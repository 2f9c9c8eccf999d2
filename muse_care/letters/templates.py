"""Letter texts: parsed from ``resources/letters/<kind>.txt`` and filled in.

The format is described in ``resources/letters/README.md``. In short: a header of
``Key: value`` lines (``Subject:`` required, ``Salutation:`` and ``Sign-off:``
optional), a blank line, then blocks separated by blank lines: ``## `` heading,
``- `` bullets, ``[[art15]]`` (the Art. 15 information, from ``_art15.txt``),
``[if field]`` / ``[unless field]`` guards, and paragraphs.
``{field}`` and ``{org.attribute}`` are placeholders; ``{{`` and ``}}`` are braces.

Filling in produces :class:`Block` objects whose text is already Paragraph markup,
built by :func:`muse_care.letters.fonts.markup` from plain text: every character of
template and field alike is escaped, so neither can inject markup.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from muse_care.domain.organisation import OrganisationProfile, join_and
from muse_care.letters.errors import TemplateError
from muse_care.letters.fonts import markup, prepare
from muse_care.letters import kinds
from muse_care.letters.law import LAW_FIELDS, LAW_LISTS
from muse_care.letters.model import COMMON_FIELDS, KIND_FIELDS
from muse_care.letters.resources import letters_dir

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?)\}|[{}]")
_GUARD = re.compile(r"^\[(if|unless) ((?:law\.)?[a-z_][a-z0-9_]*)\]$")
_HEADER_KEYS = {"subject": "Subject", "salutation": "Salutation", "sign-off": "Sign-off"}
_ORG_NAMES = frozenset(f.name for f in fields(OrganisationProfile)) | {"joint_controllers_text"}
_INCLUDES = {"art15": "_art15.txt"}


@dataclass(frozen=True)
class RawBlock:
    kind: str  # "heading" | "paragraph" | "bullets" | "include"
    lines: tuple[str, ...]
    guard: tuple[str, str] | None  # ("if" | "unless", field)
    line_no: int


@dataclass(frozen=True)
class Template:
    name: str
    header: Mapping[str, str]
    blocks: tuple[RawBlock, ...]


@dataclass(frozen=True)
class Block:
    """Filled-in content: ``items`` are Paragraph markup strings (one, or one per bullet)."""

    kind: str  # "heading" | "paragraph" | "bullets"
    items: tuple[str, ...]


@dataclass(frozen=True)
class FilledLetter:
    subject: str
    salutation: str
    sign_off: str
    blocks: tuple[Block, ...]


def parse(text: str, name: str, with_header: bool = True) -> Template:
    """Parse template text; raise :class:`TemplateError` naming ``name`` and the line."""
    lines = text.replace("\r\n", "\n").split("\n")
    header: dict[str, str] = {}
    i = 0
    if with_header:
        while i < len(lines) and lines[i].strip():
            line = lines[i]
            i += 1
            if line.startswith("#") and not line.startswith("##"):
                continue
            key, sep, value = line.partition(":")
            canonical = _HEADER_KEYS.get(key.strip().lower())
            if not sep or canonical is None:
                raise TemplateError(
                    f"{name} line {i}: the header takes 'Subject:', 'Salutation:' and "
                    f"'Sign-off:' lines, then a blank line; got {line!r}"
                )
            header[canonical] = value.strip()
        if "Subject" not in header:
            raise TemplateError(f"{name}: the first line must be 'Subject: ...'")
    blocks: list[RawBlock] = []
    current: list[str] = []
    start = i + 1
    guard: tuple[str, str] | None = None

    def flush() -> None:
        nonlocal current, guard
        if current:
            blocks.append(_classify(current, guard, name, start))
        elif guard is not None:
            raise TemplateError(f"{name} line {start}: '[{guard[0]} {guard[1]}]' guards nothing")
        current = []
        guard = None

    for line_no in range(i, len(lines)):
        line = lines[line_no].rstrip()
        if line.startswith("#") and not line.startswith("##"):
            continue
        if not line.strip():
            flush()
            start = line_no + 2
            continue
        m = _GUARD.match(line.strip())
        if m and not current:
            guard = (m.group(1), m.group(2))
            start = line_no + 2
            continue
        if not current:
            start = line_no + 1
        current.append(line)
    flush()
    return Template(name, header, tuple(blocks))


def _classify(lines: list[str], guard: tuple[str, str] | None, name: str, line_no: int) -> RawBlock:
    first = lines[0].strip()
    if first.startswith("## "):
        if len(lines) > 1:
            raise TemplateError(f"{name} line {line_no}: a '## ' heading is one line; leave a blank line after it")
        return RawBlock("heading", (first[3:].strip(),), guard, line_no)
    if first.startswith("[[") and first.endswith("]]"):
        marker = first[2:-2].strip()
        if len(lines) > 1:
            raise TemplateError(f"{name} line {line_no}: '{first}' must stand alone")
        if marker in _INCLUDES:
            return RawBlock("include", (marker,), guard, line_no)
        raise TemplateError(f"{name} line {line_no}: unknown marker '{first}' (known: [[art15]])")
    if first.startswith("- "):
        items: list[str] = []
        for line in lines:
            if line.startswith("- "):
                items.append(line[2:].strip())
            else:
                items[-1] += " " + line.strip()
        return RawBlock("bullets", tuple(items), guard, line_no)
    return RawBlock("paragraph", (" ".join(line.strip() for line in lines),), guard, line_no)


def placeholders(text: str) -> list[str]:
    return [m.group(1) for m in _PLACEHOLDER.finditer(text) if m.group(1)]


def check(template: Template, kind: str) -> None:
    """Every placeholder and guard must name a field of ``kind`` or an organisation setting."""
    spec = KIND_FIELDS[kind]
    allowed = set(COMMON_FIELDS) | set(spec.required) | set(spec.optional)

    def check_text(text: str, line_no: int | str) -> None:
        for m in _PLACEHOLDER.finditer(text):
            token = m.group(0)
            if token in ("{", "}"):
                raise TemplateError(
                    f"{template.name} line {line_no}: a lone '{token}'; write '{token * 2}' for a brace"
                )
            ph = m.group(1)
            if not ph:
                continue
            if ph.startswith("org."):
                if ph[4:] not in _ORG_NAMES:
                    raise TemplateError(f"{template.name} line {line_no}: no organisation setting {{{ph}}}")
            elif ph.startswith("law."):
                if ph[4:] not in LAW_FIELDS:
                    raise TemplateError(f"{template.name} line {line_no}: no law placeholder {{{ph}}}; "
                                        f"known: {', '.join(sorted('law.' + n for n in LAW_FIELDS))}")
            elif ph not in allowed:
                raise TemplateError(
                    f"{template.name} line {line_no}: unknown placeholder {{{ph}}}; a {kind} letter "
                    f"has {', '.join(sorted(allowed))}"
                )

    for key, value in template.header.items():
        check_text(value, key)
    for block in template.blocks:
        if block.guard and block.guard[1].startswith("law."):
            if block.guard[1][4:] not in LAW_FIELDS:
                raise TemplateError(f"{template.name} line {block.line_no}: '[{block.guard[0]} {block.guard[1]}]' "
                                    "names no law placeholder")
        elif block.guard and block.guard[1] not in allowed:
            raise TemplateError(f"{template.name} line {block.line_no}: '[{block.guard[0]} {block.guard[1]}]' "
                                f"names no field of a {kind} letter")
        for line in block.lines:
            check_text(line, block.line_no)


_cache: dict[tuple[str, int], Template] = {}


def load(name: str | Path, with_header: bool = True) -> Template:
    """Read and parse ``resources/letters/<name>`` (or the file ``name`` if it is a
    path); re-read when the file changes."""
    path: Path = name if isinstance(name, Path) else letters_dir() / name
    name = path.name
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError as exc:
        raise TemplateError(f"letter template {name} is missing from resources/letters") from exc
    key = (str(path), stamp)
    cached = _cache.get(key)
    if cached is None:
        cached = parse(path.read_text(encoding="utf-8"), name, with_header)
        _cache[key] = cached
    return cached


# (kind, its declaration, the parsed templates) checked already, kept alive here so that
# their identities are never reused.
_checked: dict[tuple[str, int, tuple[int, ...]], tuple[object, ...]] = {}


def load_kind(kind: str) -> Template:
    spec = kinds.get(kind)
    template = load(spec.template_file)
    included = [load(include, with_header=False) for include in _INCLUDES.values()]
    # A parsed template stays in _cache (a changed file is parsed into a new one), so
    # its identity names its text: each is checked for a kind once, not once a letter.
    key = (kind, id(spec), tuple(id(t) for t in (template, *included)))
    if key not in _checked:
        check(template, kind)
        for one in included:
            check(one, kind)
        _checked[key] = (spec, template, *included)
    return template


Values = Mapping[str, str]


def fill(
    kind: str,
    values: Values,
    org: OrganisationProfile,
    list_fields: frozenset[str],
    law: Mapping[str, str] | None = None,
) -> FilledLetter:
    """Fill ``kind``'s template with ``values`` (plain text), the organisation profile and
    ``law`` (the regime's words, :func:`muse_care.letters.law.letter_law`)."""
    template = load_kind(kind)
    where = f"template {template.name}"
    law_values: Mapping[str, str] = law or {}

    def law_value(name: str) -> str:
        if name not in law_values:
            raise TemplateError(f"{template.name}: the letter needs the law's words ({{law.{name}}}) "
                                "and none were given: a letter is written under one regime")
        return law_values[name]

    def lookup(ph: str) -> tuple[str, tuple[str, ...], bool]:
        """(field label, items, is_list) for a placeholder."""
        if ph.startswith("org."):
            attr = ph[4:]
            value = getattr(org, attr)
            if isinstance(value, tuple):
                return (f"organisation {attr}", value, True)
            return (f"organisation {attr}", (str(value),), False)
        if ph.startswith("law."):
            raw_law = law_value(ph[4:])
            if ph[4:] in LAW_LISTS:
                return (ph, tuple(x.strip() for x in raw_law.split("\n") if x.strip()), True)
            return (ph, (raw_law,), False)
        raw = values.get(ph, "")
        if ph in list_fields:
            return (ph.replace("_", " "), tuple(x.strip() for x in raw.split("\n") if x.strip()), True)
        return (ph.replace("_", " "), (raw,), False)

    def render(text: str, bold: bool = False, in_list: bool = False) -> str:
        out: list[str] = []
        pos = 0
        for m in _PLACEHOLDER.finditer(text):
            out.append(_text_markup(text[pos : m.start()], where, bold))
            token = m.group(0)
            if token in ("{{", "}}"):
                out.append(token[0])
            else:
                label, items, is_list = lookup(m.group(1))
                if is_list:
                    joined = join_and(items) if m.group(1).startswith(("org.", "law.")) else "; ".join(items)
                    out.append(_text_markup(joined, label, bold))
                else:
                    out.append(_text_markup(items[0], label, bold))
            pos = m.end()
        out.append(_text_markup(text[pos:], where, bold))
        return "".join(out)

    def expand_bullet(item: str) -> list[str]:
        phs = placeholders(item)
        if len(phs) == 1 and item.strip() == "{" + phs[0] + "}":
            label, items, is_list = lookup(phs[0])
            if is_list:
                return [_text_markup(x, label) for x in items]
        return [render(item)]

    def guard_ok(guard: tuple[str, str] | None) -> bool:
        if guard is None:
            return True
        name = guard[1]
        present = bool((law_value(name[4:]) if name.startswith("law.") else values.get(name, "")).strip())
        return present if guard[0] == "if" else not present

    def expand(blocks: tuple[RawBlock, ...]) -> list[Block]:
        out: list[Block] = []
        for block in blocks:
            if not guard_ok(block.guard):
                continue
            if block.kind == "heading":
                out.append(Block("heading", (render(block.lines[0], bold=True),)))
            elif block.kind == "paragraph":
                out.append(Block("paragraph", (render(block.lines[0]),)))
            elif block.kind == "bullets":
                items = [x for item in block.lines for x in expand_bullet(item)]
                if items:
                    out.append(Block("bullets", tuple(items)))
            elif block.kind == "include":
                out.extend(expand(load(_INCLUDES[block.lines[0]], with_header=False).blocks))
        return out

    salutation = template.header.get("Salutation", "Dear {recipient_name},")
    sign_off = template.header.get("Sign-off", "Yours sincerely,")
    return FilledLetter(
        subject=render(template.header["Subject"], bold=True),
        salutation=render(salutation),
        sign_off=render(sign_off),
        blocks=tuple(expand(template.blocks)),
    )


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_UNBREAKABLE = re.compile(
    rf"\b\d{{1,2}} (?:{_MONTHS}) \d{{4}}\b"  # 1 December 2026
    rf"|\b(?:{_MONTHS}) \d{{1,2}}, \d{{4}}\b"  # December 1, 2026
    r"|(?<![\w+])\+?\(?\d[\d ()./-]{5,}\d(?!\w)"  # +44 20 7946 0000, (415) 555-0100
)


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def nobreak(text: str) -> str:
    """Dates and telephone numbers with no-break spaces, so a line never ends inside
    one (docs/letters.md, "Text"). References have no spaces and reportlab never breaks
    at a hyphen."""

    def glue(m: re.Match[str]) -> str:
        found = m.group(0)
        is_date = any(ch.isalpha() for ch in found)
        if not is_date and _digits(found) < 7:
            return found  # "12 pages", "2021 to 2025": not a telephone number
        return found.replace(" ", "\u00a0")

    return _UNBREAKABLE.sub(glue, text) if any(ch.isdigit() for ch in text) else text


@functools.lru_cache(maxsize=4096)
def _text_markup(text: str, field: str, bold: bool = False) -> str:
    """Markup for plain, possibly multi-line text: each line prepared, joined by <br/>.
    Remembered: the templates' own wording is the same in every letter."""
    if not text:
        return ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br/>".join(markup(prepare(nobreak(line), field), bold) for line in lines)


