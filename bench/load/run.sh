#!/usr/bin/env bash
# Load benchmark, run by hand (not in CI): production settings under gunicorn on loopback,
# PostgreSQL database candor_bench_load (created here; never the test database) and a private
# Redis on a free port (cache, sessions, rate-limit counters), driven by wrk from a second process.
#
#   bench/load/run.sh            # prepare once (migrate, seed_demo, rerank --full), then measure
#   DURATION=15s bench/load/run.sh
#   VOTES_ONLY=1 DURATION=8s bench/load/run.sh   # only the vote run (and the counts check)
#   DB=candor_bench_votes bench/load/run.sh      # another database than candor_bench_load
#   PAGE_CONNECTIONS=8 bench/load/run.sh         # page runs at another concurrency than the votes'
#   MEMBERS_ONLY=1 REPEATS=5 bench/load/run.sh   # only the member/visitor comparison
#
# Pages are measured three times: with the page cache off (PAGE_CACHE_SECONDS=0) but the card
# cache warm (reviews/cards.py), with both off (every card drawn), and with the page cache on
# (config/pagecache.py; wrk sends no cookies, so it is an anonymous visitor and the first pages
# are answered from Redis), plus a deeper discover page, which is never page-cached.
# Member against visitor (issue 24): Discover, a product page and a review page, page cache off
# and card cache warm, each page REPEATS times as a visitor and as a signed-in member (a session
# cookie and a CSRF cookie, as a browser sends them; prepare.py makes the member), the two runs
# back to back in alternating order on the same server; the table gives each pair's ratio.
# Needs wrk (apt-get install wrk). Prints a Markdown section for bench/RESULTS.md. Each wrk run
# is short: the machine is shared.
set -euo pipefail
command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 1; }
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
DURATION=${DURATION:-12s}
CONNECTIONS=${CONNECTIONS:-64}
PAGE_CONNECTIONS=${PAGE_CONNECTIONS:-$CONNECTIONS}  # wrk connections for the page runs
PG=${PG:-postgres://postgres@127.0.0.1:5432}
DB=${DB:-candor_bench_load}
VOTES_ONLY=${VOTES_ONLY:-0}
MEMBERS_ONLY=${MEMBERS_ONLY:-0}
REPEATS=${REPEATS:-3}
MEMBER_DURATION=${MEMBER_DURATION:-8s}
MEMBER_CONNECTIONS=${MEMBER_CONNECTIONS:-8}  # few: p99 is read from these runs too
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
# A freshly seeded database has not been analyzed yet (autovacuum would, a minute later); plans
# on empty statistics are not what production runs.
psql "$PG/$DB" -qc "VACUUM ANALYZE"
BENCH_DIR="$WORK" $PY bench/load/prepare.py setup "$WORK"
$PY bench/load/prepare.py check

start_web() {  # PAGE_CACHE_SECONDS [CARD_CACHE_SECONDS] for this gunicorn
  PAGE_CACHE_SECONDS=$1 CARD_CACHE_SECONDS=${2:-3600} GUNICORN_BIND="127.0.0.1:$WEB_PORT" .venv/bin/gunicorn config.wsgi:application \
    --config config/gunicorn.py --access-logfile /dev/null >>"$WORK/gunicorn.log" 2>&1 &
  WEB_PID=$!
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$WEB_PORT/healthz" >/dev/null && break; sleep 0.2; done
  # Every worker renders each page once before measuring (templates, URL resolvers, connections).
  for _ in $(seq 20); do
    curl -fs -o /dev/null "$BASE/" && curl -fs -o /dev/null "$BASE/p/$PRODUCT/" && curl -fs -o /dev/null "$BASE$DEEPER"
    for page in / "/p/$PRODUCT/" "/r/$REVIEW/"; do curl -fs -o /dev/null -H "Cookie: $MEMBER_COOKIE" "$BASE$page"; done
  done
}
stop_web() { kill "$WEB_PID" && wait "$WEB_PID" 2>/dev/null || true; WEB_PID=; }
BASE="http://127.0.0.1:$WEB_PORT"
PRODUCT=$(cat "$WORK/product.txt")
REVIEW=$(cat "$WORK/review.txt")
MEMBER_COOKIE="sessionid=$(cat "$WORK/session.txt")"
DEEPER=/
if [ "$VOTES_ONLY" != 1 ]; then
start_web 0
# A browser sends its CSRF cookie back; without one every member page would mint a new secret.
csrf=$(curl -fs -o /dev/null -D - -H "Cookie: $MEMBER_COOKIE" "$BASE/" | tr -d '\r' \
  | sed -n 's/^[Ss]et-[Cc]ookie: csrftoken=\([^;]*\).*/\1/p')
MEMBER_COOKIE="$MEMBER_COOKIE; csrftoken=$csrf"
curl -fs -H "Cookie: $MEMBER_COOKIE" "$BASE/" | grep -q 'X-CSRFToken' \
  || { echo "the bench member's session does not sign in" >&2; exit 1; }
# The second page of the discover feed (a cursor link; never cached).
DEEPER=/$(curl -fs "$BASE/" | $PY -c 'import html, re, sys; print(html.unescape(re.search(r"data-more href=\"([^\"]+)\"", sys.stdin.read()).group(1)))')
fi

run() {  # name, url, extra wrk args...
  local name=$1 url=$2; shift 2
  echo "### $name"
  echo '```'
  if [ $# -eq 0 ]; then  # a page: say whether it comes from the page cache
    local status
    status=$(curl -fs -o /dev/null -D - "$url" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-candor-cache"{print $2}')
    echo "first answer: X-Candor-Cache: ${status:-(none: uncached)}"
  fi
  local connections=$CONNECTIONS
  [ $# -eq 0 ] && connections=$PAGE_CONNECTIONS
  echo "wrk: $connections connections"
  BENCH_DIR="$WORK" wrk -t2 -c"$connections" -d"$DURATION" --latency "$@" "$url" \
    | grep -E "Requests/sec|Latency  |50%|90%|99%|requests in|Non-2xx|errors|Socket"
  echo '```'
}

compare() {  # name, path: REPEATS alternating visitor and member runs of one page
  local name=$1 path=$2 who
  for r in $(seq "$REPEATS"); do
    for who in $([ $((r % 2)) = 1 ] && echo "visitor member" || echo "member visitor"); do
      local cookie=()
      [ "$who" = member ] && cookie=(-H "Cookie: $MEMBER_COOKIE")
      wrk -t2 -c"$MEMBER_CONNECTIONS" -d"$MEMBER_DURATION" --latency "${cookie[@]}" "$BASE$path" \
        >"$WORK/compare/$name.$who.$r.txt"
    done
  done
}

exec 1>&3
echo "## Load benchmark ($(date -u +%Y-%m-%d), bench/load/run.sh)"
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GB;"
echo "gunicorn $($PY -c "import gunicorn; print(gunicorn.__version__)") with ${GUNICORN_WORKERS:-$(( $(nproc) * 2 + 1 ))} sync workers, production settings,"
echo "PostgreSQL $(psql "$PG/postgres" -qtAc 'SHOW server_version'), Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2); wrk: 2 threads, $CONNECTIONS connections, $DURATION each, same machine."
echo "Load average at the start (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)."
echo
if [ "$VOTES_ONLY" != 1 ]; then
mkdir -p "$WORK/compare"
echo "### Member against visitor, uncached (PAGE_CACHE_SECONDS=0, card cache warm)"
echo
echo "wrk: 2 threads, $MEMBER_CONNECTIONS connections, $MEMBER_DURATION a run, $REPEATS runs a page for each reader,"
echo "visitor and member back to back in alternating order. Load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
compare discover /
compare product "/p/$PRODUCT/"
compare review "/r/$REVIEW/"
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
$PY bench/load/compare.py "$WORK/compare" discover product review
echo
fi
if [ "$VOTES_ONLY" != 1 ] && [ "$MEMBERS_ONLY" != 1 ]; then
echo "Uncached: PAGE_CACHE_SECONDS=0 (every request queries PostgreSQL and draws its page);"
echo "each review card's HTML / API dict from the card cache (reviews/cards.py, warm)."
echo
run "Discover feed, uncached (GET /)" "$BASE/"
run "Product page, uncached (GET /p/$PRODUCT/)" "$BASE/p/$PRODUCT/"
run "Discover feed API, uncached (GET /api/v1/discover/)" "$BASE/api/v1/discover/"
stop_web
start_web 0 0
echo "Nothing cached: PAGE_CACHE_SECONDS=0 and CARD_CACHE_SECONDS=0 (every card drawn)."
echo
run "Discover feed, nothing cached (GET /)" "$BASE/"
run "Product page, nothing cached (GET /p/$PRODUCT/)" "$BASE/p/$PRODUCT/"
run "Discover feed API, nothing cached (GET /api/v1/discover/)" "$BASE/api/v1/discover/"
stop_web
start_web 60
echo "Cached: PAGE_CACHE_SECONDS=60, anonymous requests (first pages from Redis)."
echo
run "Discover feed, cached (GET /)" "$BASE/"
run "Discover feed, second page (GET $DEEPER, never cached)" "$BASE$DEEPER"
run "Product page, cached (GET /p/$PRODUCT/)" "$BASE/p/$PRODUCT/"
run "Discover feed API, cached (GET /api/v1/discover/)" "$BASE/api/v1/discover/"
elif [ "$VOTES_ONLY" = 1 ]; then
start_web 60
fi
[ "$MEMBERS_ONLY" = 1 ] && exit 0
run "Votes (PUT /api/v1/reviews/<id>/vote/, 1000 users, half on one review)" "$BASE/" -s bench/load/vote.lua
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "Counts after the vote run:"
echo '```'
$PY bench/load/prepare.py check
echo '```'
