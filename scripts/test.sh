#!/usr/bin/env bash
# The whole suite: lint, migrations up to date, pytest (PostgreSQL/Redis when DATABASE_URL and
# REDIS_URL point at them; SQLite otherwise, with the PostgreSQL-only tests reported as skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=config.settings.test

# Bytecode is cached (__pycache__, git-ignored) even where the environment turns it off: each
# pytest worker would otherwise compile, and rewrite the asserts of, every module again.
unset PYTHONDONTWRITEBYTECODE

# The checks, Chromium's install and axe-core's run side by side (each is one process, or waits
# on the network); each one's output is printed whole, in this order, once all have ended. Any
# failed check stops the run before pytest.
jobs_dir=$(mktemp -d)
titles=()
start() {  # $1: title; the rest: the command
    local n=${#titles[@]}
    titles+=("$1")
    shift
    (
        rc=0
        "$@" >"$jobs_dir/$n.out" 2>&1 || rc=$?
        echo "$rc" >"$jobs_dir/$n.rc"
    ) &
}
start "ruff" sh -c '.venv/bin/ruff check . && .venv/bin/ruff format --check .'
start "import layering (import-linter; contracts in pyproject.toml)" .venv/bin/lint-imports --no-cache
start "migrations are up to date" $PY manage.py makemigrations --check --dry-run
start "bandit" scripts/bandit.sh
start "translations (every zh-Hans message translated, .mo files compiled; docs/i18n.md)" scripts/i18n_check.sh
# The browser tests drive Debian's Chromium; Playwright never downloads a browser.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  start "installing Chromium for the browser tests (Debian packages)" sh -c \
    '(apt-get update -qq && apt-get install -y -qq chromium chromium-driver) || echo "could not install Chromium: the browser tests will be skipped"'
fi
# axe-core (pinned in package.json / package-lock.json) checks every page's accessibility in the
# browser tests; npm fetches only that package, never a browser.
if command -v npm >/dev/null; then
  start "installing axe-core for the browser tests (npm)" sh -c \
    'npm ci --no-audit --no-fund --loglevel=error || echo "could not install axe-core: the accessibility tests will be skipped"'
else
  echo "== no npm: the accessibility browser tests will be skipped (they need node_modules/axe-core)"
fi
wait
failed=0
for n in "${!titles[@]}"; do
    echo "== ${titles[$n]}"
    cat "$jobs_dir/$n.out"
    [ "$(cat "$jobs_dir/$n.rc")" = 0 ] || { echo "FAILED: ${titles[$n]}"; failed=1; }
done
rm -rf "$jobs_dir"
[ "$failed" = 0 ] || exit 1
# In parallel (pytest-xdist): one worker per core (PYTEST_XDIST_AUTO_NUM_WORKERS overrides), each
# with its own test database, cache prefix and broker folders (config/settings/test.py). Tests
# marked with xdist_group run one after another on one worker (--dist loadgroup). Pass -n 0 to
# run in one process.
echo "== pytest (database: ${DATABASE_URL:-embedded SQLite}; redis: ${REDIS_URL:-none})"
exec $PY -m pytest -n auto --dist loadgroup "$@"
