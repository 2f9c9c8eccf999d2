"""The security suite reuses the team fixtures (real login roles on the real server)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "team"))

from tests.team.conftest import admin_register, client, make_login, team_url  # noqa: E402,F401
