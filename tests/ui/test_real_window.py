"""Breach 1 of issue 11 in a real X window (Xvfb at 1366x768, QT_QPA_PLATFORM=xcb),
driven by xdotool keystrokes as an agent types: Ctrl+F and a name (one row), Ctrl+T,
a note on the Request tab, a clock event, a second note. The database then says where
each went. ``tools/dev.py test`` installs Xvfb and xdotool on a clean machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

pytestmark = [pytest.mark.gui]


def _start_xvfb() -> tuple[subprocess.Popen, int]:
    """Xvfb on a display it picks itself (``-displayfd``: it writes the number once it
    accepts connections), so no other X server, live or leaving, can be taken for ours."""
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1366x768x24",
                             "-nolisten", "tcp"], pass_fds=(write_end,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()  # empty if Xvfb ended without starting
    assert number.isdigit(), f"Xvfb did not start (exit status {xvfb.poll()})"
    return xvfb, int(number)


def _grab(display: int, path: Path) -> None:
    from PIL import ImageGrab

    ImageGrab.grab(xdisplay=f":{display}").save(path)


def _titles(env) -> list[str]:
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "."], env=env,
                           capture_output=True, text=True, timeout=30).stdout.split()
    return [subprocess.run(["xdotool", "getwindowname", w], env=env, capture_output=True, text=True,
                           timeout=30).stdout.strip() for w in found]


def _xdo(env, *args: str) -> None:
    subprocess.run(["xdotool", *args], env=env, check=True, timeout=30)
    time.sleep(0.6)  # let the window take the keystroke (the search waits 250 ms)


def _until(check, timeout: float = 30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    return check()


def test_notes_land_on_the_case_shown_in_a_real_window(tmp_path: Path, sqlite_url: str) -> None:
    for tool in ("Xvfb", "xdotool"):
        assert shutil.which(tool), f"{tool} is missing: python3 tools/dev.py test installs it (apt-get)"
    from muse_care.services import cases
    from muse_care.services.register import Actor, Register

    reg = Register.open(sqlite_url, Actor("aisha", "Aisha Khan"), migrate=False)
    base = dict(rights=["access"], channel="phone", country="GB", address_lines=["1 High Street"],
                city="London", postcode="SW1A 2AA")
    found = cases.add_case(reg, cases.CaseDraft(name="Zebedee Quantock", email="zq@example.org",
                                                received=date.today(), assignee="aisha", **base))
    taken = cases.add_case(reg, cases.CaseDraft(name="Olwen Marsh", email="om@example.org",
                                                received=date.today(), assignee="", **base))
    xvfb, display = _start_xvfb()
    env = {**os.environ, "DISPLAY": f":{display}", "QT_QPA_PLATFORM": "xcb", "MUSE_CARE_CONFIG_DIR": str(tmp_path),
           "MUSE_CARE_USER": "aisha"}
    app = None
    try:
        log = (tmp_path / "window.log").open("wb")
        app = subprocess.Popen([sys.executable, "-m", "muse_care", "--db", sqlite_url], env=env,
                               stdout=log, stderr=subprocess.STDOUT)
        log.close()
        # the window shows at once, titled "MUSE Care – opening the database…" until it is
        # complete (docs/performance.md, "Start-up"): type once it is plain "MUSE Care"
        wid = _until(lambda: subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^MUSE Care$"],
                                            env=env, capture_output=True, text=True).stdout.split(), 60)
        assert wid, (f"the window did not appear, or never finished opening the database (the app "
                     f"{'is still running' if app.poll() is None else f'ended with status {app.poll()}'}; "
                     f"windows: {_titles(env)}); its output:\n"
                     + (tmp_path / "window.log").read_text(errors="replace")[-3000:])
        _xdo(env, "windowsize", wid[-1], "1366", "740")
        _xdo(env, "windowfocus", wid[-1])  # no window manager under Xvfb: focus it directly
        time.sleep(1.5)
        shots = os.environ.get("MUSE_CARE_SHOTS")  # tools/screenshots.py asks for the pictures
        if shots:
            _grab(display, Path(shots) / "real-window-before.png")
        _xdo(env, "key", "ctrl+f")
        _xdo(env, "type", "--delay", "40", "Quantock")
        time.sleep(1.0)
        _xdo(env, "key", "ctrl+t")  # take the next unassigned case: Olwen Marsh
        time.sleep(1.0)
        _xdo(env, "key", "alt+e")  # the Request tab
        _xdo(env, "key", "alt+n")  # New note
        _xdo(env, "type", "--delay", "20", "First note")
        _xdo(env, "key", "alt+d")  # Add note
        assert _until(lambda: len(cases.get_case(reg, taken.id).notes) == 1), "the first note was not saved"
        time.sleep(1.0)
        _xdo(env, "key", "alt+k")  # the Clock tab
        _xdo(env, "key", "alt+a")  # Reason
        _xdo(env, "type", "--delay", "20", "asked for ID")
        _xdo(env, "key", "alt+d")  # Add event
        assert _until(lambda: len(cases.get_case(reg, taken.id).events) == 1
                      or len(cases.get_case(reg, found.id).events) == 1), "no clock event was saved"
        time.sleep(1.0)
        _xdo(env, "key", "alt+e")
        _xdo(env, "key", "alt+n")
        _xdo(env, "type", "--delay", "20", "Second note")
        _xdo(env, "key", "alt+d")
        _until(lambda: len(cases.get_case(reg, taken.id).notes) + len(cases.get_case(reg, found.id).notes) == 2)
        if shots:
            _grab(display, Path(shots) / "real-window-after.png")
        on_taken, on_found = cases.get_case(reg, taken.id), cases.get_case(reg, found.id)
        assert [n.text for n in on_taken.notes] == ["First note", "Second note"]
        assert [e.reason for e in on_taken.events] == ["asked for ID"]
        assert list(on_found.notes) == [] and list(on_found.events) == []
    finally:
        if app is not None:
            app.terminate()
            try:
                app.wait(20)
            except subprocess.TimeoutExpired:
                app.kill()
        xvfb.terminate()
        xvfb.wait(20)
        reg.dispose()
