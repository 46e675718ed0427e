#!/usr/bin/env bash
# Load benchmark, run by hand (not in CI): production settings under gunicorn on loopback,
# PostgreSQL database candor_bench_load (created here; never the test database) and a private
# Redis on a free port (cache, sessions, rate-limit counters), driven by wrk from a second process.
#
#   bench/load/run.sh            # prepare once (migrate, seed_demo, rerank --full), then measure
#   DURATION=15s bench/load/run.sh
#
# Prints a Markdown section for bench/RESULTS.md. Each wrk run is short: the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
DURATION=${DURATION:-12s}
CONNECTIONS=${CONNECTIONS:-64}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
DB=candor_bench_load
WORK=$(mktemp -d /tmp/candor-bench-load.XXXX)
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port)
WEB_PORT=$(free_port)

cleanup() {
  [ -n "${WEB_PID:-}" ] && kill "$WEB_PID" 2>/dev/null && wait "$WEB_PID" 2>/dev/null || true
  [ -n "${REDIS_PID:-}" ] && kill "$REDIS_PID" 2>/dev/null && wait "$REDIS_PID" 2>/dev/null || true
}
trap cleanup EXIT

psql "$PG/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1 \
  || psql "$PG/postgres" -qc "CREATE DATABASE $DB"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!

export DJANGO_SETTINGS_MODULE=config.settings.production
export DJANGO_SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECURE_SSL_REDIRECT=false  # plain HTTP on loopback; TLS ends at the load balancer
export DATABASE_URL="$PG/$DB"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export DJANGO_LOG_LEVEL=WARNING

# Set-up output goes to stderr: stdout is only the Markdown section.
exec 3>&1 1>&2
$PY manage.py migrate --noinput -v 0
$PY manage.py seed_demo --if-empty --force -v 0  # a bench site, not a public one
$PY manage.py collectstatic --noinput -v 0
$PY manage.py rerank --full
BENCH_DIR="$WORK" $PY bench/load/prepare.py setup "$WORK"
$PY bench/load/prepare.py check

GUNICORN_BIND="127.0.0.1:$WEB_PORT" .venv/bin/gunicorn config.wsgi:application --config config/gunicorn.py \
  --access-logfile /dev/null >"$WORK/gunicorn.log" 2>&1 &
WEB_PID=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$WEB_PORT/healthz" >/dev/null && break; sleep 0.2; done
BASE="http://127.0.0.1:$WEB_PORT"
PRODUCT=$(cat "$WORK/product.txt")
curl -fs -o /dev/null "$BASE/" && curl -fs -o /dev/null "$BASE/p/$PRODUCT/"

run() {  # name, url, extra wrk args...
  local name=$1 url=$2; shift 2
  echo "### $name"
  echo '```'
  BENCH_DIR="$WORK" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" \
    | grep -E "Requests/sec|Latency  |50%|90%|99%|requests in|Non-2xx|errors|Socket"
  echo '```'
}

exec 1>&3
echo "## Load benchmark ($(date -u +%Y-%m-%d), bench/load/run.sh)"
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GB;"
echo "gunicorn $($PY -c "import gunicorn; print(gunicorn.__version__)") with ${GUNICORN_WORKERS:-$(( $(nproc) * 2 + 1 ))} sync workers, production settings,"
echo "PostgreSQL $(psql "$PG/postgres" -qtAc 'SHOW server_version'), Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2); wrk: 2 threads, $CONNECTIONS connections, $DURATION each, same machine."
echo
run "Discover feed (GET /)" "$BASE/"
run "Product page (GET /p/$PRODUCT/)" "$BASE/p/$PRODUCT/"
run "Votes (PUT /api/v1/reviews/<id>/vote/, 1000 users, half on one review)" "$BASE/" -s bench/load/vote.lua
echo
echo "Counts after the vote run:"
echo '```'
$PY bench/load/prepare.py check
echo '```'
