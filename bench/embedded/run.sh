#!/usr/bin/env bash
# The embedded default under load, run by hand (not in CI): the `make run` web server (the `web:`
# line of Procfile.dev: gunicorn, gthread workers) against the development server `make run` used
# before (runserver, listen backlog 10), on a temporary copy of the SQLite database, the file
# cache and the filesystem broker, no PostgreSQL or Redis. Runs interleaved, in the same minutes.
#
#   bench/embedded/run.sh                       # 100, 200 and 400 clients, 10 s each, 3 repeats
#   CLIENTS="100" SECONDS_EACH=5 REPEATS=1 bench/embedded/run.sh
#   SOURCE_DB=/tmp/seeded.sqlite3 bench/embedded/run.sh   # copy this database (default: var/'s)
#
# Each client opens a new connection per request (bench/embedded/load.py): nine in ten read a
# page, one in ten casts a helpful vote by token. Vote rate limits are lifted (THROTTLE_VOTE*), so
# the votes measure the server, not the limiter. Prints a Markdown section for bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
CLIENTS=${CLIENTS:-"100 200 400"}
SECONDS_EACH=${SECONDS_EACH:-10}
REPEATS=${REPEATS:-3}
WORK=$(mktemp -d /tmp/candor-bench-embedded.XXXX)
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
NEW_PORT=$(free_port)
OLD_PORT=$(free_port)

cleanup() {
  for pid in ${NEW_PID:-} ${OLD_PID:-}; do kill -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT  # the temporary folder stays, with the servers' logs

# The embedded default on a copy: never var/candor.sqlite3 itself, never a server database.
unset REDIS_URL
export DATABASE_URL="sqlite:///$WORK/candor.sqlite3"
export DJANGO_SETTINGS_MODULE=config.settings.local
export DJANGO_MEDIA_ROOT="$WORK/media"
export DJANGO_LOG_LEVEL=WARNING
export THROTTLE_VOTE=1000000/minute THROTTLE_VOTE_NEW=1000000/minute

exec 3>&1 1>&2  # set-up output to stderr; stdout is only the Markdown section
SOURCE_DB=${SOURCE_DB:-var/candor.sqlite3}
if [ -f "$SOURCE_DB" ]; then  # SQLite's backup: a consistent copy even while it is in use
  $PY -c "import sqlite3,sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))" \
    "$SOURCE_DB" "$WORK/candor.sqlite3"
fi
$PY manage.py migrate --noinput -v 0
$PY manage.py seed_demo --if-empty -v 0
$PY manage.py collectstatic --noinput -v 0
$PY manage.py shell -v 0 -c "
from datetime import timedelta
from django.utils import timezone
from rest_framework.authtoken.models import Token
from accounts.models import User
from reviews.models import Review
voters = [User.objects.get_or_create(username=f'bench_voter_{n}')[0] for n in range(200)]
User.objects.filter(pk__in=[v.pk for v in voters]).update(date_joined=timezone.now() - timedelta(days=60))
open('$WORK/tokens', 'w').write('\n'.join(Token.objects.get_or_create(user=v)[0].key for v in voters))
ids = list(Review.objects.filter(status='published').order_by('-helpful_count').values_list('pk', flat=True)[:200])
open('$WORK/reviews', 'w').write('\n'.join(map(str, ids)))
"
REVIEWS=$($PY manage.py shell -v 0 -c "from reviews.models import Review; print(Review.objects.count())")

WEB_CMD=$(sed -n 's/^web: //p' Procfile.dev)
GUNICORN_BIND=127.0.0.1:$NEW_PORT setsid bash -c "$WEB_CMD" >"$WORK/gunicorn.log" 2>&1 &
NEW_PID=$!
# What `make run` served with before this change (its Procfile.dev web line), DEBUG on as then.
DJANGO_DEBUG=true setsid $PY manage.py runserver "127.0.0.1:$OLD_PORT" --noreload >"$WORK/runserver.log" 2>&1 &
OLD_PID=$!
for port in $NEW_PORT $OLD_PORT; do
  for _ in $(seq 60); do curl -fso /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.5; done
done

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u +"%Y-%m-%d %H:%M")
: >"$WORK/results.jsonl"
for repeat in $(seq "$REPEATS"); do
  for clients in $CLIENTS; do
    for server in gunicorn runserver; do
      port=$NEW_PORT; [ $server = runserver ] && port=$OLD_PORT
      line=$($PY bench/embedded/load.py "http://127.0.0.1:$port" "$clients" "$SECONDS_EACH" "$WORK/tokens" "$WORK/reviews")
      echo "{\"server\": \"$server\", \"repeat\": $repeat, \"load\": $line}" | tee -a "$WORK/results.jsonl"
      sleep 2
    done
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

exec 1>&3
$PY - "$WORK/results.jsonl" "$STARTED" "$LOAD_BEFORE" "$LOAD_AFTER" "$REVIEWS" "$SECONDS_EACH" "$REPEATS" <<'PYEOF'
import json, os, platform, statistics, subprocess, sys
path, started, before, after, reviews, seconds, repeats = sys.argv[1:8]
runs = [json.loads(line) for line in open(path)]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
gunicorn = subprocess.run([".venv/bin/gunicorn", "--version"], capture_output=True, text=True).stdout.strip()
web = open("Procfile.dev").read().split("web: ", 1)[1].splitlines()[0]
print(f"### Embedded default under load ({started} UTC, bench/embedded/run.sh)\n")
print(f"Machine: {os.cpu_count()} cores ({cpu}), load average {before} before, {after} after (shared machine).")
print(f"SQLite copy with {reviews} reviews, file cache, filesystem broker; {gunicorn}; `make run` web: `{web}`;")
print(f"old: `manage.py runserver --noreload` (DEBUG on, as `make run` ran it). Each run {seconds} s, {repeats} repeats;")
print("clients open a new connection per request; 9 in 10 read a page, 1 in 10 votes. min / median / max.\n")
print("| server | clients | answered req/s | p50 ms | p99 ms | 5xx | resets | refused + timeouts + other |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
def mmm(values):
    return f"{min(values)} / {statistics.median(values):g} / {max(values)}"
keys = sorted({(r["server"], r["load"]["clients"]) for r in runs}, key=lambda k: (k[0] != "gunicorn", k[1]))
for server, clients in keys:
    loads = [r["load"] for r in runs if r["server"] == server and r["load"]["clients"] == clients]
    other = [sum(v for k, v in l.items() if k in {"refused", "timeout"} or k.startswith("error:")) for l in loads]
    print(f"| {server} | {clients} | {mmm([l['rps'] for l in loads])} | {mmm([l['p50_ms'] or 0 for l in loads])} | "
          f"{mmm([l['p99_ms'] or 0 for l in loads])} | {mmm([l.get('5xx', 0) for l in loads])} | "
          f"{mmm([l.get('reset', 0) for l in loads])} | {mmm(other)} |")
PYEOF
