#!/usr/bin/env bash
# Side-by-side benchmark: direct upstream vs nginx reverse proxy vs auto-gateway.
#
#   bench/run.sh                          # everything, about 5 minutes
#   TARGETS="direct nginx" bench/run.sh   # without the gateway
#
# Every knob is an environment variable; bench/README.md lists them.
# Only 127.0.0.1 is ever contacted. Everything started here is stopped on exit.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")

# ------------------------------------------------------------------ knobs
TARGETS=${TARGETS:-"direct nginx gateway"}
MAX_SECONDS=${MAX_SECONDS:-10}              # wrk max-throughput run, per target
MAX_CONNECTIONS=${MAX_CONNECTIONS:-64}
WARMUP_SECONDS=${WARMUP_SECONDS:-3}         # wrk warm-up before direct / nginx
GATEWAY_WARMUP_SECONDS=${GATEWAY_WARMUP_SECONDS:-20}  # JIT needs much longer than nginx
WARMUP_RUNS=${WARMUP_RUNS:-6}               # the warm-up is split into this many wrk runs (see below)
# Streams are warmed first, unrecorded, at STREAM_WARMUP_RATE: 2 s for direct
# and nginx, GATEWAY_STREAM_WARMUP_SECONDS for the gateway. Its SSE path has
# code of its own that the JIT compiles over the first ~10,000 streams; with 2 s
# (200 streams) the measured streams' TTFB p99 was still falling from ~4 ms.
STREAM_WARMUP_RATE=${STREAM_WARMUP_RATE:-500}
GATEWAY_STREAM_WARMUP_SECONDS=${GATEWAY_STREAM_WARMUP_SECONDS:-20}
RATES=${RATES:-"500 2000"}                  # fixed-rate latency runs, req/s
# Fixed-rate runs are repeated ROUNDS times, the targets interleaved within each
# round, and the median of the rounds is reported: on a small VM one unlucky
# stretch of host noise should not decide a sub-millisecond comparison.
ROUNDS=${ROUNDS:-3}
RATE_SECONDS=${RATE_SECONDS:-8}
RATE_WARMUP_SECONDS=${RATE_WARMUP_SECONDS:-2}   # unrecorded lead-in at the same rate
RATE_CONNECTIONS=${RATE_CONNECTIONS:-64}
STREAM_RATE=${STREAM_RATE:-100}
STREAM_SECONDS=${STREAM_SECONDS:-8}
STREAM_GAP_MS=${STREAM_GAP_MS:-5}           # gap between the mock's SSE events
LOAD_CPU=${LOAD_CPU:-0}                     # load generators + mock upstream
PROXY_CPU=${PROXY_CPU:-1}                   # the proxy under test (nginx or gateway)
UPSTREAM_PORT=${UPSTREAM_PORT:-9101}
PROXY_PORT=${PROXY_PORT:-9102}
GATEWAY_PORT=${GATEWAY_PORT:-8000}
GATEWAY_JAR=${GATEWAY_JAR:-$REPO_DIR/target/auto-gateway.jar}
# One core, as the gateway gets here. The heap is capped explicitly because JVM
# ergonomics would otherwise size it from the 24 GiB of RAM, and RSS would then
# measure GC laziness rather than the gateway. The young generation is set
# because a 64 MB heap's default (about 21 MB) is collected 28 times a second at
# full load, each collection costing the same ~0.9 ms whatever its size: 64 MB
# makes that 9 times (about 1 us per request less), for ~40 MB more RSS.
GATEWAY_JVM_OPTS=${GATEWAY_JVM_OPTS:-"-XX:ActiveProcessorCount=1 -XX:+UseSerialGC -Xms64m -Xmx256m -Xmn64m"}
# The load generator must not pause inside a measured window: a large
# pre-touched young generation plus a System.gc() after its warm-up keeps GC
# out, and C1 only (TieredStopAtLevel=1) keeps late C2 compilations, which
# take milliseconds of the shared core, out of the low-rate runs.
LOADGEN_JVM_OPTS=${LOADGEN_JVM_OPTS:-"-XX:ActiveProcessorCount=1 -XX:+UseSerialGC -Xms1g -Xmx1g -Xmn768m -XX:+AlwaysPreTouch -XX:TieredStopAtLevel=1"}
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results}
KEEP_RUN_DIR=${KEEP_RUN_DIR:-0}
# on: both proxies log every request as they do out of the box (nginx to a
# file, the gateway its JSON access log on stdout, redirected to a file).
# off: nginx "access_log off" and the gateway with ACCESS_LOG_LEVEL=OFF.
ACCESS_LOG=${ACCESS_LOG:-on}
BENCH_AUTH=${BENCH_AUTH:-}                  # client key, if the gateway config requires one
# PROFILE=1: record the gateway with Java Flight Recorder (method sampling) for
# the whole run and print its hottest methods at the end. JFR costs a few % of
# CPU, so such a run's numbers are for finding hot spots, not for the record.
PROFILE=${PROFILE:-0}
# On a 2-core box any other busy process (a build, a test suite) swamps the
# differences being measured. Before starting, and before repeating a disturbed
# run, the script waits up to QUIET_WAIT_SECONDS for other processes to use
# less than QUIET_MAX_PCT of a core. A measured run during which they used more
# is repeated up to PHASE_RETRIES times; if it stays disturbed it is kept and
# the results carry a warning.
QUIET_MAX_PCT=${QUIET_MAX_PCT:-5}
QUIET_WAIT_SECONDS=${QUIET_WAIT_SECONDS:-120}
PHASE_RETRIES=${PHASE_RETRIES:-2}

