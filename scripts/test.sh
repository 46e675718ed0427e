#!/usr/bin/env bash
# The whole suite: lint, migrations up to date, pytest (PostgreSQL/Redis when DATABASE_URL and
# REDIS_URL point at them; SQLite otherwise, with the PostgreSQL-only tests reported as skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=config.settings.test

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== import layering (import-linter; contracts in pyproject.toml)"
.venv/bin/lint-imports --no-cache
echo "== migrations are up to date"
$PY manage.py makemigrations --check --dry-run
echo "== bandit"
scripts/bandit.sh
echo "== translations (every zh-Hans message translated, .mo files compiled; docs/i18n.md)"
scripts/i18n_check.sh
# The browser tests drive Debian's Chromium; Playwright never downloads a browser.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "== installing Chromium for the browser tests (Debian packages)"
  (apt-get update -qq && apt-get install -y -qq chromium chromium-driver) \
    || echo "could not install Chromium: the browser tests will be skipped"
fi
# axe-core (pinned in package.json / package-lock.json) checks every page's accessibility in the
# browser tests; npm fetches only that package, never a browser.
if command -v npm >/dev/null; then
  echo "== installing axe-core for the browser tests (npm)"
  npm ci --no-audit --no-fund --loglevel=error || echo "could not install axe-core: the accessibility tests will be skipped"
else
  echo "== no npm: the accessibility browser tests will be skipped (they need node_modules/axe-core)"
fi
# In parallel (pytest-xdist): one worker per core (PYTEST_XDIST_AUTO_NUM_WORKERS overrides), each
# with its own test database, cache prefix and broker folders (config/settings/test.py). Tests
# marked with xdist_group run one after another on one worker (--dist loadgroup). Pass -n 0 to
# run in one process.
echo "== pytest (database: ${DATABASE_URL:-embedded SQLite}; redis: ${REDIS_URL:-none})"
exec $PY -m pytest -n auto --dist loadgroup "$@"
