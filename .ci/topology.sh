#!/usr/bin/env bash
# The docker/compose.yaml topology without Docker: two clustered gateway instances behind nginx on one port.
# A client sends a steady stream of requests through the load balancer while one instance is stopped (SIGTERM,
# graceful drain) and started again. Every client request must succeed: the load balancer retries a refused
# connection on the other instance, and the stopping instance drains what it has in flight.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nginx >/dev/null || { echo "topology: nginx is required (apt-get install nginx)"; exit 1; }

JAR=${GATEWAY_JAR:-target/auto-gateway.jar}
LB_PORT=${LB_PORT:-18600}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "TOPOLOGY FAIL: $*"; tail -n 20 "$WORK"/gw*.log 2>/dev/null || true; exit 1; }

config() { # instance index -> config file
  cat >"$WORK/gw$1.json" <<JSON
{"server": {"host": "127.0.0.1", "port": $((18610 + $1)), "drain_timeout": 10},
 "cluster": {"name": "topology-$$", "host": "127.0.0.1", "port": $((15810 + $1)),
             "members": ["127.0.0.1:15811", "127.0.0.1:15812"]},
 "providers": [{"name": "echo", "type": "echo", "models": ["echo"], "delay_ms": 20}]}
JSON
}
start_instance() {
  java -Xmx256m -jar "$JAR" start --cluster --config "$WORK/gw$1.json" >>"$WORK/gw$1.log" 2>&1 &
  PIDS[$1]=$!
  for _ in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:$((18610 + $1))/ready" >/dev/null 2>&1 && return 0
    kill -0 "${PIDS[$1]}" 2>/dev/null || fail "instance $1 exited"
    sleep 0.2
  done
  fail "instance $1 did not become ready"
}

config 1; config 2
start_instance 1; start_instance 2
grep -q "joining cluster" "$WORK/gw2.log" || fail "instance 2 did not run clustered"

cat >"$WORK/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp;
  upstream gateways {
    server 127.0.0.1:18611 max_fails=1 fail_timeout=2s;
    server 127.0.0.1:18612 max_fails=1 fail_timeout=2s;
    keepalive 32;
  }
  server {
    listen 127.0.0.1:$LB_PORT;
    location / {
      proxy_pass http://gateways;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      # A refused or reset connection (an instance stopping) is retried on the other one; POST included, since
      # the gateway had not started on it.
      proxy_next_upstream error timeout non_idempotent;
      proxy_next_upstream_tries 2;
    }
  }
}
NGINX
mkdir -p "$WORK/tmp"
nginx -c "$WORK/nginx.conf" -p "$WORK" || fail "nginx did not start"

# The client: 10 requests per second, each checked, for the whole scenario.
client() {
  local ok=0 bad=0
  while [ ! -f "$WORK/stop-client" ]; do
    if curl -fsS -m 10 "http://127.0.0.1:$LB_PORT/v1/chat/completions" -H 'content-type: application/json' \
        -d '{"model":"echo","messages":[{"role":"user","content":"ping"}]}' | grep -q '"Echo: ping"'; then
      ok=$((ok + 1))
    else
      bad=$((bad + 1))
    fi
    sleep 0.1
  done
  echo "$ok $bad" >"$WORK/client-result"
}
client &
CLIENT=$!
sleep 3
kill -TERM "${PIDS[1]}"; wait "${PIDS[1]}" 2>/dev/null || true    # instance 1 drains and stops
sleep 3
start_instance 1                                                # and comes back, joining the cluster again
sleep 3
touch "$WORK/stop-client"; wait "$CLIENT"
read -r ok bad <"$WORK/client-result"
[ "$ok" -gt 50 ] || fail "only $ok requests went through"
[ "$bad" -eq 0 ] || fail "$bad client request(s) failed while an instance restarted"
grep -q "stopped" "$WORK/gw1.log" || fail "instance 1 did not shut down gracefully"
echo "topology: $ok requests through the load balancer while an instance restarted"
echo "topology: 1 passed, 0 failed"
