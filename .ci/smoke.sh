#!/usr/bin/env bash
# Smoke test of the fat jar as a user runs it: every CLI command, then the server answering curl.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/auto-gateway.jar
PORT=${SMOKE_PORT:-18411}
WORK=$(mktemp -d)
LOG="$WORK/gateway.log"
GW_PID=
cleanup() {
  [ -n "$GW_PID" ] && kill "$GW_PID" 2>/dev/null && wait "$GW_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "SMOKE FAIL: $*"; [ -f "$LOG" ] && tail -n 30 "$LOG"; exit 1; }

java -jar "$JAR" version | grep -q '^auto-gateway ' || fail "version"
java -jar "$JAR" check --config config.json.example >/dev/null 2>&1 && fail "check must refuse the example without its env vars"
OPENAI_API_KEY=a OPENAI_API_KEY_2=b GROQ_API_KEY=c OPENROUTER_API_KEY=d GEMINI_API_KEY=e \
  java -jar "$JAR" check --config config.json.example | grep -q '^OK: providers=5 strategy=sequential tunnel=none$' || fail "check example"
java -jar "$JAR" check --config conf/config.json | grep -q '^OK: providers=1' || fail "check conf/config.json"
HOME_DIR="$WORK/home"
java -Duser.home="$HOME_DIR" -jar "$JAR" save-global --config conf/config.json >/dev/null || fail "save-global"
[ -f "$HOME_DIR/.auto-gateway/config.json" ] || fail "save-global wrote nothing"

# Starts the jar with no config on $PORT with the given java and waits until it answers.
start_zero_config() {
  env -u OPENAI_API_KEY "$1" -Duser.home="$WORK/empty-home" -jar "$JAR" start --port "$PORT" >"$LOG" 2>&1 &
  GW_PID=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && return
    kill -0 "$GW_PID" 2>/dev/null || fail "gateway exited ($1)"
    sleep 0.2
  done
}

# Zero-config start, exactly as README shows it (plus a free port).
start_zero_config java
curl -fsS "http://127.0.0.1:$PORT/health" | grep -q '"status":"ok"' || fail "health"
curl -fsS "http://127.0.0.1:$PORT/v1/models" | grep -q '"id":"echo"' || fail "models"
curl -fsS "http://127.0.0.1:$PORT/v1/chat/completions" -H 'content-type: application/json' \
  -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}' | grep -q '"content":"Echo: hello"' || fail "chat"
curl -fsSN "http://127.0.0.1:$PORT/v1/chat/completions" -H 'content-type: application/json' \
  -d '{"model":"echo","stream":true,"messages":[{"role":"user","content":"hello"}]}' | tail -n 2 | grep -q '^data: \[DONE\]$' || fail "stream"
status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v1/chat/completions" -d '{bad')
[ "$status" = 400 ] || fail "malformed JSON gave $status"
# One JSON access-log line per request, with what served it and how it ended (written in batches: wait for them).
for _ in $(seq 1 50); do
  [ "$(grep -c '^{"time":.*"request_id":.*"path":"/v1/chat/completions"' "$LOG")" -ge 3 ] && break
  sleep 0.1
done
grep '^{"time":.*"request_id":' "$LOG" | python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin]
chat = [l for l in lines if l["path"] == "/v1/chat/completions"]
assert len(chat) == 3, chat
ok = chat[0]
assert (ok["method"], ok["status"], ok["stream"], ok["model_requested"], ok["provider"], ok["model"], ok["attempts"], ok["outcome"]) \
    == ("POST", 200, False, "gpt-4o-mini", "echo", "gpt-4o-mini", 1, "ok"), ok
assert isinstance(ok["latency_ms"], int) and isinstance(ok["ttft_ms"], int) and len(ok["request_id"]) == 36, ok
import datetime
age = datetime.datetime.now(datetime.timezone.utc) - datetime.datetime.fromisoformat(ok["time"].replace("Z", "+00:00"))
assert datetime.timedelta(0) <= age < datetime.timedelta(minutes=5), ok
assert chat[1]["stream"] is True and chat[1]["status"] == 200, chat[1]
assert (chat[2]["status"], chat[2]["outcome"], chat[2]["provider"], chat[2]["ttft_ms"]) == (400, "error", None, None), chat[2]
' || fail "access log lines"
kill "$GW_PID"; wait "$GW_PID" 2>/dev/null || true; GW_PID=

# The same over a UNIX domain socket.
SOCK="$WORK/gw.sock"
env -u OPENAI_API_KEY java -Duser.home="$WORK/empty-home" -jar "$JAR" start --socket "$SOCK" >"$LOG" 2>&1 &
GW_PID=$!
for _ in $(seq 1 100); do
  [ -S "$SOCK" ] && curl -fsS --unix-socket "$SOCK" http://localhost/health >/dev/null 2>&1 && break
  kill -0 "$GW_PID" 2>/dev/null || fail "gateway on a socket exited"
  sleep 0.2
done
curl -fsS --unix-socket "$SOCK" http://localhost/v1/chat/completions -H 'content-type: application/json' \
  -d '{"model":"echo","messages":[{"role":"user","content":"over a socket"}]}' | grep -q '"content":"Echo: over a socket"' || fail "unix socket"
kill "$GW_PID"; wait "$GW_PID" 2>/dev/null || true; GW_PID=
[ -e "$SOCK" ] && fail "socket file left behind after shutdown"

# Every other JDK on the machine (Temurin's is 25 here): the jar must start, answer and say nothing alarming.
# Enable-Native-Access in the manifest keeps JDK 22+ from warning about Netty's native transport.
others=0
for other in /usr/lib/jvm/*/bin/java; do
  [ "$(readlink -f "$other")" = "$(readlink -f "$(command -v java)")" ] && continue
  feature=$("$other" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/{print $2}')
  [ -n "$feature" ] && [ "${feature%%.*}" -ge 17 ] || continue
  others=$((others + 1))
  start_zero_config "$other"
  curl -fsS "http://127.0.0.1:$PORT/v1/chat/completions" -H 'content-type: application/json' \
    -d '{"model":"echo","messages":[{"role":"user","content":"jdk"}]}' | grep -q '"content":"Echo: jdk"' || fail "chat on JDK $feature"
  grep -q 'epoll transport' "$LOG" || fail "JDK $feature: not on the epoll transport"
  grep -q '^WARNING' "$LOG" && fail "JDK $feature printed warnings"
  kill "$GW_PID"; wait "$GW_PID" 2>/dev/null || true; GW_PID=
  echo "smoke: JDK $feature ok"
done
echo "smoke: 10 passed, 0 failed (other JDKs: $others)"
