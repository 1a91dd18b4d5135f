// The official `openai` Node SDK, configured with nothing but the gateway's base URL and key, against the real
// gateway jar in front of a mock upstream that speaks OpenAI's wire format.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { AuthenticationError, BadRequestError, NotFoundError } from 'openai';
import { GatewayProcess } from './gateway-process.mjs';
import { answer, completionWith, events, MockUpstream, status, USAGE } from './mock-upstream.mjs';

const MODEL = 'gpt-4o-mini';
const GATEWAY_KEY = 'gw-key';
const UPSTREAM_KEY = 'sk-upstream';
const CALL_ID = 'call_Wx8Lq3ZbV1sT9kPq';
// A 1x1 transparent PNG.
const IMAGE_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const WEATHER_PARAMETERS = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
  },
  required: ['city', 'unit'],
  additionalProperties: false,
};
const WEATHER_TOOL = {
  type: 'function',
  function: { name: 'get_weather', description: 'Current weather for a city.', parameters: WEATHER_PARAMETERS, strict: true },
};

// ---- OpenAI's response schema, checked field by field (the Node SDK itself does not validate at run time) ----

const FINISH_REASONS = ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'];

function assertHas(obj, key, where) {
  assert.ok(Object.hasOwn(obj, key), `${where} lacks required key '${key}': ${JSON.stringify(obj)}`);
}

function assertUsage(usage) {
  for (const k of ['prompt_tokens', 'completion_tokens', 'total_tokens']) {
    assert.ok(Number.isInteger(usage[k]), `usage.${k} must be an integer: ${JSON.stringify(usage)}`);
  }
}

function assertToolCall(call, where) {
  assert.equal(typeof call.id, 'string', `${where}.id`);
  assert.equal(call.type, 'function', `${where}.type`);
  assert.equal(typeof call.function?.name, 'string', `${where}.function.name`);
  assert.equal(typeof call.function?.arguments, 'string', `${where}.function.arguments`);
}

function assertCompletionShape(c) {
  assert.equal(typeof c.id, 'string');
  assert.equal(c.object, 'chat.completion');
  assert.ok(Number.isInteger(c.created), 'created must be an integer');
  assert.equal(typeof c.model, 'string');
  assert.ok(Array.isArray(c.choices) && c.choices.length > 0, 'choices must be a non-empty array');
  c.choices.forEach((choice, i) => {
    const where = `choices[${i}]`;
    assert.ok(Number.isInteger(choice.index), `${where}.index`);
    assert.ok(FINISH_REASONS.includes(choice.finish_reason), `${where}.finish_reason: ${choice.finish_reason}`);
    assertHas(choice, 'logprobs', where);
    const m = choice.message;
    assert.equal(m.role, 'assistant', `${where}.message.role`);
    assertHas(m, 'content', `${where}.message`);
    assert.ok(m.content === null || typeof m.content === 'string', `${where}.message.content`);
    assertHas(m, 'refusal', `${where}.message`);
    (m.tool_calls ?? []).forEach((call, j) => assertToolCall(call, `${where}.message.tool_calls[${j}]`));
  });
  if (c.usage !== undefined && c.usage !== null) assertUsage(c.usage);
}

function assertChunkShape(c) {
  assert.equal(typeof c.id, 'string');
  assert.equal(c.object, 'chat.completion.chunk');
  assert.ok(Number.isInteger(c.created), 'created must be an integer');
  assert.equal(typeof c.model, 'string');
  assert.ok(Array.isArray(c.choices), 'choices must be an array');
  for (const choice of c.choices) {
    assert.ok(Number.isInteger(choice.index));
    assert.equal(typeof choice.delta, 'object');
    assert.ok(choice.finish_reason === null || FINISH_REASONS.includes(choice.finish_reason));
  }
  if (c.usage !== undefined && c.usage !== null) assertUsage(c.usage);
}

