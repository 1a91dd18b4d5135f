-- wrk request script: the same non-streaming chat completion request the
-- fixed-rate runs send. BENCH_AUTH (optional) becomes a bearer token, for a
-- gateway configured with client keys.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or '{"model":"mock-model","messages":[{"role":"user","content":"hi"}]}'
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("BENCH_AUTH")
if auth ~= nil and auth ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. auth
end
