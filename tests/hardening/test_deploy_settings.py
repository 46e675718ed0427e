"""Production settings: `check --deploy` passes at WARNING level (drf-spectacular's schema
warnings included) and secrets come only from the environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CACHE_", "CELERY_", "S3_", "TEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        # A fresh random key of production strength: check --deploy refuses weak ones.
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="candor.example",
        DATABASE_URL="postgres://candor@127.0.0.1:5432/candor",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    env.update(overrides)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy_at_warning_level():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key_from_the_environment():
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def _import_production_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", "import config.settings.production"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("variable", ["DATABASE_URL", "REDIS_URL"])
@pytest.mark.parametrize("unset", [pytest.param(True, id="unset"), pytest.param(False, id="empty")])
def test_production_refuses_to_start_without_its_database_and_broker(variable, unset):
    # Without them base.py would fall back to SQLite, the file cache and the filesystem broker.
    env = _production_env()
    if unset:
        del env[variable]
    else:
        env[variable] = ""
    imported = _import_production_settings(env)
    assert imported.returncode != 0
    assert "ImproperlyConfigured" in imported.stderr
    assert f"Set the {variable} environment variable" in imported.stderr
    checked = _manage("check", "--deploy", env=env)
    assert checked.returncode != 0
    assert variable in checked.stderr


def test_production_settings_import_with_database_and_broker_set():
    imported = _import_production_settings(_production_env())
    assert imported.returncode == 0, imported.stderr


def test_production_takes_separate_cache_and_broker_urls_instead_of_redis_url():
    env = _production_env(CACHE_URL="redis://127.0.0.1:6379/1", CELERY_BROKER_URL="redis://127.0.0.1:6379/2")
    del env["REDIS_URL"]
    imported = _import_production_settings(env)
    assert imported.returncode == 0, imported.stderr


def test_production_refuses_a_cache_url_without_a_broker():
    env = _production_env(CACHE_URL="redis://127.0.0.1:6379/1")
    del env["REDIS_URL"]
    imported = _import_production_settings(env)
    assert imported.returncode != 0
    assert "Set the REDIS_URL environment variable (or both CACHE_URL and CELERY_BROKER_URL)" in imported.stderr