# BODY_FILE: the non-streaming request every target gets instead of the one-line default, e.g.
# bench/bodies/agent.json (an agent's 23 KB request: long system prompt, 20 tools, 21 messages).
# STRATEGY: the gateway's router.strategy (adaptive and bandit also key sticky sessions per request).
BODY_FILE=${BODY_FILE:-}
STRATEGY=${STRATEGY:-sequential}
if [[ -n $BODY_FILE ]]; then
    BODY=$(cat "$BODY_FILE")
else
    BODY='{"model":"mock-model","messages":[{"role":"user","content":"hi"}]}'
fi
STREAM_BODY='{"model":"mock-stream-model","stream":true,"messages":[{"role":"user","content":"hi"}]}'

RUN_DIR=$(mktemp -d /tmp/auto-gateway-bench.XXXXXX)
PIDS=()
GATEWAY_BUILD=""

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
has_target() { [[ " $TARGETS " == *" $1 "* ]]; }

cleanup() {
    local rc=$? pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    if [[ $KEEP_RUN_DIR == 1 || $rc != 0 ]]; then
        log "logs and raw results kept in $RUN_DIR"
    else
        rm -rf "$RUN_DIR"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for t in $TARGETS; do
    [[ $t == direct || $t == nginx || $t == gateway ]] || die "unknown target $t (want direct, nginx, gateway)"
done
has_target direct || die "TARGETS must include direct: the other targets are reported relative to it"
[[ $ACCESS_LOG == on || $ACCESS_LOG == off ]] || die "ACCESS_LOG must be on or off"

# ------------------------------------------------------------------ prerequisites
need_pkgs=()
command -v nginx >/dev/null || need_pkgs+=(nginx)
command -v wrk >/dev/null || need_pkgs+=(wrk)
[[ -f /usr/lib/nginx/modules/ngx_http_echo_module.so ]] || need_pkgs+=(libnginx-mod-http-echo)
if ((${#need_pkgs[@]})); then
    [[ $(id -u) == 0 ]] || die "missing packages: ${need_pkgs[*]} (apt-get install them as root)"
    log "installing ${need_pkgs[*]} from Debian"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi
for tool in java javac taskset curl; do command -v "$tool" >/dev/null || die "$tool not found"; done
(($(nproc) >= 2)) || die "needs 2 cores: load+upstream on one, the proxy under test on the other"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$UPSTREAM_PORT" "$PROXY_PORT" "$GATEWAY_PORT"; do
    port_free "$port" || die "port $port on 127.0.0.1 is already in use (UPSTREAM_PORT, PROXY_PORT, GATEWAY_PORT pick others)"
done

if has_target gateway; then
    if [[ ! -f $GATEWAY_JAR ]]; then
        log "building $GATEWAY_JAR (mvn -q package -DskipTests)"
        (cd "$REPO_DIR" && mvn -q package -DskipTests) >"$RUN_DIR/build.log" 2>&1 ||
            die "gateway build failed, see $RUN_DIR/build.log (or run with TARGETS=\"direct nginx\")"
    fi
    # Run a private copy: a rebuild of target/ during the run must not pull
    # classes out from under the JVM being measured.
    cp "$GATEWAY_JAR" "$RUN_DIR/auto-gateway.jar"
    # Which build was measured: target/ may be rebuilt from uncommitted code at
    # any time, so record the jar itself as well as the commit checked out.
    GATEWAY_BUILD="jar $(date -u -r "$GATEWAY_JAR" +%Y-%m-%dT%H:%MZ) md5 $(md5sum "$GATEWAY_JAR" | cut -c1-12)"
    if head=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null); then
        dirty=$(git -C "$REPO_DIR" status --porcelain -- src pom.xml 2>/dev/null | wc -l)
        GATEWAY_BUILD+=", repo HEAD $head"
        ((dirty > 0)) && GATEWAY_BUILD+=" + $dirty uncommitted file(s) in src/pom.xml"
    fi
fi

log "compiling the load generator"
javac -d "$RUN_DIR/loadgen" "$BENCH_DIR/loadgen/LoadGen.java"

# ------------------------------------------------------------------ helpers

# CPU used on the whole machine over 2 s, in % of one core.
machine_busy_pct() {
    local a b
    a=$(awk 'NR==1{print $2+$3+$4+$7+$8+$9}' /proc/stat)
    sleep 2
    b=$(awk 'NR==1{print $2+$3+$4+$7+$8+$9}' /proc/stat)
    echo $(((b - a) / 2))
}

wait_quiet() { # -> the last busy figure
    local waited=0 busy
    busy=$(machine_busy_pct)
    while ((busy > QUIET_MAX_PCT && waited < QUIET_WAIT_SECONDS)); do
        log "other processes use ${busy}% of a core; waiting for the machine to go quiet"
        sleep 8
        waited=$((waited + 10))
        busy=$(machine_busy_pct)
    done
    echo "$busy"
}

# Seconds the gateway's JIT has spent compiling so far (jstat, from the JDK), empty for other targets or without jstat.
jit_seconds() { # target
    [[ $1 == gateway ]] && command -v jstat >/dev/null || return 0
    jstat -compiler "$GATEWAY_PID" 2>/dev/null | awk 'NR==2{print $4}'
}

render() { # template output
    local access="access_log off;"
    [[ $ACCESS_LOG == on ]] && access="access_log $RUN_DIR/proxy-access.log;"
    sed -e "s#@ACCESS_LOG@#$access#g" \
        -e "s#@RUN_DIR@#$RUN_DIR#g" \
        -e "s#@UPSTREAM_PORT@#$UPSTREAM_PORT#g" \
        -e "s#@PROXY_PORT@#$PROXY_PORT#g" \
        -e "s#@STREAM_GAP@#$(awk -v ms="$STREAM_GAP_MS" 'BEGIN{printf "%.3f", ms/1000}')#g" \
        "$1" >"$2"
}

# nginx started through taskset execs into the master, so $! is the master pid.
start_nginx() { # name cpu conf -> sets STARTED_PID
    local name=$1 cpu=$2 conf=$3
    mkdir -p "$RUN_DIR/$name-tmp"
    taskset -c "$cpu" nginx -c "$conf" -g 'daemon off;' >"$RUN_DIR/$name.out" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
}

# The master and its workers: CPU and RSS are summed over all of them.
nginx_pids() { echo "$1$(pgrep -P "$1" | sed 's/^/,/' | tr -d '\n')"; }

wait_ready() { # url body seconds pid
    local url=$1 body=$2 secs=$3 pid=$4
    for _ in $(seq $((secs * 10))); do
        kill -0 "$pid" 2>/dev/null || return 1
        if curl -fsS -o /dev/null -m 2 -H 'Content-Type: application/json' -d "$body" "$url" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# direct and nginx serve the SSE mock under /stream; the gateway reaches it via
# a second provider (model mock-stream-model) whose base_url has that prefix.
stream_url() { # target
    if [[ $1 == gateway ]]; then echo "${BASE[$1]}/v1/chat/completions"; else echo "${BASE[$1]}/stream/v1/chat/completions"; fi
}

# One request of each kind through the path, checked, before any load: a
# benchmark of error responses would be fast and meaningless.
sanity_check() { # target
    local out
    out=$(curl -sS -m 5 -H 'Content-Type: application/json' -d "$BODY" "${BASE[$1]}/v1/chat/completions" -w '\n%{http_code}')
    [[ ${out##*$'\n'} == 200 && $out == *'"chat.completion"'* ]] ||
        die "$1: non-streaming request failed: $out"
    out=$(curl -sS -N -m 5 -H 'Content-Type: application/json' -d "$STREAM_BODY" "$(stream_url "$1")" -w '\n%{http_code}')
    [[ ${out##*$'\n'} == 200 && $out == *'chat.completion.chunk'* && $out == *'[DONE]'* ]] ||
        die "$1: streaming request failed: $out"
}

cpu_ticks() { # comma-separated pids -> "utime stime" ticks, summed
    local user=0 sys=0 pid f
    for pid in ${1//,/ }; do
        # field 2 (comm) is parenthesised and may hold spaces: cut after the last ')'
        f=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
        # shellcheck disable=SC2086 # splitting the fields is the point
        set -- $f
        user=$((user + ${12}))
        sys=$((sys + ${13}))
    done
    echo "$user $sys"
}

core_busy_ticks() { # cpu index -> user+nice+system ticks of that core
    awk -v c="cpu$1" '$1==c{print $2+$3+$4}' /proc/stat
}

rss_kb() { # comma-separated pids -> VmRSS summed
    local total=0 pid v
    for pid in ${1//,/ }; do
        v=$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status" 2>/dev/null) || continue
        total=$((total + ${v:-0}))
    done
    echo "$total"
}

kv() { # file key -> value ("" if absent)
    awk -F= -v k="$2" '$1==k{sub(/^[^=]*=/,""); print; exit}' "$1" 2>/dev/null || true
}

# wrk's latency lines look like "  99%    1.23ms"; normalise to ms.
to_ms() { awk -v v="$1" 'BEGIN{ u=v; sub(/^[0-9.]+/,"",u); n=v+0;
    if (u=="us") n/=1000; else if (u=="s") n*=1000; else if (u=="m") n*=60000; printf "%.3f", n }'; }

run_wrk() { # out_kv label url seconds [watch_pids]
    local kv=$1 label=$2 url=$3 secs=$4 watch=${5:-} t0="0 0" t1="0 0" c0 c1 raw="$RUN_DIR/$2.wrk"
    local sampler=""
    c0=$(core_busy_ticks "$PROXY_CPU")
    if [[ -n $watch ]]; then
        t0=$(cpu_ticks "$watch")
        # RSS while the load is on, sampled; the peak after the fact can miss it.
        (m=0; while true; do r=$(rss_kb "$watch"); ((r > m)) && m=$r && echo "$m" >"$RUN_DIR/$label.rss"; sleep 0.2; done) &
        sampler=$!
        PIDS+=("$sampler")
    fi
    BENCH_BODY=$BODY BENCH_AUTH=$BENCH_AUTH taskset -c "$LOAD_CPU" \
        wrk -t1 -c"$MAX_CONNECTIONS" -d"${secs}s" --latency -s "$BENCH_DIR/wrk/post.lua" "$url" >"$raw"
    c1=$(core_busy_ticks "$PROXY_CPU")
    if [[ -n $watch ]]; then
        t1=$(cpu_ticks "$watch")
        kill "$sampler" 2>/dev/null || true
        wait "$sampler" 2>/dev/null || true
    fi
    [[ -n $kv ]] || return 0
    local rps reqs non2xx sockerr
    rps=$(awk '/^Requests\/sec:/{print $2}' "$raw")
    reqs=$(awk '/requests in/{print $1}' "$raw")
    non2xx=$(awk '/Non-2xx/{print $NF}' "$raw")
    sockerr=$(awk -F'[ ,]+' '/Socket errors/{print $4+$6+$8+$10}' "$raw")
    {
        echo "label=$label"
        echo "rps=$rps"
        echo "requests=$reqs"
        echo "non2xx=${non2xx:-0}"
        echo "socket_errors=${sockerr:-0}"
        for q in 50 75 90 99; do
            echo "lat_p${q}_ms=$(to_ms "$(awk -v q="$q%" '$1==q{print $2}' "$raw")")"
        done
        if [[ -n $watch ]]; then
            # user vs kernel split: where a proxy's time goes, before any profiler
            awk -v a="$t0" -v b="$t1" -v n="$reqs" -v s="$secs" 'BEGIN{split(a,x," "); split(b,y," ");
                u=y[1]-x[1]; k=y[2]-x[2];
                printf "proxy_cpu_us_per_req=%.1f\nproxy_cpu_pct=%.1f\n", (u+k)/100*1e6/n, (u+k)/100/s*100;
                printf "proxy_cpu_user_pct=%.1f\nproxy_cpu_sys_pct=%.1f\n", u/100/s*100, k/100/s*100}'
            echo "proxy_rss_max_kb=$(cat "$RUN_DIR/$label.rss" 2>/dev/null || echo 0)"
        fi
        # wrk's own CPU is not known here, so other load is judged on the
        # proxy's core only: whatever ran there besides the proxy.
        awk -v a="$t0" -v b="$t1" -v c0="$c0" -v c1="$c1" -v s="$secs" 'BEGIN{split(a,x," "); split(b,y," ");
            o=((c1-c0)-(y[1]-x[1]+y[2]-x[2]))/100/s*100; printf "other_cpu_pct=%.1f\n", (o<0)?0:o}'
    } >"$kv"
    log "$(printf '%-22s %10s req/s  p50=%sms p99=%sms  non-2xx=%s socket-errors=%s  other cpu=%s%%' \
        "$label" "$rps" "$(kv "$kv" lat_p50_ms)" "$(kv "$kv" lat_p99_ms)" "${non2xx:-0}" "${sockerr:-0}" \
        "$(kv "$kv" other_cpu_pct)")"
}

run_loadgen() { # label url body rate seconds expect [name=pids]...
    local label=$1 url=$2 body=$3 rate=$4 secs=$5 expect=$6
    shift 6
    local args=() w
    for w in "$@"; do [[ $w == *=?* ]] && args+=(--watch "$w"); done
    [[ -n $BENCH_AUTH ]] && args+=(--header "Authorization: Bearer $BENCH_AUTH")
    # shellcheck disable=SC2086
    taskset -c "$LOAD_CPU" java $LOADGEN_JVM_OPTS -cp "$RUN_DIR/loadgen" LoadGen \
        --url "$url" --body "$body" --rate "$rate" --duration "$secs" --warmup "$RATE_WARMUP_SECONDS" \
        --connections "$RATE_CONNECTIONS" --expect "$expect" --label "$label" \
        --out "$RUN_DIR/$label.kv" "${args[@]}" >&2
}

# Runs a measurement (command...) that writes kv_file, and repeats it when
# other processes disturbed it (see QUIET_MAX_PCT).
measured() { # kv_file command...
    local file=$1 attempt other
    shift
    for attempt in $(seq $((PHASE_RETRIES + 1))); do
        "$@"
        other=$(kv "$file" other_cpu_pct)
        awk -v o="${other:-0}" -v q="$QUIET_MAX_PCT" 'BEGIN{exit !(o>q)}' || return 0
        if ((attempt > PHASE_RETRIES)); then
            log "still disturbed after $PHASE_RETRIES repeats; keeping it"
            return 0
        fi
        log "other processes used ${other}% of a core during that run: repeating it"
        wait_quiet >/dev/null
    done
}

# Folds the rounds of one target/rate into one kv file: counts are summed,
# peaks are maxed, everything else numeric is the median of the rounds.
# The per-round p50/p99 are kept as lists, so the spread is visible.
merge_rounds() { # out_kv in_kv...
    local out=$1
    shift
    awk -F= '
        function med(s,   a, n, i, j, t) {
            n = split(s, a, " ")
            for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
            return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        { k = $1; v = substr($0, length(k) + 2)
          if (!(k in seen)) { seen[k] = 1; order[++nk] = k; vals[k] = v } else vals[k] = vals[k] " " v }
        END {
          for (i = 1; i <= nk; i++) {
            k = order[i]; n = split(vals[k], a, " ")
            if (vals[k] !~ /^[-0-9. ]+$/) { print k "=" a[1]; continue }
            if (k ~ /^(requests|ok|bad_status|bad_body|io_errors|timeouts|errors|reconnects|late_sends_over_1ms)$/) {
                s = 0; for (j = 1; j <= n; j++) s += a[j]; print k "=" s
            } else if (k ~ /(_rss_max_kb|_hwm_kb|^max_in_flight|_max_ms|^other_cpu_pct)$/) {
                m = a[1]; for (j = 2; j <= n; j++) if (a[j] + 0 > m + 0) m = a[j]; print k "=" m
            } else {
                printf "%s=%.3f\n", k, med(vals[k])
            }
            if (k == "lat_p50_ms" || k == "lat_p99_ms") { gsub(/ /, ",", vals[k]); print k "_rounds=" vals[k] }
          }
          print "rounds=" n
        }' "$@" >"$out"
}

# ------------------------------------------------------------------ start everything

BUSY_BEFORE=$(wait_quiet)
((BUSY_BEFORE > QUIET_MAX_PCT)) && log "WARNING: starting on a busy machine (${BUSY_BEFORE}% of a core); numbers will be noisy"

render "$BENCH_DIR/nginx/upstream.conf" "$RUN_DIR/upstream.conf"
render "$BENCH_DIR/nginx/proxy.conf" "$RUN_DIR/proxy.conf"

declare -A BASE WATCH WARM
start_nginx upstream "$LOAD_CPU" "$RUN_DIR/upstream.conf"
UPSTREAM_PID=$STARTED_PID
BASE[direct]="http://127.0.0.1:$UPSTREAM_PORT"
wait_ready "${BASE[direct]}/v1/chat/completions" "$BODY" 10 "$UPSTREAM_PID" ||
    die "mock upstream did not start: $(cat "$RUN_DIR/upstream.out" "$RUN_DIR/upstream-error.log" 2>/dev/null)"
UPSTREAM_PIDS=$(nginx_pids "$UPSTREAM_PID")
WATCH[direct]=""
WARM[direct]=$WARMUP_SECONDS

# Both proxies stay up for the whole run, so that the fixed-rate rounds can
# interleave them. The one not being measured is idle on its core.
if has_target nginx; then
    start_nginx proxy "$PROXY_CPU" "$RUN_DIR/proxy.conf"
    BASE[nginx]="http://127.0.0.1:$PROXY_PORT"
    wait_ready "${BASE[nginx]}/v1/chat/completions" "$BODY" 10 "$STARTED_PID" ||
        die "nginx proxy did not start: $(cat "$RUN_DIR/proxy.out" "$RUN_DIR/proxy-error.log" 2>/dev/null)"
    WATCH[nginx]=$(nginx_pids "$STARTED_PID")
    WARM[nginx]=$WARMUP_SECONDS
fi

GATEWAY_CMD=""
if has_target gateway; then
    cat >"$RUN_DIR/gateway.json" <<EOF
{
  "server": {"host": "127.0.0.1", "port": $GATEWAY_PORT},
  "router": {"strategy": "$STRATEGY"},
  "providers": [
    {"name": "mock", "type": "openai_compatible", "base_url": "http://127.0.0.1:$UPSTREAM_PORT/v1",
     "api_key": "sk-bench", "models": {"mock-model": ["tool_calls"]}},
    {"name": "mock-stream", "type": "openai_compatible", "base_url": "http://127.0.0.1:$UPSTREAM_PORT/stream/v1",
     "api_key": "sk-bench", "models": {"mock-stream-model": []}}
  ]
}
EOF
    gw_opts=$GATEWAY_JVM_OPTS
    [[ $PROFILE == 1 ]] && gw_opts+=" -XX:StartFlightRecording=filename=$RUN_DIR/gateway.jfr,settings=profile,dumponexit=true"
    access_level=INFO
    [[ $ACCESS_LOG == on ]] || access_level=OFF
    GATEWAY_CMD="ACCESS_LOG_LEVEL=$access_level taskset -c $PROXY_CPU java $GATEWAY_JVM_OPTS -jar target/auto-gateway.jar start --config gateway.json >gateway-access.log 2>gateway.err"
    # shellcheck disable=SC2086
    ACCESS_LOG_LEVEL=$access_level taskset -c "$PROXY_CPU" java $gw_opts -jar "$RUN_DIR/auto-gateway.jar" \
        start --config "$RUN_DIR/gateway.json" >"$RUN_DIR/gateway-access.log" 2>"$RUN_DIR/gateway.err" &
    GATEWAY_PID=$!
    PIDS+=("$GATEWAY_PID")
    BASE[gateway]="http://127.0.0.1:$GATEWAY_PORT"
    wait_ready "${BASE[gateway]}/v1/chat/completions" "$BODY" 60 "$GATEWAY_PID" ||
        die "gateway did not start: $(tail -n 30 "$RUN_DIR/gateway.err")"
    WATCH[gateway]=$GATEWAY_PID
    WARM[gateway]=$GATEWAY_WARMUP_SECONDS
fi

for t in $TARGETS; do sanity_check "$t"; done

# ------------------------------------------------------------------ warm-up and max throughput

for t in $TARGETS; do
    stream_warm=2
    [[ $t == gateway ]] && stream_warm=$GATEWAY_STREAM_WARMUP_SECONDS
    log "$t: warm-up: ${stream_warm}s of streaming, then ${WARM[$t]}s at $MAX_CONNECTIONS connections in $WARMUP_RUNS runs (at least 1 s each)"
    # The SSE path is separate code in a proxy; warm it too (unrecorded). First, so that a JIT has seen every path
    # (and recompiled what the streams changed) before the measured run, not during it.
    # shellcheck disable=SC2086
    taskset -c "$LOAD_CPU" java $LOADGEN_JVM_OPTS -cp "$RUN_DIR/loadgen" LoadGen --url "$(stream_url "$t")" \
        --body "$STREAM_BODY" --rate "$STREAM_WARMUP_RATE" --duration "$stream_warm" --connections "$MAX_CONNECTIONS" \
        --expect '[DONE]' --label "$t-stream-warmup" >/dev/null
    # In WARMUP_RUNS runs, half the time in the first and the rest in short ones. Each run ends by closing its
    # connections with requests in flight, and opens new ones, as the measured run will. A JIT deoptimises the hot
    # path at the first few of these cuts (failure branches taken for the first time) and recompiles it when the
    # load resumes: with only two warm-up runs, that recompilation (1-2 s of the proxy's one core) fell into the
    # measured run about half the time. After five cuts there is ~0.1 s of compiling left in it.
    first=$((WARMUP_RUNS > 1 ? WARM[$t] / 2 : WARM[$t]))
    rest=$(((WARM[$t] - first) / (WARMUP_RUNS > 1 ? WARMUP_RUNS - 1 : 1)))
    ((rest < 1)) && rest=1
    ((first > 0)) && run_wrk "" "$t-warmup1" "${BASE[$t]}/v1/chat/completions" "$first"
    for k in $(seq 2 "$WARMUP_RUNS"); do
        run_wrk "" "$t-warmup$k" "${BASE[$t]}/v1/chat/completions" "$rest"
    done

    log "$t: max throughput, ${MAX_SECONDS}s"
    jit_before=$(jit_seconds "$t")
    measured "$RUN_DIR/$t-max.kv" run_wrk "$RUN_DIR/$t-max.kv" "$t-max" "${BASE[$t]}/v1/chat/completions" \
        "$MAX_SECONDS" "${WATCH[$t]}"
    if [[ -n $jit_before ]]; then
        log "$t: the JIT compiled for $(awk -v a="$jit_before" -v b="$(jit_seconds "$t")" \
            'BEGIN{printf "%.2f", b - a}') s during that run (all its compiler threads)"
    fi
done

# ------------------------------------------------------------------ fixed-rate rounds

for round in $(seq "$ROUNDS"); do
    for rate in $RATES; do
        for t in $TARGETS; do
            log "round $round/$ROUNDS: $t at $rate req/s, ${RATE_SECONDS}s (+${RATE_WARMUP_SECONDS}s unrecorded)"
            measured "$RUN_DIR/$t-rate$rate-r$round.kv" run_loadgen "$t-rate$rate-r$round" \
                "${BASE[$t]}/v1/chat/completions" "$BODY" "$rate" "$RATE_SECONDS" '"chat.completion"' \
                "upstream=$UPSTREAM_PIDS" "proxy=${WATCH[$t]}"
        done
    done
done
for t in $TARGETS; do
    for rate in $RATES; do
        merge_rounds "$RUN_DIR/$t-rate$rate.kv" "$RUN_DIR/$t-rate$rate"-r*.kv
    done
done

# ------------------------------------------------------------------ streaming

for t in $TARGETS; do
    log "$t: streaming at $STREAM_RATE req/s, ${STREAM_SECONDS}s"
    measured "$RUN_DIR/$t-stream.kv" run_loadgen "$t-stream" "$(stream_url "$t")" "$STREAM_BODY" "$STREAM_RATE" \
        "$STREAM_SECONDS" '[DONE]' "upstream=$UPSTREAM_PIDS" "proxy=${WATCH[$t]}"
done

GATEWAY_HWM_KB=""
if has_target gateway; then
    GATEWAY_HWM_KB=$(awk '/^VmHWM:/{print $2}' "/proc/$GATEWAY_PID/status" 2>/dev/null || true)
    # Graceful stop, so that a PROFILE=1 recording is written out.
    kill -TERM "$GATEWAY_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$GATEWAY_PID" 2>/dev/null || break; sleep 0.1; done
fi

# ------------------------------------------------------------------ report

f() { kv "$RUN_DIR/$1.kv" "$2"; }
cell() { local v; v=$(f "$1" "$2"); echo "${v:--}"; } # "-" when not run
added() { # target rate key: target minus direct, ms
    local a b
    a=$(f "$1-rate$2" "$3")
    b=$(f "direct-rate$2" "$3")
    if [[ -n $a && -n $b ]]; then awk -v a="$a" -v b="$b" 'BEGIN{printf "%+.3f", a-b}'; else echo "-"; fi
}
mb() { if [[ -n ${1:-} && ${1:-0} != 0 ]]; then awk -v k="$1" 'BEGIN{printf "%.0f", k/1024}'; else echo "-"; fi; }
errs() { # target: failed requests over every recorded run
    local t=$1 n=0 v l
    has_target "$t" || { echo "-"; return; }
    v=$(f "$t-max" non2xx); n=$((n + ${v:-0}))
    v=$(f "$t-max" socket_errors); n=$((n + ${v:-0}))
    for l in $(for r in $RATES; do echo "$t-rate$r"; done) "$t-stream"; do
        v=$(f "$l" errors); n=$((n + ${v:-0}))
    done
    echo "$n"
}
rss_max() { # target -> max RSS (kB) sampled in any recorded run
    local m=0 v l
    for l in "$1-max" "$1-stream" $(for r in $RATES; do echo "$1-rate$r"; done); do
        v=$(f "$l" proxy_rss_max_kb)
        ((${v:-0} > m)) && m=$v
    done
    echo "$m"
}
# CPU of processes that are not part of the benchmark (max over the target's
# measured runs; for wrk runs, on the proxy's core only): well above zero
# means the run was disturbed.
other_cpu() {
    local m=0 v file
    has_target "$1" || { echo "-"; return; }
    for file in "$RUN_DIR/$1"-max.kv "$RUN_DIR/$1"-rate*-r*.kv "$RUN_DIR/$1-stream.kv"; do
        [[ -e $file ]] || continue
        v=$(kv "$file" other_cpu_pct)
        m=$(awk -v a="$m" -v b="${v:-0}" 'BEGIN{print (b>a)?b:a}')
    done
    echo "$m"
}

rows=()
row() { rows+=("$(printf '| %s | %s | %s | %s |' "$1" "$2" "$3" "$4")"); }
row "Max throughput, $MAX_CONNECTIONS conns (req/s)" "$(cell direct-max rps)" "$(cell nginx-max rps)" "$(cell gateway-max rps)"
row "  latency p50 / p99 at max (ms, wrk)" \
    "$(cell direct-max lat_p50_ms) / $(cell direct-max lat_p99_ms)" \
    "$(cell nginx-max lat_p50_ms) / $(cell nginx-max lat_p99_ms)" \
    "$(cell gateway-max lat_p50_ms) / $(cell gateway-max lat_p99_ms)"
row "  proxy CPU at max (% of its core)" "-" "$(cell nginx-max proxy_cpu_pct)" "$(cell gateway-max proxy_cpu_pct)"
row "  of which user / kernel (%)" "-" \
    "$(cell nginx-max proxy_cpu_user_pct) / $(cell nginx-max proxy_cpu_sys_pct)" \
    "$(cell gateway-max proxy_cpu_user_pct) / $(cell gateway-max proxy_cpu_sys_pct)"
row "  proxy CPU per request at max (µs)" "-" "$(cell nginx-max proxy_cpu_us_per_req)" "$(cell gateway-max proxy_cpu_us_per_req)"
for rate in $RATES; do
    for k in p50 p90 p99 p999 max; do
        key=lat_${k}_ms
        label=$k
        [[ $k == p999 ]] && label=p99.9
        row "@$rate req/s latency $label (ms)" "$(cell "direct-rate$rate" "$key")" \
            "$(cell "nginx-rate$rate" "$key")" "$(cell "gateway-rate$rate" "$key")"
    done
    row "@$rate req/s p99 of each round (ms)" "$(cell "direct-rate$rate" lat_p99_ms_rounds)" \
        "$(cell "nginx-rate$rate" lat_p99_ms_rounds)" "$(cell "gateway-rate$rate" lat_p99_ms_rounds)"
    row "@$rate req/s **added p50 / p99 over direct** (ms)" "0 / 0" \
        "$(added nginx "$rate" lat_p50_ms) / $(added nginx "$rate" lat_p99_ms)" \
        "$(added gateway "$rate" lat_p50_ms) / $(added gateway "$rate" lat_p99_ms)"
    row "@$rate req/s proxy CPU per request (µs)" "-" \
        "$(cell "nginx-rate$rate" proxy_cpu_us_per_req)" "$(cell "gateway-rate$rate" proxy_cpu_us_per_req)"
    row "@$rate req/s load generator send lag p99 (ms)" "$(cell "direct-rate$rate" send_lag_p99_ms)" \
        "$(cell "nginx-rate$rate" send_lag_p99_ms)" "$(cell "gateway-rate$rate" send_lag_p99_ms)"
done
row "Streaming @$STREAM_RATE req/s: TTFB p50 / p99 (ms)" \
    "$(cell direct-stream ttfb_p50_ms) / $(cell direct-stream ttfb_p99_ms)" \
    "$(cell nginx-stream ttfb_p50_ms) / $(cell nginx-stream ttfb_p99_ms)" \
    "$(cell gateway-stream ttfb_p50_ms) / $(cell gateway-stream ttfb_p99_ms)"
row "Streaming: total time p50 / p99 (ms)" \
    "$(cell direct-stream lat_p50_ms) / $(cell direct-stream lat_p99_ms)" \
    "$(cell nginx-stream lat_p50_ms) / $(cell nginx-stream lat_p99_ms)" \
    "$(cell gateway-stream lat_p50_ms) / $(cell gateway-stream lat_p99_ms)"
row "Proxy RSS under load, max sampled (MB)" "-" "$(mb "$(rss_max nginx)")" "$(mb "$(rss_max gateway)")"
row "Gateway peak RSS, VmHWM incl. warm-up (MB)" "-" "-" "$(mb "$GATEWAY_HWM_KB")"
row "Failed requests (non-200, bad body, I/O, timeouts), all runs" "$(errs direct)" "$(errs nginx)" "$(errs gateway)"
row "Other processes' CPU during measured runs, max (% of a core)" "$(other_cpu direct)" "$(other_cpu nginx)" "$(other_cpu gateway)"
OTHER_CPU_MAX=0
for t in $TARGETS; do OTHER_CPU_MAX=$(awk -v a="$OTHER_CPU_MAX" -v b="$(other_cpu "$t")" 'BEGIN{print (b>a)?b:a}'); done

TABLE=$(printf '| Metric | direct | nginx | gateway |\n|---|---:|---:|---:|\n'; printf '%s\n' "${rows[@]}")

# The targets from the issue, judged on this run's numbers.
NOISE_NOTE=""
if awk -v m="$OTHER_CPU_MAX" -v q="$QUIET_MAX_PCT" 'BEGIN{exit !(m>q)}' || ((BUSY_BEFORE > QUIET_MAX_PCT)); then
    NOISE_NOTE="WARNING: other processes were using CPU during this run (${BUSY_BEFORE}% of a core before it, up to ${OTHER_CPU_MAX}% during a measured run); the figures are not trustworthy. Re-run on a quiet machine."
fi
verdict() {
    local v
    case $1 in 1) v=PASS ;; 0) v=FAIL ;; *) v="n/a" ;; esac
    [[ -n $NOISE_NOTE && $v != n/a ]] && v="$v (disturbed run)"
    echo "$v"
}
TARGET_RATE=2000
gw_added=$(added gateway $TARGET_RATE lat_p99_ms)
gmax=$(f gateway-max rps)
nmax=$(f nginx-max rps)
grss=$(rss_max gateway)
v1=$([[ $gw_added == - ]] && echo - || awk -v a="$gw_added" 'BEGIN{print (a<1.0)?1:0}')
v2=$([[ -n $gmax && -n $nmax ]] && awk -v g="$gmax" -v n="$nmax" 'BEGIN{print (g>=n/2)?1:0}' || echo -)
v3=$( ((grss > 0)) && awk -v k="$grss" 'BEGIN{print (k/1024<300)?1:0}' || echo -)
ratio=$([[ -n $gmax && -n $nmax ]] && awk -v g="$gmax" -v n="$nmax" 'BEGIN{printf "%.2f", g/n}' || echo -)
TARGETS_MD=$(
    cat <<EOF
| Target | Measured | Verdict |
|---|---|---|
| Gateway adds < 1 ms at p99 over direct @ $TARGET_RATE req/s | $gw_added ms | $(verdict "$v1") |
| Gateway max throughput >= 1/2 of nginx's | ${gmax:--} vs ${nmax:--} req/s (ratio $ratio) | $(verdict "$v2") |
| Gateway RSS < 300 MB under load | $(mb "$grss") MB | $(verdict "$v3") |
EOF
)

[[ -n $NOISE_NOTE ]] && log "$NOISE_NOTE"

CPU_MODEL=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)
MACHINE="$(nproc) cores ($CPU_MODEL), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $(. /etc/os-release && echo "$PRETTY_NAME")"
VERSIONS="nginx $(nginx -v 2>&1 | sed 's#.*/##'), wrk $(wrk -v 2>&1 | awk 'NR==1{print $2}'), $(java -version 2>&1 | awk 'NR==1' | tr -d '"')"
SETTINGS="request body ${BODY_FILE:-one line} (${#BODY} bytes); gateway strategy $STRATEGY; access logs $ACCESS_LOG; max throughput: wrk -t1 -c$MAX_CONNECTIONS for ${MAX_SECONDS}s; fixed rates $RATES req/s: $ROUNDS interleaved rounds of ${RATE_SECONDS}s (+${RATE_WARMUP_SECONDS}s unrecorded), median of rounds, $RATE_CONNECTIONS connections, open loop, latency from intended send time; streaming: $STREAM_RATE req/s for ${STREAM_SECONDS}s, mock SSE gap ${STREAM_GAP_MS} ms; warm-up: streams at ${STREAM_WARMUP_RATE}/s for 2s (direct, nginx) or ${GATEWAY_STREAM_WARMUP_SECONDS}s (gateway), then ${WARMUP_SECONDS}s (direct, nginx), ${GATEWAY_WARMUP_SECONDS}s (gateway) of wrk at $MAX_CONNECTIONS connections in $WARMUP_RUNS runs (at least 1 s each); pinning: load generator + mock on CPU $LOAD_CPU, proxy on CPU $PROXY_CPU"

printf '\n%s\n\n%s\n\n' "$TABLE" "$TARGETS_MD"

mkdir -p "$RESULTS_DIR"
{
    echo "# Benchmark results ($(date -u +%Y-%m-%dT%H:%MZ))"
    echo
    echo "Machine: $MACHINE"
    echo
    echo "Versions: $VERSIONS"
    echo
    echo "Settings: $SETTINGS"
    echo
    if [[ -n $GATEWAY_CMD ]]; then
        echo "Gateway: \`$GATEWAY_CMD\` ($GATEWAY_BUILD)"
        echo
    fi
    if [[ -n $NOISE_NOTE ]]; then
        echo "**$NOISE_NOTE**"
        echo
    fi
    echo "$TABLE"
    echo
    echo "$TARGETS_MD"
} >"$RESULTS_DIR/latest.md"

# Every raw key=value figure of every run, as JSON (numbers unquoted).
{
    printf '{\n  "date": "%s",\n  "machine": "%s",\n  "versions": "%s",\n  "settings": "%s",\n' \
        "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$MACHINE" "$VERSIONS" "$SETTINGS"
    printf '  "gateway_build": "%s",\n  "gateway_jvm_opts": "%s",\n  "gateway_hwm_kb": %s,\n' \
        "$GATEWAY_BUILD" "$GATEWAY_JVM_OPTS" "${GATEWAY_HWM_KB:-null}"
    printf '  "busy_before_pct": %s,\n  "other_cpu_max_pct": %s,\n  "runs": {' "$BUSY_BEFORE" "$OTHER_CPU_MAX"
    sep=""
    for file in "$RUN_DIR"/*.kv; do
        [[ -e $file ]] || continue
        printf '%s\n    "%s": {' "$sep" "$(basename "$file" .kv)"
        awk -F= 'BEGIN{s=""} {k=$1; sub(/^[^=]*=/,""); v=$0;
            if (v !~ /^-?[0-9]+(\.[0-9]+)?$/) { gsub(/"/,"\\\"",v); v="\"" v "\"" }
            printf "%s\"%s\": %s", s, k, v; s=", "}' "$file"
        printf '}'
        sep=","
    done
    printf '\n  }\n}\n'
} >"$RESULTS_DIR/latest.json"
log "wrote $RESULTS_DIR/latest.md and $RESULTS_DIR/latest.json"

if [[ $PROFILE == 1 && -f $RUN_DIR/gateway.jfr ]]; then
    # Self time by top frame, then by the innermost auto-gateway frame on the
    # stack (which of our code paths the time is spent under, library included).
    jfr print --stack-depth 64 --events jdk.ExecutionSample "$RUN_DIR/gateway.jfr" >"$RUN_DIR/gateway-samples.txt"
    java_samples=$(grep -c '^jdk.ExecutionSample' "$RUN_DIR/gateway-samples.txt" || true)
    awk '/stackTrace = \[/{getline; sub(/^[ \t]+/,""); sub(/[ \t]+line:.*/,""); top[$0]++; n++}
         END{for (f in top) printf "%6.2f%%  %s\n", top[f]*100/n, f}' "$RUN_DIR/gateway-samples.txt" |
        sort -rn | awk "NR <= 25" >"$RUN_DIR/profile-self.txt"
    awk '/stackTrace = \[/{inst=1; found=0; next}
         inst && /^[ \t]*\]/{if(!found) own["(no auto-gateway frame)"]++; n++; inst=0; next}
         inst && !found && /dev\.autogateway\./{f=$0; sub(/^[ \t]+/,"",f); sub(/[ \t]+line:.*/,"",f); own[f]++; found=1}
         END{for (f in own) printf "%6.2f%%  %s\n", own[f]*100/n, f}' "$RUN_DIR/gateway-samples.txt" |
        sort -rn | awk "NR <= 15" >"$RUN_DIR/profile-app.txt"
    # Only Java execution samples: JFR's native-method samples also count
    # threads parked in epoll_wait, so they say nothing about CPU. The table's
    # user/kernel split covers the kernel side.
    printf '\nGateway JFR: %s execution samples\n' "$java_samples"
    printf 'Hot methods (self, %% of Java samples):\n'
    cat "$RUN_DIR/profile-self.txt"
    printf '\nUnder which auto-gateway method (innermost on the stack):\n'
    cat "$RUN_DIR/profile-app.txt"
    log "JFR recording: $RUN_DIR/gateway.jfr (kept with KEEP_RUN_DIR=1)"
fi
