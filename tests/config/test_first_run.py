"""A newcomer's `make run`: the port they ask for, and only the app's own dependencies (issue 25)."""

# ruff: noqa: S603, S607 - make and sh, run on this repository's own Makefile and Procfile.dev

import os
import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def requirement_names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[\[=<>~!; ]", line)[0].lower().replace("_", "-"))
    return names


# --- requirements ---------------------------------------------------------------------------------

TEST_AND_BENCH_TOOLS = {
    "pytest",
    "pytest-django",
    "pytest-xdist",
    "playwright",
    "moto",
    "schemathesis",
    "hypothesis",
    "ruff",
    "bandit",
    "import-linter",
    "factory-boy",
    "httpx",
    "openapi-python-client",
    "openapi-spec-validator",
}


def test_runtime_requirements_hold_no_test_or_benchmark_tool():
    runtime = requirement_names(ROOT / "requirements.txt")
    assert {"django", "gunicorn", "celery", "honcho"} <= runtime
    assert not runtime & TEST_AND_BENCH_TOOLS, "move these to requirements-dev.txt"


def test_dev_requirements_add_the_tools_on_top_of_the_runtime_ones():
    dev = ROOT / "requirements-dev.txt"
    assert "-r requirements.txt" in dev.read_text().splitlines()
    assert {"pytest", "playwright", "moto", "schemathesis", "ruff"} <= requirement_names(dev)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_installs_runtime_only_and_make_test_the_dev_tools():
    def dry_run(target: str) -> str:
        return subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, check=True).stdout

    run, test = dry_run("run"), dry_run("test")
    assert "-r requirements.txt" in run and "requirements-dev.txt" not in run
    assert "-r requirements-dev.txt" in test


# --- the port -------------------------------------------------------------------------------------


def gunicorn_bind(monkeypatch, **env) -> str:
    for name in ("GUNICORN_BIND", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "gunicorn.py"))["bind"]


def test_gunicorn_listens_on_port_from_the_environment(monkeypatch):
    assert gunicorn_bind(monkeypatch) == "0.0.0.0:8000"  # noqa: S104
    assert gunicorn_bind(monkeypatch, PORT="5123") == "0.0.0.0:5123"  # noqa: S104
    assert gunicorn_bind(monkeypatch, PORT="5123", GUNICORN_BIND="127.0.0.1:9000") == "127.0.0.1:9000"


def procfile_web(variable: str, **env) -> str:
    """A variable as Procfile.dev's web line sets it, run by the shell as honcho runs it."""
    line = next(x for x in (ROOT / "Procfile.dev").read_text().splitlines() if x.startswith("web:"))
    assignments = line.removeprefix("web:").split(".venv/bin/gunicorn")[0]
    clean = {k: v for k, v in os.environ.items() if k not in {"PORT", "GUNICORN_BIND", "DJANGO_DEBUG"}}
    return subprocess.run(
        ["sh", "-c", f"{assignments} printenv {variable}"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_make_run_serves_on_port_from_the_environment():
    assert procfile_web("GUNICORN_BIND") == "127.0.0.1:8000"
    assert procfile_web("GUNICORN_BIND", PORT="8123") == "127.0.0.1:8123"
    assert procfile_web("GUNICORN_BIND", PORT="8123", GUNICORN_BIND="0.0.0.0:9000") == "0.0.0.0:9000"  # noqa: S104


# --- the debug 404 --------------------------------------------------------------------------------


def test_make_run_serves_with_debug_off():
    """Django's DEBUG 404 page lists every URL pattern; `make run` never shows it (only `make dev`,
    which turns DEBUG on deliberately)."""
    assert procfile_web("DJANGO_DEBUG") == "false"
    assert procfile_web("DJANGO_DEBUG", DJANGO_DEBUG="true") == "true"


@pytest.mark.django_db
def test_unknown_address_with_debug_off_lists_no_url_patterns(client, settings):
    settings.DEBUG = False
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    body = page.content.decode()
    # (The page itself may link to the API, as the header's search suggestions do.)
    assert "URLconf" not in body and "tried these URL patterns" not in body


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_hands_port_to_honcho():
    """honcho gives the first process PORT=5000 unless told otherwise: the Makefile tells it."""

    def honcho_line(**env) -> str:
        clean = {k: v for k, v in os.environ.items() if k != "PORT"}
        out = subprocess.run(
            ["make", "-n", "run"], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=True
        ).stdout
        return next(x for x in out.splitlines() if "honcho" in x)

    assert honcho_line().endswith("--port 8000")
    assert honcho_line(PORT="8123").endswith("--port 8123")
