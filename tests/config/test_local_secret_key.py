"""The embedded default (`make run`) signs with a key of its own installation, never the public
development key of base.py."""

import os
import stat
import subprocess
import sys
from pathlib import Path

from config.settings.local import installation_secret_key

ROOT = Path(__file__).resolve().parents[2]


def test_key_is_made_once_private_and_kept(tmp_path):
    path = tmp_path / "var" / "secret_key"
    first = installation_secret_key(path)
    assert len(first) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert installation_secret_key(path) == first
    assert list(path.parent.iterdir()) == [path]  # no draft left behind


def test_two_installations_get_different_keys(tmp_path):
    assert installation_secret_key(tmp_path / "a") != installation_secret_key(tmp_path / "b")


def test_local_settings_never_use_the_public_development_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    printed = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    assert printed
    assert printed != "dev-only-insecure-key-change-me"
    assert printed == (ROOT / "var" / "secret_key").read_text().strip()
