// Runs the real gateway fat jar as a child process on a free 127.0.0.1 port, with a temporary config file.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const JAR = process.env.GATEWAY_JAR ?? path.resolve(here, '../../../target/auto-gateway.jar');
const JAVA = process.env.JAVA ?? 'java';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function freePort() {
  const srv = net.createServer();
  await new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

export class GatewayProcess {
  constructor(config) {
    this.config = config;
    this.stderr = '';
    this.child = null;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auto-gateway-node-sdk-'));
    this.configFile = path.join(this.dir, 'config.json');
    fs.writeFileSync(this.configFile, JSON.stringify(config, null, 2));
    this.killOnExit = () => this.child?.kill('SIGKILL');
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** Starts the jar and waits until GET /health answers 200 (a port lost to a race is retried). */
  async start(timeoutMs = 60_000) {
    if (!fs.existsSync(JAR)) {
      throw new Error(`${JAR} not found: build it first with 'mvn -q package -DskipTests'`);
    }
    let lastError;
    for (let attempt = 0; attempt < 3; attempt++) {
      this.port = await freePort();
      try {
        await this.#spawnAndWait(timeoutMs);
        return this;
      } catch (e) {
        lastError = e;
        await this.stop();
      }
    }
    throw lastError;
  }

  async #spawnAndWait(timeoutMs) {
    this.stderr = '';
    const child = spawn(JAVA, ['-jar', JAR, 'start', '--config', this.configFile, '--port', String(this.port), '--host', '127.0.0.1'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
    });
    this.child = child;
    process.once('exit', this.killOnExit);
    let exited = null;
    child.once('exit', (code, signal) => (exited = { code, signal }));
    child.stderr.on('data', (d) => (this.stderr = (this.stderr + d.toString()).slice(-20_000)));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited) {
        throw new Error(`gateway exited early (${JSON.stringify(exited)}):\n${this.stderr}`);
      }
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/health`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200 && (await res.json()).status === 'ok') return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`gateway did not become healthy within ${timeoutMs} ms:\n${this.stderr}`);
  }

  /** Stops the jar: SIGTERM, then SIGKILL if it has not exited within 5 s. Safe to call twice. */
  async stop() {
    const child = this.child;
    this.child = null;
    process.removeListener('exit', this.killOnExit);
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  }

  cleanup() {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
