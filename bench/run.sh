#!/usr/bin/env bash
# Side-by-side benchmark: direct upstream vs nginx reverse proxy vs auto-gateway.
#
#   bench/run.sh                      # everything, ~4-5 minutes
#   TARGETS="direct nginx" bench/run.sh   # without the gateway
#
# Every knob is an environment variable; see bench/README.md for the list.
# Only 127.0.0.1 is ever contacted. Everything started here is stopped on exit.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")

# ------------------------------------------------------------------ knobs
TARGETS=${TARGETS:-"direct nginx gateway"}
MAX_SECONDS=${MAX_SECONDS:-10}              # wrk max-throughput run, per target
MAX_CONNECTIONS=${MAX_CONNECTIONS:-64}
WARMUP_SECONDS=${WARMUP_SECONDS:-3}         # wrk warm-up before direct / nginx
GATEWAY_WARMUP_SECONDS=${GATEWAY_WARMUP_SECONDS:-15}  # JIT needs much longer than nginx
RATES=${RATES:-"500 2000"}                  # fixed-rate latency runs, req/s
RATE_SECONDS=${RATE_SECONDS:-20}
RATE_WARMUP_SECONDS=${RATE_WARMUP_SECONDS:-3}   # unrecorded lead-in at the same rate
RATE_CONNECTIONS=${RATE_CONNECTIONS:-64}
STREAM_RATE=${STREAM_RATE:-100}
STREAM_SECONDS=${STREAM_SECONDS:-10}
STREAM_GAP_MS=${STREAM_GAP_MS:-5}           # gap between the mock's SSE events
LOAD_CPU=${LOAD_CPU:-0}                     # load generators + mock upstream
PROXY_CPU=${PROXY_CPU:-1}                   # the proxy under test (nginx or gateway)
UPSTREAM_PORT=${UPSTREAM_PORT:-9101}
PROXY_PORT=${PROXY_PORT:-9102}
GATEWAY_PORT=${GATEWAY_PORT:-8000}
GATEWAY_JAR=${GATEWAY_JAR:-$REPO_DIR/target/auto-gateway.jar}
# One core, as the gateway gets here. The heap is capped explicitly because JVM
# ergonomics would otherwise size it from the 24 GiB of RAM and RSS would then
# measure GC laziness rather than the gateway.
GATEWAY_JVM_OPTS=${GATEWAY_JVM_OPTS:-"-XX:ActiveProcessorCount=1 -XX:+UseSerialGC -Xms64m -Xmx256m"}
# The load generator must not pause for GC inside a measured window: a large
# pre-touched young generation plus a System.gc() after its warm-up does that.
LOADGEN_JVM_OPTS=${LOADGEN_JVM_OPTS:-"-XX:ActiveProcessorCount=1 -XX:+UseSerialGC -Xms1g -Xmx1g -Xmn768m -XX:+AlwaysPreTouch"}
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results}
KEEP_RUN_DIR=${KEEP_RUN_DIR:-0}
# on: both proxies log every request as they do out of the box (nginx to a
# file, the gateway's JSON access log on stdout redirected to a file).
# off: nginx "access_log off" and the gateway with ACCESS_LOG_LEVEL=OFF.
ACCESS_LOG=${ACCESS_LOG:-on}
BENCH_AUTH=${BENCH_AUTH:-}                  # client key, if the gateway config requires one
# On a 2-core box any other busy process (a build, a test suite) swamps the
# differences being measured. Above QUIET_MAX_PCT of one core the run waits up
# to QUIET_WAIT_SECONDS for the machine to calm down, then goes on with a warning.
QUIET_MAX_PCT=${QUIET_MAX_PCT:-10}
QUIET_WAIT_SECONDS=${QUIET_WAIT_SECONDS:-120}

BODY='{"model":"mock-model","messages":[{"role":"user","content":"hi"}]}'
STREAM_BODY='{"model":"mock-stream-model","stream":true,"messages":[{"role":"user","content":"hi"}]}'

