// What the browser tests share: a real Mosquitto and a real hailong-edge on
// free loopback ports with temporary directories, headless Chromium through
// playwright-core, small HTTP helpers, and `hailongctl log cat`.
//
// Environment (set by tests/browser/CMakeLists.txt):
//   HAILONG_EDGE_BIN        the hailong-edge program (required)
//   HAILONG_MOSQUITTO       the mosquitto program (default /usr/sbin/mosquitto)
//   HAILONG_CHROMIUM        the browser (default /usr/bin/chromium)
//   HAILONG_WEB_ROOT        edge/web of the source tree (default ../../edge/web)
//   HAILONGCTL_BIN          hailongctl, for reading the log after the edge stops
//   HAILONG_ZBARIMG         zbarimg, to decode QR images
//   HAILONG_SCREENSHOT_DIR  where screenshots go (default $TMPDIR/hailong-screenshots)
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const env = {
  edge: process.env.HAILONG_EDGE_BIN || '',
  mosquitto: process.env.HAILONG_MOSQUITTO || '/usr/sbin/mosquitto',
  chromium: process.env.HAILONG_CHROMIUM || '/usr/bin/chromium',
  webRoot: process.env.HAILONG_WEB_ROOT || path.resolve(here, '../../../edge/web'),
  ctl: process.env.HAILONGCTL_BIN || '',
  zbarimg: process.env.HAILONG_ZBARIMG || '',
  shots: process.env.HAILONG_SCREENSHOT_DIR || path.join(os.tmpdir(), 'hailong-screenshots'),
};

export const OFFICE = 'phuong-01';

