"""One Alt key per control: for screens built from declarations (the settings dialog),
where a label's ``&`` cannot know its neighbours. ``tests/ui/test_mnemonics.py`` walks
every form and dialog and fails on a shared key."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from muse_care.ui.qt import QtWidgets

_MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def key_of(text: str) -> str | None:
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def _plain(text: str) -> str:
    return _MNEMONIC.sub(lambda m: m.group(1), text.replace("&&", "\0")).replace("\0", "&&")


def choose(text: str, used: set[str]) -> str:
    """``text`` with its Alt key kept when free, else on its first free letter, else none."""
    key = key_of(text)
    if key and key not in used:
        used.add(key)
        return text
    plain = _plain(text)
    for i, ch in enumerate(plain):
        if ch.isalnum() and ch.lower() not in used and not plain[max(0, i - 1):i] == "&":
            used.add(ch.lower())
            return plain[:i] + "&" + plain[i:]
    return plain


def _texts(root: QtWidgets.QWidget) -> Iterable[tuple[str, Callable[[str], None]]]:
    for w in root.findChildren(QtWidgets.QWidget):
        if isinstance(w, QtWidgets.QAbstractButton) and key_of(w.text()):
            yield w.text(), w.setText
        elif isinstance(w, QtWidgets.QLabel) and w.buddy() is not None and key_of(w.text()):
            yield w.text(), w.setText
        elif isinstance(w, QtWidgets.QGroupBox) and key_of(w.title()):
            yield w.title(), w.setTitle


def make_unique(tabs: QtWidgets.QTabWidget, outside: Iterable[str] = ()) -> None:
    """Give the tab titles, then each page's controls, keys of their own (the tabs and
    ``outside`` count in every page)."""
    used = {k for k in (key_of(t) for t in outside) if k}
    for i in range(tabs.count()):
        tabs.setTabText(i, choose(tabs.tabText(i), used))
    for i in range(tabs.count()):
        page_used = set(used)
        for text, setter in list(_texts(tabs.widget(i))):
            setter(choose(text, page_used))


__all__ = ["choose", "key_of", "make_unique"]
