// A stand-in for an OpenAI-compatible upstream on 127.0.0.1, speaking OpenAI's real wire format.
// What it does for a request is scripted per model name with on(model, behaviour); unscripted models get a
// normal answer, JSON or SSE as the request asks. Every request is recorded (path, headers, parsed body).
import http from 'node:http';

export const USAGE = Object.freeze({ prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 });

export function completion(req, message, finishReason) {
  return {
    id: `chatcmpl-mock${process.hrtime.bigint()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: req.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage: { ...USAGE },
    system_fingerprint: 'fp_mock',
  };
}

export function chunk(req, delta, finishReason) {
  return {
    id: 'chatcmpl-mockstream',
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: req.model,
    system_fingerprint: 'fp_mock',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function sendEvents(res, payloads, delayMs) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const p of payloads) {
    res.write(`data: ${typeof p === 'string' ? p : JSON.stringify(p)}\n\n`);
    if (delayMs > 0) await sleep(delayMs);
  }
  res.end();
}

/** A normal answer with this text: a completion, or one chunk per word when the request streams. */
export function answer(text) {
  return async (req, res) => {
    if (req.stream) {
      const events = [chunk(req, { role: 'assistant', content: '', refusal: null }, null)];
      for (const w of text.split(/(?<= )/)) events.push(chunk(req, { content: w }, null));
      events.push(chunk(req, {}, 'stop'));
      if (req.stream_options?.include_usage) {
        events.push({ ...chunk(req, {}, null), choices: [], usage: { ...USAGE } });
      }
      events.push('[DONE]');
      await sendEvents(res, events, 2);
    } else {
      sendJson(res, 200, completion(req, { role: 'assistant', content: text, refusal: null, annotations: [] }, 'stop'));
    }
  };
}

/** Answers non-streaming requests with this message and finish reason. */
export function completionWith(message, finishReason) {
  return async (req, res) => sendJson(res, 200, completion(req, message, finishReason));
}

/** Streams exactly these SSE data payloads (objects are JSON-encoded), delayMs apart. */
export function events(delayMs, payloads) {
  return async (_req, res) => sendEvents(res, payloads, delayMs);
}

/** Answers with this status and JSON body. */
export function status(code, body) {
  return async (_req, res) => sendJson(res, code, body);
}

export class MockUpstream {
  constructor() {
    this.scripts = new Map();
    this.requests = [];
    this.server = http.createServer((req, res) => this.#handle(req, res));
  }

  async start() {
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    return this;
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.server.address().port}/v1`;
  }

  /** Scripts the next requests for model: one behaviour each, the last one repeating. */
  on(model, ...behaviours) {
    this.scripts.set(model, behaviours);
    return this;
  }

  reset() {
    this.scripts.clear();
    this.requests.length = 0;
  }

  async close() {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  #next(model) {
    const script = this.scripts.get(model);
    if (!script || script.length === 0) return answer(`Hello from ${model}`);
    return script.length > 1 ? script.shift() : script[0];
  }

  async #handle(req, res) {
    const parts = [];
    for await (const p of req) parts.push(p);
    const raw = Buffer.concat(parts).toString('utf8');
    let body = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      sendJson(res, 400, { error: { message: 'mock: body is not JSON', type: 'invalid_request_error', param: null, code: null } });
      return;
    }
    this.requests.push({ path: req.url, headers: req.headers, body });
    try {
      await this.#next(body.model ?? '')(body, res);
    } catch (e) {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(e), type: 'server_error', param: null, code: null } });
      else res.destroy();
    }
  }
}
