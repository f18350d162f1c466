// The dashboard's alerts banner in headless Chromium against a real
// hailong-hub: unsatisfied phone-survey ratings at the hub pass the
// office's alert threshold, the alert appears on the open dashboard at once
// (server-sent "alert" event, no reload), in Vietnamese and in English, the
// manager closes it with a note, and the webhook (a node http server)
// receives the raised and the closed alert.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { ctl, env, freePort, launchBrowser, screenshot, sleep, startHub, stopProcess, tempDir, waitFor, watchErrors } from './lib/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const HUB_BIN = process.env.HAILONG_HUB_BIN || '';
const HUB_WEB = process.env.HAILONG_HUB_WEB_ROOT || path.resolve(here, '../../hub/web');
const OFFICE = 'phuong-07';
const MANAGER = { name: 'truong-phong', password: 'Mật-khẩu quản lý 789' };



describe('dashboard alerts', { timeout: 300000 }, () => {
  let dir, hub, hubBase, browser, receiver;
  const hooks = [];

  before(async () => {
    assert.ok(HUB_BIN, 'HAILONG_HUB_BIN is not set');
    assert.ok(env.ctl, 'HAILONGCTL_BIN is not set');
    dir = tempDir('alerts');
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        try { hooks.push(JSON.parse(body)); } catch { hooks.push(body); }
        res.writeHead(204).end();
      });
    });
    await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
    const [, tokenSha] = (await ctl(['new-token'])).trim().split('\n').map((s) => s.trim());
    const hash = (await ctl(['hash-password'], `${MANAGER.password}\n`)).trim();
    const port = await freePort();
    hubBase = `http://127.0.0.1:${port}`;
    const config = {
      data_dir: path.join(dir, 'hub'),
      http: { listen: `127.0.0.1:${port}` },
      nodes: [{ id: `edge-${OFFICE}`, office_id: OFFICE, token_sha256: tokenSha }],
      users: [{ name: MANAGER.name, role: 'manager', offices: [OFFICE], password_hash: hash }],
      web_root: HUB_WEB,
      alerts: {
        unsatisfied_share: { window_s: 3600, threshold: 0.5, min_ratings: 3 },
        check_interval_s: 2,
        webhook: { url: `http://127.0.0.1:${receiver.address().port}/hook`, backoff_ms: 200 },
      },
    };
    hub = await startHub(dir, config);
  });

  after(async () => {
    if (browser) await browser.close();
    await stopProcess(hub);
    if (receiver) receiver.close();
  });

  it('shows a raised alert at once and closes it with a note', async () => {
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${hubBase}/#/overview?period=days30`);
    await page.waitForSelector('#login-form', { state: 'visible' });
    await page.fill('#login-name', MANAGER.name);
    await page.fill('#login-password', MANAGER.password);
    await page.click('#login-submit');
    await page.waitForSelector('#app:not([hidden]) #page-title');
    await page.waitForSelector('#live[data-state=on]');
    assert.equal(await page.locator('#alerts li[data-id]').count(), 0);

    // Three unsatisfied ratings through the hub's phone survey.
    for (let i = 0; i < 3; i += 1) {
      const r = await fetch(`${hubBase}/public/v1/survey/${OFFICE}/q1`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ id: `alert-${i}`, answers: { level: 'unsatisfied' } }),
      });
      assert.equal(r.status, 200, await r.text());
    }
    // No reload: the live stream brings the alert.
    const item = page.locator('#alerts li[data-id]');
    await item.waitFor({ timeout: 30000 });
    const text = await item.textContent();
    assert.match(text, /tỷ lệ không hài lòng 100%/);
    assert.match(text, /vượt ngưỡng 50%/);
    await screenshot(page, 'dashboard-alert-raised');

    await page.click('#lang');
    await waitFor('English banner', async () => /unsatisfied share/.test(await item.textContent()), 10000);
    await page.click('#lang');
    await waitFor('Vietnamese banner', async () => /không hài lòng/.test(await item.textContent()), 10000);

    await item.locator('.alert-note').fill('Đã nhắc nhở cán bộ quầy 1');
    await item.locator('button', { hasText: 'Đóng' }).click();
    await page.locator('#alerts li[data-id]').waitFor({ state: 'detached', timeout: 15000 });

    const r = await page.request.get(`${hubBase}/api/v1/alerts?status=all`);
    assert.equal(r.status(), 200);
    const [alert] = (await r.json()).alerts;
    assert.equal(alert.status, 'closed');
    assert.equal(alert.closed_by, MANAGER.name);
    assert.equal(alert.steps.at(-1).note, 'Đã nhắc nhở cán bộ quầy 1');

    await waitFor('webhook calls', () => hooks.length >= 2, 20000);
    assert.equal(hooks[0].event, 'alert_raised');
    assert.equal(hooks[0].alert.office, OFFICE);
    assert.equal(hooks[0].alert.kind, 'unsatisfied_share');
    assert.equal(hooks[1].event, 'alert_closed');
    assert.equal(hooks[1].alert.steps.at(-1).note, 'Đã nhắc nhở cán bộ quầy 1');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
