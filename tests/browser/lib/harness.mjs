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
import crypto from 'node:crypto';
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
// Officers of the test edges (catalogue names) and the PIN each signs in
// with (officer_pins_file: Argon2id hashes from `hailongctl hash-password`).
export const OFFICERS = [{ id: 'cb-nhung', name: 'Nguyễn Thị Hồng Nhung' },
  { id: 'cb-tuan', name: 'Trần Văn Tuấn' }];
export const TEST_PIN = '482915';

// Writes {"officers":{"<id>":"<hash of TEST_PIN>"}} for `ids` to `file`.
export async function writePinsFile(file, ids) {
  if (!env.ctl) throw new Error('HAILONGCTL_BIN is not set (needed to hash the test PIN)');
  const hash = await new Promise((resolve, reject) => {
    const p = execFile(env.ctl, ['hash-password'], (err, stdout, stderr) => {
      if (err) reject(new Error(`hailongctl hash-password: ${err.message} ${stderr}`));
      else resolve(stdout.trim());
    });
    p.stdin.end(TEST_PIN);
  });
  const officers = {};
  for (const id of ids) officers[id] = hash;
  fs.writeFileSync(file, JSON.stringify({ officers }));
}
// The edge's credentials: the one-stop software's dossier token and the
// technicians' admin token (their sha256 in the edge's configuration).
export const DOSSIER_TOKEN = 'browser-test-dossier-token';
export const ADMIN_TOKEN = 'browser-test-admin-token';
const sha256 = (text) => crypto.createHash('sha256').update(text).digest('hex');

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

// Polls fn until it returns a truthy value (returned), failing after
// timeoutMs or when `child` exits.
export async function waitFor(what, fn, timeoutMs = 30000, child = null) {
  const end = Date.now() + timeoutMs;
  let last = null;
  while (Date.now() < end) {
    if (child && child.exitCode !== null) {
      throw new Error(`${what}: process exited with status ${child.exitCode}`);
    }
    try {
      const v = await fn();
      if (v) return v;
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

export async function stopProcess(child, timeoutMs = 10000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await done;
  clearTimeout(timer);
}

// Runs hailongctl with `args` (and `input` on stdin); resolves its stdout.
export function ctl(args, input) {
  return new Promise((resolve, reject) => {
    const p = execFile(env.ctl, args, (err, stdout, stderr) => {
      if (err) reject(new Error(`hailongctl ${args.join(' ')}: ${err.message} ${stderr}`));
      else resolve(stdout);
    });
    if (input !== undefined) p.stdin.end(input);
  });
}

// A hailong-hub (env HAILONG_HUB_BIN) with `config` written to dir/hub.json,
// its log in dir/hub.log; resolves the child once /healthz answers 200.
// Stop it with stopProcess.
export async function startHub(dir, config) {
  const bin = process.env.HAILONG_HUB_BIN;
  if (!bin) throw new Error('HAILONG_HUB_BIN is not set');
  fs.writeFileSync(path.join(dir, 'hub.json'), JSON.stringify(config, null, 2));
  const child = startProcess(bin, ['--config', path.join(dir, 'hub.json')], path.join(dir, 'hub.log'));
  const [, port] = /:(\d+)$/.exec(config.http.listen);
  await waitFor('hailong-hub /healthz',
                async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200, 30000, child);
  return child;
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

// A hailong-edge with a fresh data directory, serving edge/web of the tree;
// `catalogue` (optional) is written as its catalogue_file.
export class Edge {
  // `extra`: configuration keys merged over the defaults below; `catalogue`
  // (optional): catalogue entries written with the test officers into its
  // catalogue_file.
  constructor(dir, mqttUrl, extra = {}, catalogue = null) {
    this.extra = extra;
    this.dir = dir;
    this.dataDir = path.join(dir, 'data');
    this.mqttUrl = mqttUrl;
    this.catalogue = catalogue;
    this.child = null;
  }

  async start() {
    if (!env.edge) throw new Error('HAILONG_EDGE_BIN is not set');
    if (!this.port) this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    const catalogue = path.join(this.dir, 'officers.json');
    fs.writeFileSync(catalogue, JSON.stringify({ officers: OFFICERS, ...(this.catalogue || {}) }));
    const pins = path.join(this.dir, 'officer-pins.json');
    if (!fs.existsSync(pins)) await writePinsFile(pins, OFFICERS.map((o) => o.id));
    const config = {
      office_id: OFFICE,
      data_dir: this.dataDir,
      mqtt: { url: this.mqttUrl },
      http: { listen: `127.0.0.1:${this.port}` },
      web_root: env.webRoot,
      public_url: this.base,
      catalogue_file: catalogue,
      officer_pins_file: pins,
      dossier_tokens_sha256: [sha256(DOSSIER_TOKEN)],
      admin_token_sha256: sha256(ADMIN_TOKEN),
      // Every test phone is 127.0.0.1: the per-address limit would stop
      // the survey tests (its own tests are in tests/edge).
      phone_limit_per_address: 0,
      // No hub runs: comments and phone numbers are sealed to this key.
      personal_data_public_key: 'fcbf671e1ee08be12c4fa787cdcbd6efd8c70e00a45679c2f9835f7ba830543b',
      ...this.extra,
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

  async post(p, json, headers = {}) {
    return this.send('POST', p, json, headers);
  }

  async send(method, p, json, headers = {}) {
    const init = { method, headers: { ...headers } };
    if (json !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(json);
    }
    const r = await fetch(this.base + p, init);
    const text = await r.text();
    let body = null;
    try { body = JSON.parse(text); } catch { body = text; }
    return { status: r.status, body };
  }

  // POST /api/v1/dossiers as the one-stop software (with its token).
  async postDossier(json) {
    return this.post('/api/v1/dossiers', json, { Authorization: `Bearer ${DOSSIER_TOKEN}` });
  }

  // The admin API of kiosks, as `hailongctl kiosk` calls it.
  async admin(method, p, json) {
    return this.send(method, p, json, { Authorization: `Bearer ${ADMIN_TOKEN}` });
  }

  // A one-time enrollment code for a new kiosk at `counter`
  // (`hailongctl kiosk enroll`); the link is /kiosk/{counter}#enroll={code}.
  async enrollmentCode(counter) {
    const r = await this.admin('POST', '/api/v1/admin/kiosks', { counter });
    if (r.status !== 200) throw new Error(`kiosk enroll: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return { kiosk: r.body.kiosk, code: r.body.code, path: r.body.path };
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

  // The officer's name comes from the edge's catalogue (OFFICERS).
  async signIn(counter, officer) {
    const r = await this.post(`/api/v1/counters/${counter}/sign-in`, { officer, pin: TEST_PIN });
    if (r.status !== 200) throw new Error(`sign-in: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  }

  async signOut(counter) {
    const r = await this.post(`/api/v1/counters/${counter}/sign-out`, { pin: TEST_PIN });
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

// Mosquitto + edge for one test file; options.catalogue: the edge's
// catalogue entries; every other option is an edge configuration key.
export async function startStack(tag, options = {}) {
  const dir = tempDir(tag);
  const broker = await startMosquitto(dir);
  const { catalogue, ...edgeConfig } = options;
  const edge = new Edge(dir, broker.url, edgeConfig, catalogue || null);
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
