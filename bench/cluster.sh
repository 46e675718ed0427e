#!/bin/sh
# Create the tuned PostgreSQL 15 cluster the ranking benchmark runs on (bench/RESULTS.md,
# "Ranking speed"), from scratch, on Debian (postgresql-common's pg_createcluster):
#
#   sudo bench/cluster.sh                    # create cluster 15/bench on 127.0.0.1:5433, start it,
#                                            # create the database candor_bench
#   sudo bench/cluster.sh --reserve-huge-pages   # the same, and first reserve the huge pages the
#                                            # server asks for (sysctl vm.nr_hugepages, not persisted)
#   sudo bench/cluster.sh --drop             # stop and remove the cluster and its data
#
# Then fill and time it:
#   DATABASE_URL=postgres://postgres@127.0.0.1:5433/candor_bench .venv/bin/python bench/generate.py
#   DATABASE_URL=postgres://postgres@127.0.0.1:5433/candor_bench .venv/bin/python bench/run.py
#
# Idempotent: on an existing cluster it rewrites the settings file and pg_hba.conf below, restarts
# the server only if a setting needs it (shared_buffers, huge_pages), reloads otherwise, and leaves
# the data alone. The settings are the benchmark's (shared_buffers 4 GB, huge pages, work_mem
# 32 MB, random_page_cost 1.1; a larger WAL so that the bulk load of bench/generate.py does not
# checkpoint every few seconds). Authentication: trust for 127.0.0.1 and the local socket, and
# the server listens on 127.0.0.1 only: a throwaway benchmark cluster, never a deployment's.
#
# huge_pages = try: the server uses huge pages when enough are reserved and ordinary pages
# otherwise; the script says which (docs/deploy.md says why it matters for a new session).
# Environment: BENCH_PG_VERSION (15), BENCH_PG_CLUSTER (bench), BENCH_PG_PORT (5433),
# BENCH_PG_DATABASE (candor_bench).
set -eu

VERSION=${BENCH_PG_VERSION:-15}
CLUSTER=${BENCH_PG_CLUSTER:-bench}
PORT=${BENCH_PG_PORT:-5433}
DATABASE=${BENCH_PG_DATABASE:-candor_bench}
CONF_DIR=/etc/postgresql/$VERSION/$CLUSTER
BIN=/usr/lib/postgresql/$VERSION/bin
SETTINGS=$CONF_DIR/conf.d/90-candor-bench.conf

drop=false
reserve=false
for arg in "$@"; do
    case $arg in
        --drop) drop=true ;;
        --reserve-huge-pages) reserve=true ;;
        -h | --help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $arg (see --help)" >&2; exit 2 ;;
    esac
done