const children = new Set();
process.on('exit', () => {
  for (const c of children) {
    try { c.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

export function tempDir(tag) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `hailong-browser-${tag}-`));
}

// A port nothing listens on, below Linux's ephemeral range (32768+), where
// outgoing connections' local ends could take it before the daemon binds it.
export async function freePort() {
  for (;;) {
    const port = 10000 + Math.floor(Math.random() * 22768);
    const free = await new Promise((resolve) => {
      const srv = net.createServer();
      srv.unref();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, fn, timeoutMs = 20000, child = null) {
  const end = Date.now() + timeoutMs;
  let last = null;
  while (Date.now() < end) {
    if (child && child.exitCode !== null) {
      throw new Error(`${what}: process exited with status ${child.exitCode}`);
    }
    try {
      if (await fn()) return;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms${last ? ` (${last.message})` : ''}`);
}

function tcpOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

function startProcess(program, args, logFile) {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(program, args, { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

async function stopProcess(child, timeoutMs = 10000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await done;
  clearTimeout(timer);
}

// A Mosquitto broker with its own configuration on a free port.
export async function startMosquitto(dir) {
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  let text = `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`;
  if (process.getuid && process.getuid() === 0) text += 'user root\n';
  text += `log_dest file ${path.join(dir, 'mosquitto.log')}\n`;
  fs.writeFileSync(conf, text);
  const child = startProcess(env.mosquitto, ['-c', conf], path.join(dir, 'mosquitto.out'));
  await waitFor('mosquitto', () => tcpOpen(port), 10000, child);
  return { port, url: `tcp://127.0.0.1:${port}`, stop: () => stopProcess(child) };
}

// A hailong-edge with a fresh data directory, serving edge/web of the tree.
export class Edge {
  constructor(dir, mqttUrl) {
    this.dir = dir;
    this.dataDir = path.join(dir, 'data');
    this.mqttUrl = mqttUrl;
    this.child = null;
  }

  async start() {
    if (!env.edge) throw new Error('HAILONG_EDGE_BIN is not set');
    if (!this.port) this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    const config = {
      office_id: OFFICE,
      data_dir: this.dataDir,
      mqtt: { url: this.mqttUrl },
      http: { listen: `127.0.0.1:${this.port}` },
      web_root: env.webRoot,
      public_url: this.base,
      // No hub runs: comments and phone numbers are sealed to this key.
      personal_data_public_key: 'fcbf671e1ee08be12c4fa787cdcbd6efd8c70e00a45679c2f9835f7ba830543b',
    };
    this.configFile = path.join(this.dir, 'edge.json');
    fs.writeFileSync(this.configFile, JSON.stringify(config, null, 2));
    this.logFile = path.join(this.dir, 'edge.log');
    this.child = startProcess(env.edge, ['--config', this.configFile], this.logFile);
    await waitFor('hailong-edge /healthz', async () => {
      const r = await fetch(`${this.base}/healthz`);
      return r.status === 200;
    }, 30000, this.child);
  }

  async stop() {
    await stopProcess(this.child);
  }

  logTail() {
    try { return fs.readFileSync(this.logFile, 'utf8').slice(-4000); } catch { return ''; }
  }

  async get(p) {
    const r = await fetch(this.base + p, { cache: 'no-store' });
    const text = await r.text();
    let body = null;
    try { body = JSON.parse(text); } catch { body = text; }
    return { status: r.status, body, headers: r.headers };
  }

  async getBytes(p) {
    const r = await fetch(this.base + p);
    return { status: r.status, type: r.headers.get('content-type'),
             bytes: Buffer.from(await r.arrayBuffer()) };
  }

  async post(p, json) {
    const r = await fetch(this.base + p, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(json),
    });
    const text = await r.text();
    let body = null;
    try { body = JSON.parse(text); } catch { body = text; }
    return { status: r.status, body };
  }

  async logSeq() {
    const r = await this.get('/api/v1/status');
    if (r.status !== 200) throw new Error(`status: HTTP ${r.status}`);
    return Number(r.body.log_seq);
  }

  // Waits until log_seq reaches at least `seq`; returns it.
  async waitLogSeq(seq, timeoutMs = 15000) {
    let now = 0;
    await waitFor(`log_seq >= ${seq}`, async () => (now = await this.logSeq()) >= seq, timeoutMs);
    return now;
  }

  async signIn(counter, officer, name) {
    const r = await this.post(`/api/v1/counters/${counter}/sign-in`, { officer, name });
    if (r.status !== 200) throw new Error(`sign-in: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  }

  async signOut(counter) {
    const r = await this.post(`/api/v1/counters/${counter}/sign-out`, {});
    if (r.status !== 200) throw new Error(`sign-out: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  }

  // Every event of the stopped edge's log, through `hailongctl log cat`.
  async logCat() {
    if (!env.ctl) throw new Error('HAILONGCTL_BIN is not set');
    const out = await new Promise((resolve, reject) => {
      execFile(env.ctl, ['log', 'cat', '--data-dir', this.dataDir],
               { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
                 if (err) reject(new Error(`hailongctl log cat: ${err.message} ${stderr}`));
                 else resolve(stdout);
               });
    });
    return out.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }
}

// Mosquitto + edge for one test file.
export async function startStack(tag) {
  const dir = tempDir(tag);
  const broker = await startMosquitto(dir);
  const edge = new Edge(dir, broker.url);
  await edge.start();
  return {
    dir, broker, edge,
    async stop() {
      await edge.stop();
      await broker.stop();
    },
  };
}

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Headless Chromium; each context made from it has its own fresh storage.
export async function launchBrowser() {
  return chromium.launch({ executablePath: env.chromium, headless: true, args: CHROMIUM_ARGS });
}

// Records the JSON bodies a page POSTs to /api/v1/ratings (every try).
export function recordRatings(page) {
  const sent = [];
  page.on('request', (req) => {
    if (req.method() === 'POST' && req.url().endsWith('/api/v1/ratings')) {
      try { sent.push(JSON.parse(req.postData())); } catch { /* not JSON */ }
    }
  });
  return sent;
}

// Fails the test on any uncaught error in the page.
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

export async function screenshot(page, name, opts = {}) {
  fs.mkdirSync(env.shots, { recursive: true });
  const file = path.join(env.shots, `${name}.png`);
  await page.screenshot({ path: file, ...opts });
  return file;
}

export function ratingEvents(events) {
  return events.filter((e) => e.type === 'rating_submitted');
}

// RFC 3339 in UTC, seconds precision, `offsetMs` from now.
export function rfc3339(offsetMs = 0) {
  return new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function decodeQr(file) {
  return new Promise((resolve, reject) => {
    execFile(env.zbarimg, ['--quiet', '--raw', file], (err, stdout) => {
      if (err) reject(new Error(`zbarimg ${file}: ${err.message}`));
      else resolve(stdout.trim());
    });
  });
}
