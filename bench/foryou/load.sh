#!/usr/bin/env bash
# For You against Discover under HTTP load (issue 27: >= 300 req/s on 2 cores), run by hand:
# production settings under gunicorn on loopback, the API with token auth as many signed-in
# active people (tokens from `scale.py tokens`), driven by wrk; For You and Discover alternate.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5433/candor_bench_foryou REDIS_URL=redis://127.0.0.1:6379/4 \
#       bench/foryou/load.sh            # REPEATS=3 DURATION=10s CONNECTIONS=16 by default
set -euo pipefail
command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 1; }
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
REPEATS=${REPEATS:-3}
WORK=$(mktemp -d /tmp/candor-foryou-load.XXXX)
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
: "${DATABASE_URL:?set DATABASE_URL}" "${REDIS_URL:?set REDIS_URL}"
export DJANGO_SETTINGS_MODULE=config.settings.production
export DJANGO_SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=false DJANGO_LOG_LEVEL=WARNING
$PY bench/foryou/scale.py tokens "$WORK" --people "${PEOPLE:-200}" >&2
GUNICORN_BIND="127.0.0.1:$PORT" .venv/bin/gunicorn config.wsgi:application --config config/gunicorn.py \
  --access-logfile /dev/null >"$WORK/gunicorn.log" 2>&1 &
WEB_PID=$!
trap 'kill $WEB_PID 2>/dev/null; wait $WEB_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.3; done
cat >"$WORK/api.lua" <<'LUA'
local tokens = {}
for line in io.lines(os.getenv("BENCH_DIR") .. "/tokens.txt") do if line ~= "" then tokens[#tokens + 1] = line end end
local path = os.getenv("BENCH_PATH")
function setup(thread) thread:set("id", math.random(1000000)) end
function init(args) math.randomseed(os.time() + (id or 0)) end
request = function()
  return wrk.format("GET", path, { ["Authorization"] = "Token " .. tokens[math.random(#tokens)] })
end
LUA
# Every worker serves both pages a few times first (imports, connections, pools read).
for _ in $(seq 30); do
  for p in /api/v1/for-you/ /api/v1/discover/; do
    curl -fs -o /dev/null -H "Authorization: Token $(shuf -n1 "$WORK/tokens.txt")" "http://127.0.0.1:$PORT$p"
  done
done
echo "gunicorn ${GUNICORN_WORKERS:-$(( $(nproc) * 2 + 1 ))} sync workers, wrk -t2 -c$CONNECTIONS -d$DURATION, ${PEOPLE:-200} people's tokens; $(uptime)"
for n in $(seq "$REPEATS"); do
  for p in /api/v1/for-you/ /api/v1/discover/; do
    out=$(BENCH_DIR="$WORK" BENCH_PATH="$p" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/api.lua" "http://127.0.0.1:$PORT")
    rps=$(grep "Requests/sec" <<<"$out" | awk '{print $2}')
    p50=$(grep -E "^ +50%" <<<"$out" | awk '{print $2}')
    p99=$(grep -E "^ +99%" <<<"$out" | awk '{print $2}')
    bad=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr -s ' ' | tr '\n' ';' || true)
    echo "run $n $p: $rps req/s, p50 $p50, p99 $p99 ${bad}; load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