RUN_DIR=$(mktemp -d /tmp/auto-gateway-bench.XXXXXX)
PIDS=()

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cleanup() {
    local rc=$?
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

stop_pid() {
    local pid=$1
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}

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

# CPU busy on the whole machine over 2 s, in % of one core.
machine_busy_pct() {
    local a b
    a=$(awk 'NR==1{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
    sleep 2
    b=$(awk 'NR==1{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN{split(a,x," "); split(b,y," "); printf "%.0f", (y[1]-x[1])/2}'
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$UPSTREAM_PORT" "$PROXY_PORT" "$GATEWAY_PORT"; do
    port_free "$port" || die "port $port on 127.0.0.1 is already in use"
done

if [[ " $TARGETS " == *" gateway "* && ! -f $GATEWAY_JAR ]]; then
    log "building $GATEWAY_JAR (mvn -q package -DskipTests)"
    (cd "$REPO_DIR" && mvn -q package -DskipTests) >"$RUN_DIR/build.log" 2>&1 ||
        die "gateway build failed, see $RUN_DIR/build.log (or run with TARGETS=\"direct nginx\")"
fi

BUSY_BEFORE=$(machine_busy_pct)
waited=0
while ((BUSY_BEFORE > QUIET_MAX_PCT && waited < QUIET_WAIT_SECONDS)); do
    log "machine is busy (${BUSY_BEFORE}% of a core used by other processes); waiting for it to go quiet"
    sleep 8
    waited=$((waited + 10))
    BUSY_BEFORE=$(machine_busy_pct)
done
((BUSY_BEFORE > QUIET_MAX_PCT)) && log "WARNING: starting on a busy machine (${BUSY_BEFORE}%); numbers will be noisy"

if [[ " $TARGETS " == *" gateway "* ]]; then
    # Run a private copy: a rebuild of target/ during the run must not pull
    # classes out from under the JVM being measured.
    cp "$GATEWAY_JAR" "$RUN_DIR/auto-gateway.jar"
fi
[[ $ACCESS_LOG == on || $ACCESS_LOG == off ]] || die "ACCESS_LOG must be on or off"

log "compiling the load generator"
javac -d "$RUN_DIR/loadgen" "$BENCH_DIR/loadgen/LoadGen.java"

# ------------------------------------------------------------------ helpers

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

# One request of each kind through the path, checked, before any load: a
# benchmark of error responses would be fast and meaningless.
sanity_check() { # name base
    local name=$1 base=$2 out
    out=$(curl -sS -m 5 -H 'Content-Type: application/json' -d "$BODY" "$base/v1/chat/completions" -w '\n%{http_code}')
    [[ ${out##*$'\n'} == 200 && $out == *'"chat.completion"'* ]] ||
        die "$name: non-streaming request failed: $out"
    out=$(curl -sS -N -m 5 -H 'Content-Type: application/json' -d "$STREAM_BODY" "$(stream_url "$name" "$base")" -w '\n%{http_code}')
    [[ ${out##*$'\n'} == 200 && $out == *'chat.completion.chunk'* && $out == *'[DONE]'* ]] ||
        die "$name: streaming request failed: $out"
}

# direct and nginx serve the SSE mock under /stream; the gateway reaches it via
# a second provider (model mock-stream-model) whose base_url has that prefix.
stream_url() { # name base
    if [[ $1 == gateway ]]; then echo "$2/v1/chat/completions"; else echo "$2/stream/v1/chat/completions"; fi
}

cpu_ticks() { # comma-separated pids -> utime+stime ticks summed
    local total=0 pid f
    for pid in ${1//,/ }; do
        # field 2 (comm) is parenthesised and may hold spaces: cut after the last ')'
        f=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
        set -- $f
        total=$((total + ${12} + ${13}))
    done
    echo "$total"
}

rss_kb() { # comma-separated pids -> VmRSS summed
    local total=0 pid v
    for pid in ${1//,/ }; do
        v=$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status" 2>/dev/null) || continue
        total=$((total + ${v:-0}))
    done
    echo "$total"
}

# wrk's latency lines look like "  99%    1.23ms"; normalise to ms.
to_ms() { awk -v v="$1" 'BEGIN{ u=v; sub(/^[0-9.]+/,"",u); n=v+0;
    if (u=="us") n/=1000; else if (u=="s") n*=1000; else if (u=="m") n*=60000; printf "%.3f", n }'; }

run_wrk() { # out_kv label url seconds watch_pids
    local kv=$1 label=$2 url=$3 secs=$4 watch=${5:-} t0 t1 raw="$RUN_DIR/$2.wrk"
    local sampler=""
    if [[ -n $watch ]]; then
        t0=$(cpu_ticks "$watch")
        # RSS while the load is on, sampled; the peak after the fact can miss it.
        (m=0; while true; do r=$(rss_kb "$watch"); ((r > m)) && m=$r && echo "$m" >"$RUN_DIR/$label.rss"; sleep 0.2; done) &
        sampler=$!
        PIDS+=("$sampler")
    fi
    BENCH_BODY=$BODY BENCH_AUTH=$BENCH_AUTH taskset -c "$LOAD_CPU" \
        wrk -t1 -c"$MAX_CONNECTIONS" -d"${secs}s" --latency -s "$BENCH_DIR/wrk/post.lua" "$url" >"$raw"
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
            echo "proxy_cpu_us_per_req=$(awk -v t=$((t1 - t0)) -v n="$reqs" 'BEGIN{printf "%.1f", t/100*1e6/n}')"
            echo "proxy_cpu_pct=$(awk -v t=$((t1 - t0)) -v s="$secs" 'BEGIN{printf "%.1f", t/100/s*100}')"
            echo "proxy_rss_max_kb=$(cat "$RUN_DIR/$label.rss" 2>/dev/null || echo 0)"
        fi
    } >"$kv"
    log "$(printf '%-22s %10s req/s  p50=%sms p99=%sms  non-2xx=%s socket-errors=%s' \
        "$label" "$rps" "$(kv "$kv" lat_p50_ms)" "$(kv "$kv" lat_p99_ms)" "${non2xx:-0}" "${sockerr:-0}")"
}

run_loadgen() { # label url body rate seconds expect watch...
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

kv() { # file key -> value ("" if absent)
    awk -F= -v k="$2" '$1==k{sub(/^[^=]*=/,""); print; exit}' "$1" 2>/dev/null || true
}

# ------------------------------------------------------------------ the runs

render "$BENCH_DIR/nginx/upstream.conf" "$RUN_DIR/upstream.conf"
render "$BENCH_DIR/nginx/proxy.conf" "$RUN_DIR/proxy.conf"
start_nginx upstream "$LOAD_CPU" "$RUN_DIR/upstream.conf"
UPSTREAM_PID=$STARTED_PID
wait_ready "http://127.0.0.1:$UPSTREAM_PORT/v1/chat/completions" "$BODY" 10 "$UPSTREAM_PID" ||
    die "mock upstream did not start: $(cat "$RUN_DIR/upstream.out" "$RUN_DIR/upstream-error.log" 2>/dev/null)"
UPSTREAM_PIDS=$(nginx_pids "$UPSTREAM_PID")

cat >"$RUN_DIR/gateway.json" <<EOF
{
  "server": {"host": "127.0.0.1", "port": $GATEWAY_PORT},
  "router": {"strategy": "sequential"},
  "providers": [
    {"name": "mock", "type": "openai_compatible", "base_url": "http://127.0.0.1:$UPSTREAM_PORT/v1",
     "api_key": "sk-bench", "models": {"mock-model": []}},
    {"name": "mock-stream", "type": "openai_compatible", "base_url": "http://127.0.0.1:$UPSTREAM_PORT/stream/v1",
     "api_key": "sk-bench", "models": {"mock-stream-model": []}}
  ]
}
EOF

GATEWAY_HWM_KB=""
GATEWAY_CMD=""
for target in $TARGETS; do
    watch=""
    case $target in
        direct)
            base="http://127.0.0.1:$UPSTREAM_PORT"
            warm=$WARMUP_SECONDS
            ;;
        nginx)
            start_nginx proxy "$PROXY_CPU" "$RUN_DIR/proxy.conf"
            proxy_pid=$STARTED_PID
            base="http://127.0.0.1:$PROXY_PORT"
            wait_ready "$base/v1/chat/completions" "$BODY" 10 "$proxy_pid" ||
                die "nginx proxy did not start: $(cat "$RUN_DIR/proxy.out" "$RUN_DIR/proxy-error.log" 2>/dev/null)"
            watch=$(nginx_pids "$proxy_pid")
            warm=$WARMUP_SECONDS
            ;;
        gateway)
            access_level=INFO
            [[ $ACCESS_LOG == on ]] || access_level=OFF
            GATEWAY_CMD="ACCESS_LOG_LEVEL=$access_level taskset -c $PROXY_CPU java $GATEWAY_JVM_OPTS -jar target/auto-gateway.jar start --config gateway.json >gateway-access.log 2>gateway.err"
            # shellcheck disable=SC2086
            ACCESS_LOG_LEVEL=$access_level taskset -c "$PROXY_CPU" java $GATEWAY_JVM_OPTS -jar "$RUN_DIR/auto-gateway.jar" \
                start --config "$RUN_DIR/gateway.json" >"$RUN_DIR/gateway-access.log" 2>"$RUN_DIR/gateway.err" &
            proxy_pid=$!
            PIDS+=("$proxy_pid")
            base="http://127.0.0.1:$GATEWAY_PORT"
            wait_ready "$base/v1/chat/completions" "$BODY" 60 "$proxy_pid" ||
                die "gateway did not start: $(tail -n 30 "$RUN_DIR/gateway.err")"
            watch=$proxy_pid
            warm=$GATEWAY_WARMUP_SECONDS
            ;;
        *) die "unknown target $target (want direct, nginx, gateway)" ;;
    esac
    sanity_check "$target" "$base"
    log "$target: warm-up ${warm}s at $MAX_CONNECTIONS connections"
    run_wrk "" "$target-warmup" "$base/v1/chat/completions" "$warm"
    # The SSE path has its own code in a proxy; warm it too (unrecorded).
    taskset -c "$LOAD_CPU" java $LOADGEN_JVM_OPTS -cp "$RUN_DIR/loadgen" LoadGen --url "$(stream_url "$target" "$base")" \
        --body "$STREAM_BODY" --rate "$STREAM_RATE" --duration 2 --connections 16 --expect '[DONE]' \
        --label "$target-stream-warmup" >/dev/null

    log "$target: max throughput, ${MAX_SECONDS}s"
    run_wrk "$RUN_DIR/$target-max.kv" "$target-max" "$base/v1/chat/completions" "$MAX_SECONDS" "$watch"

    for rate in $RATES; do
        log "$target: fixed rate $rate req/s, ${RATE_SECONDS}s (+${RATE_WARMUP_SECONDS}s unrecorded)"
        run_loadgen "$target-rate$rate" "$base/v1/chat/completions" "$BODY" "$rate" "$RATE_SECONDS" \
            '"chat.completion"' "upstream=$UPSTREAM_PIDS" "proxy=$watch"
    done

    log "$target: streaming at $STREAM_RATE req/s, ${STREAM_SECONDS}s"
    run_loadgen "$target-stream" "$(stream_url "$target" "$base")" "$STREAM_BODY" "$STREAM_RATE" "$STREAM_SECONDS" \
        '[DONE]' "upstream=$UPSTREAM_PIDS" "proxy=$watch"

    case $target in
        nginx) stop_pid "$proxy_pid" ;;
        gateway)
            GATEWAY_HWM_KB=$(awk '/^VmHWM:/{print $2}' "/proc/$proxy_pid/status" 2>/dev/null || true)
            stop_pid "$proxy_pid"
            ;;
    esac
done

# ------------------------------------------------------------------ report

f() { kv "$RUN_DIR/$1.kv" "$2"; }
# value or "-" when the target was not run
cell() { local v; v=$(f "$1" "$2"); echo "${v:--}"; }
added() { # target rate key: gateway/nginx minus direct, ms
    local a b
    a=$(f "$1-rate$2" "$3")
    b=$(f "direct-rate$2" "$3")
    [[ -n $a && -n $b ]] && awk -v a="$a" -v b="$b" 'BEGIN{printf "%+.3f", a-b}' || echo "-"
}
mb() { [[ -n ${1:-} && $1 != 0 ]] && awk -v k="$1" 'BEGIN{printf "%.0f", k/1024}' || echo "-"; }
errs() { # target: non-200/IO errors over every recorded phase
    local t=$1 n=0 v
    v=$(f "$t-max" non2xx); n=$((n + ${v:-0}))
    v=$(f "$t-max" socket_errors); n=$((n + ${v:-0}))
    for r in $RATES stream; do
        [[ $r == stream ]] && v=$(f "$t-stream" errors) || v=$(f "$t-rate$r" errors)
        n=$((n + ${v:-0}))
    done
    [[ -f $RUN_DIR/$t-max.kv ]] && echo "$n" || echo "-"
}

rows=()
row() { rows+=("$(printf '| %s | %s | %s | %s |' "$1" "$2" "$3" "$4")"); }
row "Max throughput, $MAX_CONNECTIONS conns (req/s)" "$(cell direct-max rps)" "$(cell nginx-max rps)" "$(cell gateway-max rps)"
row "  latency p50 / p99 at max (ms)" \
    "$(cell direct-max lat_p50_ms) / $(cell direct-max lat_p99_ms)" \
    "$(cell nginx-max lat_p50_ms) / $(cell nginx-max lat_p99_ms)" \
    "$(cell gateway-max lat_p50_ms) / $(cell gateway-max lat_p99_ms)"
row "  proxy CPU at max (% of its core)" "-" "$(cell nginx-max proxy_cpu_pct)" "$(cell gateway-max proxy_cpu_pct)"
row "  proxy CPU per request at max (µs)" "-" "$(cell nginx-max proxy_cpu_us_per_req)" "$(cell gateway-max proxy_cpu_us_per_req)"
for rate in $RATES; do
    for k in p50 p90 p99 p999 max; do
        [[ $k == max ]] && key=lat_max_ms || key=lat_${k}_ms
        label=$k
        [[ $k == p999 ]] && label=p99.9
        row "@$rate req/s latency $label (ms)" "$(cell "direct-rate$rate" "$key")" \
            "$(cell "nginx-rate$rate" "$key")" "$(cell "gateway-rate$rate" "$key")"
    done
    row "@$rate req/s **added p50 / p99 over direct** (ms)" "0 / 0" \
        "$(added nginx "$rate" lat_p50_ms) / $(added nginx "$rate" lat_p99_ms)" \
        "$(added gateway "$rate" lat_p50_ms) / $(added gateway "$rate" lat_p99_ms)"
    row "@$rate req/s proxy CPU per request (µs)" "-" \
        "$(cell "nginx-rate$rate" proxy_cpu_us_per_req)" "$(cell "gateway-rate$rate" proxy_cpu_us_per_req)"
    row "@$rate req/s loadgen send lag p99 (ms)" "$(cell "direct-rate$rate" send_lag_p99_ms)" \
        "$(cell "nginx-rate$rate" send_lag_p99_ms)" "$(cell "gateway-rate$rate" send_lag_p99_ms)"
done
row "Streaming @$STREAM_RATE req/s TTFB p50 / p99 (ms)" \
    "$(cell direct-stream ttfb_p50_ms) / $(cell direct-stream ttfb_p99_ms)" \
    "$(cell nginx-stream ttfb_p50_ms) / $(cell nginx-stream ttfb_p99_ms)" \
    "$(cell gateway-stream ttfb_p50_ms) / $(cell gateway-stream ttfb_p99_ms)"
row "Streaming total time p50 / p99 (ms)" \
    "$(cell direct-stream lat_p50_ms) / $(cell direct-stream lat_p99_ms)" \
    "$(cell nginx-stream lat_p50_ms) / $(cell nginx-stream lat_p99_ms)" \
    "$(cell gateway-stream lat_p50_ms) / $(cell gateway-stream lat_p99_ms)"
rss_max() { # target -> max RSS (kB) seen in any recorded phase
    local m=0 v
    for l in "$1-max" "$1-stream" $(for r in $RATES; do echo "$1-rate$r"; done); do
        v=$(f "$l" proxy_rss_max_kb)
        ((${v:-0} > m)) && m=$v
    done
    echo "$m"
}
row "Proxy RSS under load, max sampled (MB)" "-" "$(mb "$(rss_max nginx)")" "$(mb "$(rss_max gateway)")"
row "Gateway peak RSS, VmHWM incl. warm-up (MB)" "-" "-" "$(mb "$GATEWAY_HWM_KB")"
# CPU of processes that are not part of the benchmark, per target (max over
# its fixed-rate and streaming runs): non-zero means the run was disturbed.
other_cpu() {
    local m=0 v file
    for file in "$RUN_DIR/$1"-rate*.kv "$RUN_DIR/$1-stream.kv"; do
        [[ -e $file ]] || continue
        v=$(kv "$file" other_cpu_pct)
        m=$(awk -v a="$m" -v b="${v:-0}" 'BEGIN{print (b>a)?b:a}')
    done
    [[ -f $RUN_DIR/$1-stream.kv ]] && echo "$m" || echo "-"
}
OTHER_CPU_MAX=0
for t in direct nginx gateway; do
    v=$(other_cpu "$t")
    [[ $v == - ]] || OTHER_CPU_MAX=$(awk -v a="$OTHER_CPU_MAX" -v b="$v" 'BEGIN{print (b>a)?b:a}')
done
row "Other processes' CPU during the fixed-rate runs, max (% of a core)" "$(other_cpu direct)" "$(other_cpu nginx)" "$(other_cpu gateway)"
row "Errors: non-200, bad body, I/O, timeouts (all phases)" "$(errs direct)" "$(errs nginx)" "$(errs gateway)"

TABLE=$(printf '| Metric | direct | nginx | gateway |\n|---|---:|---:|---:|\n'; printf '%s\n' "${rows[@]}")

# Targets from the issue, judged on this run's numbers.
verdict() { [[ $1 == 1 ]] && echo PASS || { [[ $1 == 0 ]] && echo FAIL || echo "n/a"; }; }
last_rate=2000
t1=$(a=$(added gateway $last_rate lat_p99_ms); [[ $a == - ]] && echo - || awk -v a="$a" 'BEGIN{print (a<1.0)?1:0}')
t2=$(g=$(f gateway-max rps); n=$(f nginx-max rps); [[ -n $g && -n $n ]] && awk -v g="$g" -v n="$n" 'BEGIN{print (g>=n/2)?1:0}' || echo -)
grss=$(rss_max gateway)
t3=$( ((grss > 0)) && awk -v k="$grss" 'BEGIN{print (k/1024<300)?1:0}' || echo -)
gmax=$(f gateway-max rps)
nmax=$(f nginx-max rps)
ratio=$([[ -n $gmax && -n $nmax ]] && awk -v g="$gmax" -v n="$nmax" 'BEGIN{printf "%.2f", g/n}' || echo -)
TARGETS_MD=$(cat <<EOF
| Target | Measured | Verdict |
|---|---|---|
| Gateway adds < 1 ms at p99 over direct @ $last_rate req/s | $(added gateway $last_rate lat_p99_ms) ms | $(verdict "$t1") |
| Gateway max throughput >= 1/2 of nginx's | ${gmax:--} vs ${nmax:--} req/s (ratio $ratio) | $(verdict "$t2") |
| Gateway RSS < 300 MB under load | $(mb "$grss") MB | $(verdict "$t3") |
EOF
)

CPU_MODEL=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)
MACHINE="$(nproc) cores ($CPU_MODEL), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $(. /etc/os-release && echo "$PRETTY_NAME")"
VERSIONS="nginx $(nginx -v 2>&1 | sed 's#.*/##'), wrk $(wrk -v 2>&1 | awk 'NR==1{print $2}'), $(java -version 2>&1 | head -n1)"

SETTINGS="access logs: $ACCESS_LOG; max: wrk -t1 -c$MAX_CONNECTIONS ${MAX_SECONDS}s; fixed rates: $RATES req/s for ${RATE_SECONDS}s each (+${RATE_WARMUP_SECONDS}s unrecorded), $RATE_CONNECTIONS connections, open loop, latency from intended send time; streaming: $STREAM_RATE req/s for ${STREAM_SECONDS}s, mock SSE gap ${STREAM_GAP_MS} ms; warm-up: ${WARMUP_SECONDS}s (direct, nginx), ${GATEWAY_WARMUP_SECONDS}s (gateway) at $MAX_CONNECTIONS connections; CPU pinning: load generator + mock on core $LOAD_CPU, proxy on core $PROXY_CPU"

NOISE_NOTE=""
if awk -v m="$OTHER_CPU_MAX" -v q="$QUIET_MAX_PCT" 'BEGIN{exit !(m>q)}' || ((BUSY_BEFORE > QUIET_MAX_PCT)); then
    NOISE_NOTE="WARNING: other processes were using CPU during this run (${BUSY_BEFORE}% before it, up to ${OTHER_CPU_MAX}% of a core during it); the latency figures are not trustworthy. Re-run on a quiet machine."
    log "$NOISE_NOTE"
fi

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
    [[ -n $NOISE_NOTE ]] && echo "**$NOISE_NOTE**" && echo
    [[ -n $GATEWAY_CMD ]] && echo "Gateway: \`$GATEWAY_CMD\`" && echo
    echo "$TABLE"
    echo
    echo "$TARGETS_MD"
} >"$RESULTS_DIR/latest.md"

# Every raw key=value figure, as JSON (numbers unquoted).
{
    printf '{\n  "date": "%s",\n  "machine": "%s",\n  "versions": "%s",\n  "settings": "%s",\n' \
        "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$MACHINE" "${VERSIONS//\"/}" "$SETTINGS"
    printf '  "gateway_jvm_opts": "%s",\n  "gateway_hwm_kb": %s,\n' "$GATEWAY_JVM_OPTS" "${GATEWAY_HWM_KB:-null}"
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