command -v pg_createcluster >/dev/null || { echo "pg_createcluster not found: apt-get install postgresql-$VERSION" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run as root (pg_createcluster and pg_ctlcluster need it)" >&2; exit 1; }

exists() { pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c { found = 1 } END { exit !found }'; }
running() { pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c && $4 ~ /online/ { found = 1 } END { exit !found }'; }
as_postgres() { runuser -u postgres -- "$@"; }

if $drop; then
    if exists; then
        pg_dropcluster --stop "$VERSION" "$CLUSTER"
        echo "cluster $VERSION/$CLUSTER dropped"
    else
        echo "no cluster $VERSION/$CLUSTER: nothing to drop"
    fi
    reserved=$(cat /proc/sys/vm/nr_hugepages)
    [ "$reserved" = 0 ] || echo "vm.nr_hugepages is still $reserved (other servers may use them): sysctl -w vm.nr_hugepages=0 frees them"
    exit 0
fi

if exists; then
    echo "cluster $VERSION/$CLUSTER exists: re-applying its settings"
else
    # --start-conf auto: Debian's init starts it with the machine, like the main cluster.
    pg_createcluster "$VERSION" "$CLUSTER" --port "$PORT" --start-conf auto -- --auth-local trust --auth-host trust
fi

# pg_createcluster puts the port in postgresql.conf; the conf.d file (read after it) restates it
# so that the cluster and this script cannot disagree.
mkdir -p "$CONF_DIR/conf.d"
cat >"$SETTINGS" <<EOF
# Written by bench/cluster.sh: the ranking benchmark's settings (bench/RESULTS.md). Re-run the
# script rather than editing this file.
port = $PORT
listen_addresses = '127.0.0.1'
shared_buffers = 4GB
huge_pages = try
work_mem = 32MB
maintenance_work_mem = 512MB
random_page_cost = 1.1
effective_cache_size = 12GB
max_wal_size = 8GB
checkpoint_timeout = 15min
EOF
cat >"$CONF_DIR/pg_hba.conf" <<EOF
# Written by bench/cluster.sh: a benchmark cluster on 127.0.0.1 only, no passwords.
local   all   all                  trust
host    all   all   127.0.0.1/32   trust
EOF
chown postgres:postgres "$SETTINGS" "$CONF_DIR/pg_hba.conf"
echo "settings: $SETTINGS; authentication: trust for 127.0.0.1 and the local socket"

if $reserve; then
    # The server must be stopped for -C to compute a runtime size.
    if running; then pg_ctlcluster "$VERSION" "$CLUSTER" stop; fi
    need=$(as_postgres "$BIN/postgres" -D "$CONF_DIR" -C shared_memory_size_in_huge_pages)
    have=$(cat /proc/sys/vm/nr_hugepages)
    # Pages neither in use nor promised to a running server (another cluster may hold some).
    spare=$(awk '/^HugePages_Free/ { free = $2 } /^HugePages_Rsvd/ { rsvd = $2 } END { print free - rsvd }' /proc/meminfo)
    if [ "$spare" -lt "$need" ]; then
        sysctl -q -w vm.nr_hugepages=$((have + need - spare)) || echo "could not reserve huge pages (a container without the right?)"
        echo "huge pages: the server asks for $need, $spare spare; vm.nr_hugepages $have -> $(cat /proc/sys/vm/nr_hugepages) (not persisted: add vm.nr_hugepages to /etc/sysctl.d/ to keep it)"
    else
        echo "huge pages: the server asks for $need; $spare spare of $have reserved"
    fi
fi

if running; then
    # Only a restart applies shared_buffers and huge_pages; ask the server whether it needs one.
    pg_ctlcluster "$VERSION" "$CLUSTER" reload
    sleep 1
    pending=$(as_postgres psql -p "$PORT" -Atc "SELECT count(*) FROM pg_settings WHERE pending_restart")
    if [ "$pending" != 0 ]; then
        echo "restarting: $pending setting(s) need it"
        pg_ctlcluster "$VERSION" "$CLUSTER" restart
    fi
else
    pg_ctlcluster "$VERSION" "$CLUSTER" start
fi

if [ "$(psql -h 127.0.0.1 -p "$PORT" -U postgres -Atc "SELECT count(*) FROM pg_database WHERE datname = '$DATABASE'")" = 0 ]; then
    psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE $DATABASE"
    echo "database $DATABASE created"
else
    echo "database $DATABASE exists: left as it is"
fi

# PostgreSQL 15 does not say whether huge_pages = try got them (huge_pages_status is 17+): the
# postmaster's shared memory mapping does, by its page size.
pid=$(head -1 "/var/lib/postgresql/$VERSION/$CLUSTER/postmaster.pid")
if grep -q '^KernelPageSize: *2048 kB' "/proc/$pid/smaps" 2>/dev/null || grep -q '^KernelPageSize: *1048576 kB' "/proc/$pid/smaps" 2>/dev/null; then
    echo "huge pages: in use (vm.nr_hugepages $(cat /proc/sys/vm/nr_hugepages))"
else
    echo "huge pages: NOT in use (vm.nr_hugepages $(cat /proc/sys/vm/nr_hugepages)); sudo $0 --reserve-huge-pages reserves them"
fi
psql -h 127.0.0.1 -p "$PORT" -U postgres -d "$DATABASE" -Atc \
    "SELECT 'ready: postgres://postgres@127.0.0.1:' || current_setting('port') || '/' || current_database() || ' (' || split_part(version(), ' on ', 1) || ', shared_buffers ' || current_setting('shared_buffers') || ', work_mem ' || current_setting('work_mem') || ', random_page_cost ' || current_setting('random_page_cost') || ')'"
