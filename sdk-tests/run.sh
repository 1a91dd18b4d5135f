#!/usr/bin/env bash
# The official OpenAI SDKs for Node and Python, unchanged but for base URL and key, against the gateway's fat jar.
# Builds nothing: needs target/auto-gateway.jar (mvn -q package -DskipTests). The Java SDK suite runs with Maven
# (src/test/java/dev/autogateway/sdk/OpenAiJavaSdkTest.java).
#
#   bash sdk-tests/run.sh            both suites
#   SDK_SUITES=node bash sdk-tests/run.sh     only one (node | python)
#
# The Python SDK comes from the local wheel mirror (PIP_INDEX_URL_SDK / PIP_EXTRA_INDEX_URL_SDK override it) into a
# throwaway venv. All traffic stays on 127.0.0.1. Exits non-zero if any suite fails.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
export GATEWAY_JAR="${GATEWAY_JAR:-$root/target/auto-gateway.jar}"
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"
suites="${SDK_SUITES:-node python}"
index_url="${PIP_INDEX_URL_SDK:-file:///opt/pypi/simple}"
extra_index_url="${PIP_EXTRA_INDEX_URL_SDK:-file:///opt/pypi-more/simple}"
suite_timeout="${SDK_SUITE_TIMEOUT:-300}"

if [ ! -f "$GATEWAY_JAR" ]; then
  echo "sdk-tests: $GATEWAY_JAR not found; build it first: mvn -q package -DskipTests" >&2
  exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/auto-gateway-sdk-tests.XXXXXX")"
trap 'rm -rf "$work"' EXIT

summaries=()
failed_suites=0
total_pass=0
total_fail=0

# record NAME EXIT_CODE PASS FAIL
record() {
  local name="$1" rc="$2" pass="${3:-0}" fail="${4:-0}"
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
    fail=1 # the suite broke before (or without) reporting a failed test
  fi
  if [ "$rc" -ne 0 ] || [ "$fail" -ne 0 ] || [ "$pass" -eq 0 ]; then
    failed_suites=$((failed_suites + 1))
  fi
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
  summaries+=("$name: $pass passed, $fail failed")
}

run_node() {
  local log="$work/node.log" rc pass fail cancelled
  echo "== node: official openai SDK $(cd "$here/node" && node -p 'require("./package.json").dependencies.openai') on node $(node --version)"
  (
    cd "$here/node" &&
      npm ci --no-audit --no-fund --loglevel=error &&
      timeout "$suite_timeout" npm test
  ) 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  pass=$(grep -aE '^(# |ℹ )pass [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$')
  fail=$(grep -aE '^(# |ℹ )fail [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$')
  cancelled=$(grep -aE '^(# |ℹ )cancelled [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$')
  record node "$rc" "${pass:-0}" "$((${fail:-0} + ${cancelled:-0}))"
}

run_python() {
  local log="$work/python.log" venv="$work/venv" rc pass fail
  echo "== python: official openai SDK $(sed -n 's/^openai==//p' "$here/python/requirements.txt") on $(python3 --version)"
  if ! python3 -m venv "$venv" >"$work/venv.log" 2>&1 ||
    ! "$venv/bin/pip" install --quiet --disable-pip-version-check --index-url "$index_url" \
      --extra-index-url "$extra_index_url" -r "$here/python/requirements.txt" >>"$work/venv.log" 2>&1; then
    cat "$work/venv.log"
    echo "python: could not install the openai package from $index_url" >&2
    record python 1 0 0
    return
  fi
  (cd "$here/python" && timeout "$suite_timeout" "$venv/bin/python" -B test_sdk.py) 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  pass=$(grep -aE '^python: [0-9]+ passed' "$log" | tail -1 | sed -E 's/^python: ([0-9]+) passed.*/\1/')
  fail=$(grep -aE '^python: [0-9]+ passed, [0-9]+ failed' "$log" | tail -1 | sed -E 's/^python: [0-9]+ passed, ([0-9]+) failed.*/\1/')
  record python "$rc" "${pass:-0}" "${fail:-0}"
}

for suite in $suites; do
  case "$suite" in
    node) run_node ;;
    python) run_python ;;
    *) echo "sdk-tests: unknown suite '$suite' (node | python)" >&2; exit 2 ;;
  esac
done

echo
echo "== SDK compatibility summary"
for s in "${summaries[@]}"; do
  echo "$s"
done
echo "sdk-tests: $total_pass passed, $total_fail failed"
[ "$failed_suites" -eq 0 ]
