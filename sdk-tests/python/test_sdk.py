"""The official ``openai`` Python SDK, configured with nothing but the gateway's base URL and key, against the real
gateway jar in front of a mock upstream that speaks OpenAI's wire format.

The client is built with ``_strict_response_validation=True``, the SDK's own switch that validates every response and
stream chunk against its pydantic models (instead of building them leniently), so a missing or mistyped field fails.

Run: ``python test_sdk.py`` (needs target/auto-gateway.jar; GATEWAY_JAR and JAVA override the jar and java paths).
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
from pathlib import Path

# Every request in this suite goes to 127.0.0.1: never through a proxy from the environment.
for _var in ("NO_PROXY", "no_proxy"):
    os.environ[_var] = ",".join(filter(None, [os.environ.get(_var), "127.0.0.1", "localhost"]))

import openai  # noqa: E402
from openai import OpenAI  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mock_upstream import USAGE, MockUpstream, answer, completion_with, events, status  # noqa: E402

MODEL = "gpt-4o-mini"
GATEWAY_KEY = "gw-key"
UPSTREAM_KEY = "sk-upstream"
CALL_ID = "call_Wx8Lq3ZbV1sT9kPq"
# A 1x1 transparent PNG.
IMAGE_DATA_URL = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city", "unit"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}

JAR = Path(os.environ.get("GATEWAY_JAR") or Path(__file__).resolve().parents[2] / "target" / "auto-gateway.jar")
JAVA = os.environ.get("JAVA", "java")
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GatewayProcess:
    """The gateway fat jar as a child process on a free 127.0.0.1 port, with a temporary config file."""

    def __init__(self, config: dict) -> None:
        self.dir = tempfile.TemporaryDirectory(prefix="auto-gateway-py-sdk-")
        self.config_file = Path(self.dir.name) / "config.json"
        self.config_file.write_text(json.dumps(config, indent=2))
        self.log_file = Path(self.dir.name) / "gateway.log"
        self.proc: subprocess.Popen | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout_s: float = 60) -> "GatewayProcess":
        if not JAR.is_file():
            raise RuntimeError(f"{JAR} not found: build it first with 'mvn -q package -DskipTests'")
        error: Exception | None = None
        for _ in range(3):  # a port lost to a race between free_port() and the jar's bind is retried
            self.port = free_port()
            try:
                self._spawn_and_wait(timeout_s)
                return self
            except RuntimeError as e:
                error = e
                self.stop()
        raise error  # type: ignore[misc]

    def _spawn_and_wait(self, timeout_s: float) -> None:
        with open(self.log_file, "wb") as log:
            self.proc = subprocess.Popen(
                [JAVA, "-jar", str(JAR), "start", "--config", str(self.config_file), "--port", str(self.port), "--host", "127.0.0.1"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
            )
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gateway exited early with {self.proc.returncode}:\n{self.log()}")
            try:
                with _NO_PROXY.open(f"http://127.0.0.1:{self.port}/health", timeout=1) as r:
                    if r.status == 200 and json.load(r).get("status") == "ok":
                        return
            except OSError:
                pass  # not listening yet
            time.sleep(0.1)
        raise RuntimeError(f"gateway did not become healthy within {timeout_s} s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")[-20000:]
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if the jar has not exited within 5 s. Safe to call twice."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def cleanup(self) -> None:
        self.stop()
        self.dir.cleanup()


def tool_chunk(delta: dict, finish_reason: str | None) -> dict:
    return {
        "id": "chatcmpl-toolstream",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": MODEL,
        "system_fingerprint": "fp_mock",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
    }


class OpenAiPythonSdkTest(unittest.TestCase):
    mock: MockUpstream
    gateway: GatewayProcess
    client: OpenAI

    @classmethod
    def setUpClass(cls) -> None:
        cls.mock = MockUpstream().start()
        cls.addClassCleanup(cls.mock.close)
        cls.gateway = GatewayProcess({
            "server": {"host": "127.0.0.1", "port": 8000, "api_key": GATEWAY_KEY},
            "router": {"strategy": "sequential", "retries": 1, "timeout": 30},
            "providers": [{
                "name": "mock",
                "type": "openai_compatible",
                "base_url": cls.mock.base_url,
                "api_key": UPSTREAM_KEY,
                "models": {MODEL: ["vision", "tool_calls"]},
            }],
        })
        cls.addClassCleanup(cls.gateway.cleanup)
        cls.gateway.start()
        cls.client = OpenAI(base_url=cls.gateway.base_url, api_key=GATEWAY_KEY, max_retries=0,
                            _strict_response_validation=True)
        cls.addClassCleanup(cls.client.close)

    def setUp(self) -> None:
        self.mock.reset()

    def only_upstream_request(self) -> dict:
        requests = self.mock.requests
        self.assertEqual(len(requests), 1, f"expected one upstream request, got {requests}")
        return requests[0]

    # ---- scenarios ----

    def test_a_plain_completion_parses_and_validates(self) -> None:
        self.mock.on(MODEL, answer("Hello from the mock upstream."))

        c = self.client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Say hello."}],
            temperature=0.2,
        )

        self.assertEqual(c.object, "chat.completion")
        self.assertEqual(c.model, MODEL)
        self.assertTrue(c.id)
        self.assertGreater(c.created, 0)
        self.assertEqual(len(c.choices), 1)
        self.assertEqual(c.choices[0].finish_reason, "stop")
        self.assertEqual(c.choices[0].message.role, "assistant")
        self.assertEqual(c.choices[0].message.content, "Hello from the mock upstream.")
        self.assertIsNone(c.choices[0].message.tool_calls)
        self.assertEqual(c.usage.model_dump(exclude_none=True), USAGE)

        up = self.only_upstream_request()
        self.assertEqual(up["path"], "/v1/chat/completions")
        self.assertEqual(up["headers"]["authorization"], f"Bearer {UPSTREAM_KEY}")
        self.assertEqual(up["body"]["model"], MODEL)
        self.assertEqual(up["body"]["temperature"], 0.2)
        self.assertEqual(up["body"]["messages"], [
            {"role": "system", "content": "You are terse."}, {"role": "user", "content": "Say hello."}])

    def test_a_streamed_completion_arrives_as_chunks_that_add_up_to_the_text(self) -> None:
        self.mock.on(MODEL, answer("one two three four"))

        stream = self.client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "Count to four."}], stream=True)
        with stream:
            chunks = list(stream)

        text = "".join(ch.delta.content or "" for c in chunks for ch in c.choices)
        self.assertEqual(text, "one two three four")
        self.assertGreaterEqual(len(chunks), 4)
        self.assertTrue(all(c.object == "chat.completion.chunk" and c.model == MODEL and c.usage is None for c in chunks))
        self.assertEqual(chunks[0].choices[0].delta.role, "assistant")
        self.assertEqual(chunks[-1].choices[0].finish_reason, "stop")
        self.assertIs(self.only_upstream_request()["body"]["stream"], True)

    def test_a_stream_with_include_usage_ends_with_a_usage_chunk_the_sdk_parses(self) -> None:
        self.mock.on(MODEL, answer("counted tokens"))

        stream = self.client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "Hi."}], stream=True,
            stream_options={"include_usage": True})
        with stream:
            chunks = list(stream)

        last = chunks[-1]
        self.assertEqual(last.choices, [])
        self.assertIsNotNone(last.usage)
        self.assertEqual(last.usage.model_dump(exclude_none=True), USAGE)
        self.assertTrue(all(c.usage is None for c in chunks[:-1]))
        self.assertEqual("".join(c.choices[0].delta.content or "" for c in chunks[:-1]), "counted tokens")
        self.assertEqual(self.only_upstream_request()["body"]["stream_options"], {"include_usage": True})

    def test_a_tool_call_answer_parses_into_id_type_name_and_json_arguments(self) -> None:
        self.mock.on(MODEL, completion_with({
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": CALL_ID, "type": "function",
                            "function": {"name": "get_weather", "arguments": '{"city":"Paris","unit":"celsius"}'}}],
            "refusal": None,
            "annotations": [],
        }, "tool_calls"))

        c = self.client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "What is the weather in Paris?"}], tools=[WEATHER_TOOL])

        choice = c.choices[0]
        self.assertEqual(choice.finish_reason, "tool_calls")
        self.assertIsNone(choice.message.content)
        self.assertEqual(len(choice.message.tool_calls), 1)
        call = choice.message.tool_calls[0]
        self.assertEqual(call.id, CALL_ID)
        self.assertEqual(call.type, "function")
        self.assertEqual(call.function.name, "get_weather")
        self.assertEqual(json.loads(call.function.arguments), {"city": "Paris", "unit": "celsius"})
        self.assertEqual(self.only_upstream_request()["body"]["tools"], [WEATHER_TOOL])

    def test_a_tool_call_from_an_upstream_that_omits_type_and_sends_empty_content_still_validates(self) -> None:
        self.mock.on(MODEL, completion_with({
            "role": "assistant",
            "content": "",
            "tool_calls": [{"id": CALL_ID, "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'}}],
        }, "tool_calls"))

        c = self.client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "Weather in Oslo?"}], tools=[WEATHER_TOOL])

        message = c.choices[0].message
        self.assertIsNone(message.content)
        self.assertIsNone(message.refusal)
        self.assertEqual(message.tool_calls[0].type, "function")
        self.assertEqual(message.tool_calls[0].id, CALL_ID)
        self.assertEqual(message.tool_calls[0].function.arguments, '{"city":"Oslo"}')

    def test_a_streamed_tool_call_accumulates_its_argument_fragments_into_one_call(self) -> None:
        fragments = ['{"ci', 'ty": "Pa', 'ris", "unit"', ': "celsius"}']
        payloads = [tool_chunk({
            "role": "assistant",
            "content": None,
            "tool_calls": [{"index": 0, "id": CALL_ID, "type": "function",
                            "function": {"name": "get_weather", "arguments": ""}}],
            "refusal": None,
        }, None)]
        payloads += [tool_chunk({"tool_calls": [{"index": 0, "function": {"arguments": f}}]}, None) for f in fragments]
        payloads += [tool_chunk({}, "tool_calls"), "[DONE]"]
        self.mock.on(MODEL, events(0.005, payloads))

        # The SDK's stream helper accumulates the deltas and parses the finished arguments against the strict tool.
        chunks, argument_deltas, done_arguments = [], [], []
        with self.client.chat.completions.stream(
                model=MODEL, messages=[{"role": "user", "content": "Weather in Paris?"}], tools=[WEATHER_TOOL]) as stream:
            for event in stream:
                if event.type == "chunk":
                    chunks.append(event.chunk)
                elif event.type == "tool_calls.function.arguments.delta":
                    argument_deltas.append(event.arguments_delta)
                elif event.type == "tool_calls.function.arguments.done":
                    done_arguments.append(event.parsed_arguments)
            final = stream.get_final_completion()

        self.assertEqual(len(chunks), len(fragments) + 2)
        first = chunks[0].choices[0].delta.tool_calls[0]
        self.assertEqual(first.id, CALL_ID)
        self.assertEqual(first.type, "function")
        self.assertEqual([c.choices[0].delta.tool_calls[0].function.arguments for c in chunks[1:-1]], fragments)
        self.assertEqual([d for d in argument_deltas if d], fragments)
        self.assertEqual(done_arguments, [{"city": "Paris", "unit": "celsius"}])

        choice = final.choices[0]
        self.assertEqual(choice.finish_reason, "tool_calls")
        self.assertEqual(len(choice.message.tool_calls), 1)
        call = choice.message.tool_calls[0]
        self.assertEqual(call.id, CALL_ID)
        self.assertEqual(call.type, "function")
        self.assertEqual(call.function.name, "get_weather")
        self.assertEqual(call.function.arguments, "".join(fragments))
        self.assertEqual(call.function.parsed_arguments, {"city": "Paris", "unit": "celsius"})

    def test_an_image_content_part_reaches_the_upstream_unchanged(self) -> None:
        self.mock.on(MODEL, answer("A transparent pixel."))
        messages = [{"role": "user", "content": [
            {"type": "text", "text": "What is in this image?"},
            {"type": "image_url", "image_url": {"url": IMAGE_DATA_URL, "detail": "low"}},
        ]}]

        c = self.client.chat.completions.create(model=MODEL, messages=messages)

        self.assertEqual(c.choices[0].message.content, "A transparent pixel.")
        self.assertEqual(self.only_upstream_request()["body"]["messages"], messages)

    def test_a_tool_result_turn_reaches_the_upstream_with_its_tool_call_id_and_the_assistant_tool_calls_intact(self) -> None:
        self.mock.on(MODEL, answer("It is 18 degrees and sunny in Paris."))
        messages = [
            {"role": "user", "content": "What is the weather in Paris?"},
            {"role": "assistant", "content": None, "tool_calls": [
                {"id": CALL_ID, "type": "function",
                 "function": {"name": "get_weather", "arguments": '{"city":"Paris","unit":"celsius"}'}}]},
            {"role": "tool", "tool_call_id": CALL_ID, "content": '{"temperature":18,"sky":"sunny"}'},
        ]

        c = self.client.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER_TOOL])

        self.assertEqual(c.choices[0].message.content, "It is 18 degrees and sunny in Paris.")
        sent = self.only_upstream_request()["body"]["messages"]
        self.assertEqual(sent, messages)
        self.assertEqual(sent[2]["tool_call_id"], CALL_ID)
        self.assertEqual(sent[1]["tool_calls"], messages[1]["tool_calls"])

    def test_an_unknown_model_raises_not_found_with_openais_error_fields(self) -> None:
        with self.assertRaises(openai.NotFoundError) as caught:
            self.client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "Hi."}])

        e = caught.exception
        self.assertEqual(e.status_code, 404)
        self.assertEqual(e.code, "model_not_found")
        self.assertEqual(e.type, "invalid_request_error")
        self.assertEqual(e.param, "model")
        self.assertIn("no-such-model", e.message)
        self.assertEqual(self.mock.requests, [])

    def test_a_streamed_request_for_an_unknown_model_raises_not_found_before_any_chunk(self) -> None:
        with self.assertRaises(openai.NotFoundError) as caught:
            stream = self.client.chat.completions.create(
                model="no-such-model", messages=[{"role": "user", "content": "Hi."}], stream=True)
            list(stream)
        self.assertEqual(caught.exception.status_code, 404)

    def test_an_upstream_bad_request_comes_back_as_bad_request_with_the_upstreams_wording(self) -> None:
        self.mock.on(MODEL, status(400, {"error": {
            "message": "Invalid 'messages[0].content': string too long.",
            "type": "invalid_request_error",
            "param": "messages[0].content",
            "code": "string_above_max_length",
        }}))

        with self.assertRaises(openai.BadRequestError) as caught:
            self.client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "x" * 100}])

        e = caught.exception
        self.assertEqual(e.status_code, 400)
        self.assertEqual(e.code, "string_above_max_length")
        self.assertEqual(e.param, "messages[0].content")
        self.assertEqual(e.type, "invalid_request_error")
        self.assertIn("Invalid 'messages[0].content': string too long.", e.message)
        self.assertEqual(len(self.mock.requests), 1, "a request the upstream refused is not retried")

    def test_a_wrong_gateway_key_raises_authentication_error(self) -> None:
        with OpenAI(base_url=self.gateway.base_url, api_key="not-the-key", max_retries=0) as wrong:
            with self.assertRaises(openai.AuthenticationError) as caught:
                wrong.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Hi."}])
        self.assertEqual(caught.exception.status_code, 401)
        self.assertEqual(caught.exception.code, "invalid_api_key")
        self.assertEqual(self.mock.requests, [])


def main() -> int:
    result = unittest.main(module=__name__, exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = max(0, result.testsRun - failed - len(result.skipped))
    print(f"python: {passed} passed, {failed} failed, {len(result.skipped)} skipped", flush=True)
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