function toolChunk(delta, finishReason) {
  return {
    id: 'chatcmpl-toolstream',
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: MODEL,
    system_fingerprint: 'fp_mock',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

describe('official openai Node SDK against auto-gateway', () => {
  const mock = new MockUpstream();
  let gateway;
  let client;

  before(async () => {
    await mock.start();
    gateway = new GatewayProcess({
      server: { host: '127.0.0.1', port: 8000, api_key: GATEWAY_KEY },
      router: { strategy: 'sequential', retries: 1, timeout: 30 },
      providers: [
        {
          name: 'mock',
          type: 'openai_compatible',
          base_url: mock.baseUrl,
          api_key: UPSTREAM_KEY,
          models: { [MODEL]: ['vision', 'tool_calls'] },
        },
      ],
    });
    await gateway.start();
    client = new OpenAI({ baseURL: gateway.baseUrl, apiKey: GATEWAY_KEY, maxRetries: 0 });
  });

  after(async () => {
    await gateway?.stop();
    gateway?.cleanup();
    await mock.close();
  });

  beforeEach(() => mock.reset());

  function onlyUpstreamRequest() {
    assert.equal(mock.requests.length, 1, `expected one upstream request, got ${mock.requests.length}`);
    return mock.requests[0];
  }

  test('a plain completion parses with every required field', async () => {
    mock.on(MODEL, answer('Hello from the mock upstream.'));

    const c = await client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say hello.' },
      ],
      temperature: 0.2,
    });

    assertCompletionShape(c);
    assert.equal(c.model, MODEL);
    assert.equal(c.choices[0].finish_reason, 'stop');
    assert.equal(c.choices[0].message.content, 'Hello from the mock upstream.');
    assert.deepEqual(c.usage, USAGE);

    const up = onlyUpstreamRequest();
    assert.equal(up.path, '/v1/chat/completions');
    assert.equal(up.headers.authorization, `Bearer ${UPSTREAM_KEY}`);
    assert.equal(up.body.model, MODEL);
    assert.equal(up.body.temperature, 0.2);
    assert.deepEqual(up.body.messages, [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Say hello.' },
    ]);
  });

  test('a streamed completion arrives as chunks that add up to the text', async () => {
    mock.on(MODEL, answer('one two three four'));

    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Count to four.' }],
      stream: true,
    });
    const chunks = [];
    let text = '';
    for await (const chunk of stream) {
      assertChunkShape(chunk);
      chunks.push(chunk);
      for (const choice of chunk.choices) text += choice.delta.content ?? '';
    }

    assert.equal(text, 'one two three four');
    assert.ok(chunks.length >= 4, `only ${chunks.length} chunks`);
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
    assert.ok(chunks.every((c) => c.model === MODEL && !c.usage));
    assert.equal(onlyUpstreamRequest().body.stream, true);
  });

  test('a stream with include_usage ends with a usage chunk the SDK parses', async () => {
    mock.on(MODEL, answer('counted tokens'));

    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Hi.' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) {
      assertChunkShape(chunk);
      chunks.push(chunk);
    }

    const last = chunks.at(-1);
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, USAGE);
    assert.ok(chunks.slice(0, -1).every((c) => !c.usage));
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'counted tokens');
    assert.deepEqual(onlyUpstreamRequest().body.stream_options, { include_usage: true });
  });

  test('a tool call answer parses into id, type, name and JSON arguments', async () => {
    mock.on(
      MODEL,
      completionWith(
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: CALL_ID, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } },
          ],
          refusal: null,
          annotations: [],
        },
        'tool_calls',
      ),
    );

    const c = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [WEATHER_TOOL],
    });

    assertCompletionShape(c);
    const choice = c.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.content, null);
    assert.equal(choice.message.tool_calls.length, 1);
    const call = choice.message.tool_calls[0];
    assert.equal(call.id, CALL_ID);
    assert.equal(call.type, 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris', unit: 'celsius' });
    assert.deepEqual(onlyUpstreamRequest().body.tools, [WEATHER_TOOL]);
  });

  test('a tool call from an upstream that omits type and sends empty content still comes back in OpenAI format', async () => {
    mock.on(
      MODEL,
      completionWith(
        { role: 'assistant', content: '', tool_calls: [{ id: CALL_ID, function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
        'tool_calls',
      ),
    );

    const c = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [WEATHER_TOOL],
    });

    assertCompletionShape(c);
    assert.equal(c.choices[0].message.content, null);
    assert.equal(c.choices[0].message.refusal, null);
    assert.deepEqual(c.choices[0].message.tool_calls, [
      { id: CALL_ID, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
    ]);
  });

  test('a streamed tool call accumulates its argument fragments into one call', async () => {
    const fragments = ['{"ci', 'ty": "Pa', 'ris", "unit"', ': "celsius"}'];
    const payloads = [
      toolChunk(
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ index: 0, id: CALL_ID, type: 'function', function: { name: 'get_weather', arguments: '' } }],
          refusal: null,
        },
        null,
      ),
      ...fragments.map((f) => toolChunk({ tool_calls: [{ index: 0, function: { arguments: f } }] }, null)),
      toolChunk({}, 'tool_calls'),
      '[DONE]',
    ];
    mock.on(MODEL, events(5, payloads));

    // The SDK's own stream helper accumulates the deltas and rejects a tool call without id, type, name or arguments.
    const runner = client.chat.completions.stream({
      model: MODEL,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [WEATHER_TOOL],
    });
    const chunks = [];
    const argumentDeltas = [];
    runner.on('chunk', (chunk) => {
      assertChunkShape(chunk);
      chunks.push(chunk);
    });
    runner.on('tool_calls.function.arguments.delta', (e) => argumentDeltas.push(e.arguments_delta));
    const done = await runner.finalChatCompletion();

    assert.equal(chunks.length, fragments.length + 2);
    const first = chunks[0].choices[0].delta.tool_calls[0];
    assert.equal(first.id, CALL_ID);
    assert.equal(first.type, 'function');
    assert.deepEqual(
      chunks.slice(1, -1).map((c) => c.choices[0].delta.tool_calls[0].function.arguments),
      fragments,
    );
    assert.deepEqual(argumentDeltas.filter((d) => d !== ''), fragments);

    assertCompletionShape(done);
    const choice = done.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.tool_calls.length, 1);
    const call = choice.message.tool_calls[0];
    assert.equal(call.id, CALL_ID);
    assert.equal(call.type, 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.equal(call.function.arguments, fragments.join(''));
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris', unit: 'celsius' });
  });

  test('an image content part reaches the upstream unchanged', async () => {
    mock.on(MODEL, answer('A transparent pixel.'));
    const messages = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this image?' },
          { type: 'image_url', image_url: { url: IMAGE_DATA_URL, detail: 'low' } },
        ],
      },
    ];

    const c = await client.chat.completions.create({ model: MODEL, messages });

    assertCompletionShape(c);
    assert.equal(c.choices[0].message.content, 'A transparent pixel.');
    assert.deepEqual(onlyUpstreamRequest().body.messages, messages);
  });

  test('a tool result turn reaches the upstream with its tool_call_id and the assistant tool_calls intact', async () => {
    mock.on(MODEL, answer('It is 18 degrees and sunny in Paris.'));
    const messages = [
      { role: 'user', content: 'What is the weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: CALL_ID, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } }],
      },
      { role: 'tool', tool_call_id: CALL_ID, content: '{"temperature":18,"sky":"sunny"}' },
    ];

    const c = await client.chat.completions.create({ model: MODEL, messages, tools: [WEATHER_TOOL] });

    assertCompletionShape(c);
    assert.equal(c.choices[0].message.content, 'It is 18 degrees and sunny in Paris.');
    const up = onlyUpstreamRequest().body.messages;
    assert.deepEqual(up, messages);
    assert.equal(up[2].tool_call_id, CALL_ID);
    assert.deepEqual(up[1].tool_calls, messages[1].tool_calls);
  });

  test('an unknown model throws NotFoundError with status 404 and OpenAI error fields', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'Hi.' }] }),
      (e) => {
        assert.ok(e instanceof NotFoundError, `got ${e?.constructor?.name}: ${e?.message}`);
        assert.equal(e.status, 404);
        assert.equal(e.code, 'model_not_found');
        assert.equal(e.type, 'invalid_request_error');
        assert.equal(e.param, 'model');
        assert.match(e.message, /no-such-model/);
        return true;
      },
    );
    assert.equal(mock.requests.length, 0);
  });

  test('a streamed request for an unknown model throws NotFoundError before any chunk', async () => {
    await assert.rejects(
      (async () => {
        const stream = await client.chat.completions.create({
          model: 'no-such-model',
          messages: [{ role: 'user', content: 'Hi.' }],
          stream: true,
        });
        for await (const _ of stream) {
          // no chunk expected
        }
      })(),
      (e) => e instanceof NotFoundError && e.status === 404,
    );
  });

  test('an upstream bad request comes back as BadRequestError with the upstream wording', async () => {
    mock.on(
      MODEL,
      status(400, {
        error: {
          message: "Invalid 'messages[0].content': string too long.",
          type: 'invalid_request_error',
          param: 'messages[0].content',
          code: 'string_above_max_length',
        },
      }),
    );

    await assert.rejects(
      client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x'.repeat(100) }] }),
      (e) => {
        assert.ok(e instanceof BadRequestError, `got ${e?.constructor?.name}: ${e?.message}`);
        assert.equal(e.status, 400);
        assert.equal(e.code, 'string_above_max_length');
        assert.equal(e.param, 'messages[0].content');
        assert.equal(e.type, 'invalid_request_error');
        assert.match(e.message, /Invalid 'messages\[0\]\.content': string too long\./);
        return true;
      },
    );
    assert.equal(mock.requests.length, 1, 'a request the upstream refused is not retried');
  });

  test('a wrong gateway key throws AuthenticationError', async () => {
    const wrong = new OpenAI({ baseURL: gateway.baseUrl, apiKey: 'not-the-key', maxRetries: 0 });
    await assert.rejects(
      wrong.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi.' }] }),
      (e) => e instanceof AuthenticationError && e.status === 401 && e.code === 'invalid_api_key',
    );
    assert.equal(mock.requests.length, 0);
  });
});
