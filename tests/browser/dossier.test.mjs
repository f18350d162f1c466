// A dossier's review page (#/dossier) in headless Chromium against a real
// hailong-hub (issue 16, items 1 and 9): a rating about receipt BN-0042
// through the hub's phone survey; the office's manager opens the dossier
// by its receipt, sees the rating on its timeline, records a complaint
// received by letter with a note, and sees it counted for Decision 766;
// a viewer of the office sees the same timeline without the note and has
// no complaint form.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { ctl, env, freePort, launchBrowser, screenshot, sleep, startHub, stopProcess, tempDir, waitFor, watchErrors } from './lib/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const HUB_BIN = process.env.HAILONG_HUB_BIN || '';
const HUB_WEB = process.env.HAILONG_HUB_WEB_ROOT || path.resolve(here, '../../hub/web');
const OFFICE = 'xa-van-hung';
const MANAGER = { name: 'truong-bo-phan', password: 'Mật-khẩu quản lý 246' };
const VIEWER = { name: 'can-bo-xem', password: 'Mật-khẩu người xem 135' };
const RECEIPT = 'BN-0042';
const NOTE = 'Bà Trần Thị Bé gửi đơn: hồ sơ phải đi lại ba lần';



describe('dossier review', { timeout: 300000 }, () => {
  let dir, hub, hubBase, browser;

  before(async () => {
    assert.ok(HUB_BIN, 'HAILONG_HUB_BIN is not set');
    assert.ok(env.ctl, 'HAILONGCTL_BIN is not set');
    dir = tempDir('dossier');
    const [, tokenSha] = (await ctl(['new-token'])).trim().split('\n').map((s) => s.trim());
    const managerHash = (await ctl(['hash-password'], `${MANAGER.password}\n`)).trim();
    const viewerHash = (await ctl(['hash-password'], `${VIEWER.password}\n`)).trim();
    const port = await freePort();
    hubBase = `http://127.0.0.1:${port}`;
    const config = {
      data_dir: path.join(dir, 'hub'),
      http: { listen: `127.0.0.1:${port}` },
      nodes: [{ id: `edge-${OFFICE}`, office_id: OFFICE, token_sha256: tokenSha }],
      users: [
        { name: MANAGER.name, role: 'manager', offices: [OFFICE], password_hash: managerHash },
        { name: VIEWER.name, role: 'viewer', offices: [OFFICE], password_hash: viewerHash },
      ],
      web_root: HUB_WEB,
    };
    hub = await startHub(dir, config);
    const r = await fetch(`${hubBase}/public/v1/survey/${OFFICE}/q1`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'dossier-1', dossier: RECEIPT, answers: { level: 'very_satisfied' } }),
    });
    assert.equal(r.status, 200, await r.text());
  });

  after(async () => {
    if (browser) await browser.close();
    await stopProcess(hub);
  });

  async function login(page, user) {
    await page.goto(`${hubBase}/#/dossier?office=${OFFICE}&receipt=${RECEIPT}`);
    await page.waitForSelector('#login-form', { state: 'visible' });
    await page.fill('#login-name', user.name);
    await page.fill('#login-password', user.password);
    await page.click('#login-submit');
    await page.waitForSelector('#app:not([hidden]) #page-title');
  }

  it('shows the timeline and records a complaint for the manager', async () => {
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await login(page, MANAGER);
    assert.equal(await page.locator('#page-title').textContent(), 'Hồ sơ');
    await page.waitForSelector('#dossier-steps tr[data-kind=rating]');
    assert.match(await page.locator('#dossier-steps tr[data-kind=rating]').textContent(), /very_satisfied/);
    assert.equal(await page.locator('#dossier-766').getAttribute('data-unsatisfied'), 'false');

    await page.selectOption('#complaint-channel', 'letter');
    await page.fill('#complaint-note', NOTE);
    await page.click('#complaint-form button[type=submit]');
    await page.waitForSelector('#dossier-steps tr[data-kind=complaint]');
    const complaint = await page.locator('#dossier-steps tr[data-kind=complaint]').textContent();
    assert.match(complaint, /Đơn, thư/);
    assert.ok(complaint.includes(NOTE), complaint);
    assert.equal(await page.locator('#dossier-766').getAttribute('data-unsatisfied'), 'true');
    assert.match(await page.locator('#dossier-766').textContent(), /có khiếu nại được ghi nhận/);
    await screenshot(page, 'dashboard-dossier-manager');
    // The hub's answer agrees, and the complaint list has it.
    const list = await page.request.get(`${hubBase}/api/v1/complaints?office=${OFFICE}&dossier=${RECEIPT}`);
    assert.equal(list.status(), 200);
    assert.equal((await list.json()).complaints[0].note, NOTE);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('shows a viewer the timeline without the note and without the form', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await login(page, VIEWER);
    await page.waitForSelector('#dossier-steps tr[data-kind=complaint]');
    assert.equal(await page.locator('#complaint-form').count(), 0);
    const text = await page.locator('#dossier-timeline').textContent();
    assert.ok(!text.includes('Trần Thị Bé'), text);
    assert.match(text, /chỉ lãnh đạo, quản lý được xem/);
    // And the API refuses the viewer's complaint.
    const me = await (await page.request.get(`${hubBase}/api/v1/me`)).json();
    const r = await page.request.post(`${hubBase}/api/v1/complaints`, {
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      data: JSON.stringify({ office: OFFICE, dossier: RECEIPT, channel: 'hotline' }),
    });
    assert.equal(r.status(), 403);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
