// The per-criterion page (#/criteria) and the comments page (#/comments) in
// headless Chromium against a real hailong-hub fed through its phone
// survey: the criterion pulling the office down is marked with the share
// the hub computes (hand-checked below), the month's comments appear as
// text grouped by criterion, a manager follows up a suggestion from the
// page, and a viewer has neither the page nor the comments (403).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { ctl, env, freePort, launchBrowser, screenshot, sleep, startHub, stopProcess, tempDir, waitFor, watchErrors } from './lib/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const HUB_BIN = process.env.HAILONG_HUB_BIN || '';
const HUB_WEB = process.env.HAILONG_HUB_WEB_ROOT || path.resolve(here, '../../hub/web');
const OFFICE = 'phuong-09';
const ADMIN = { name: 'quan-tri', password: 'Mật-khẩu quản trị 321' };
const MANAGER = { name: 'truong-phong', password: 'Mật-khẩu quản lý 789' };
const VIEWER = { name: 'nguoi-xem', password: 'xem-thôi-456' };
const COMPLAINT = 'Chờ quá lâu, không ai hướng dẫn <b>gì</b>';
const SUGGESTION = 'Nên có thêm ghế chờ cho người cao tuổi & trẻ em';



async function login(context, base, user) {
  const page = await context.newPage();
  await page.goto(`${base}/#/overview`);
  await page.waitForSelector('#login-form', { state: 'visible' });
  await page.fill('#login-name', user.name);
  await page.fill('#login-password', user.password);
  await page.click('#login-submit');
  await page.waitForSelector('#app:not([hidden]) #page-title');
  return page;
}

describe('dashboard by criterion and comments', { timeout: 300000 }, () => {
  let dir, hub, base, browser;

  before(async () => {
    assert.ok(HUB_BIN, 'HAILONG_HUB_BIN is not set');
    assert.ok(env.ctl, 'HAILONGCTL_BIN is not set');
    dir = tempDir('criteria');
    const [, tokenSha] = (await ctl(['new-token'])).trim().split('\n').map((s) => s.trim());
    const users = [];
    for (const [u, role] of [[ADMIN, 'admin'], [MANAGER, 'manager'], [VIEWER, 'viewer']]) {
      const hash = (await ctl(['hash-password'], `${u.password}\n`)).trim();
      users.push({ name: u.name, role, offices: role === 'admin' ? ['*'] : [OFFICE], password_hash: hash });
    }
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = {
      data_dir: path.join(dir, 'hub'),
      http: { listen: `127.0.0.1:${port}` },
      nodes: [{ id: `edge-${OFFICE}`, office_id: OFFICE, token_sha256: tokenSha }],
      users,
      web_root: HUB_WEB,
    };
    hub = await startHub(dir, config);

    // Counter q2 asks Bình Thạnh's six return criteria on the phone.
    const res = await fetch(`${base}/api/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ADMIN) });
    const cookie = res.headers.get('set-cookie').split(';')[0];
    const { csrf_token: csrf } = await res.json();
    const cat = await fetch(`${base}/api/v1/catalogue`, { method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf },
      body: JSON.stringify({ kind: 'counter', id: 'q2', office: OFFICE, name: 'Quầy trả kết quả',
        attributes: { phone_template: 'binh-thanh-return' } }) });
    assert.equal(cat.status, 200, await cat.text());

    const rate = async (counter, id, answers, comment) => {
      const r = await fetch(`${base}/public/v1/survey/${OFFICE}/${counter}`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ id, answers, ...(comment ? { comment } : {}) }),
      });
      assert.equal(r.status, 200, await r.text());
    };
    const ret = (visits, timeliness, overall) => ({ attitude: 'good', complaint_handling: 'good', visits,
      resolved: 'resolved', timeliness, overall });
    // By hand: timeliness late 2 of 3 (66,7%) is the worst share; visits
    // three_or_more 1 of 3, overall unsatisfied 1 of 3; Gia Lâm's level
    // unsatisfied 1 of 2 (50%).
    await rate('q2', 'r1', ret('once', 'early', 'satisfied'));
    await rate('q2', 'r2', ret('three_or_more', 'late', 'unsatisfied'));
    await rate('q2', 'r3', ret('twice', 'late', 'neutral'));
    await rate('q1', 'g1', { level: 'unsatisfied' }, COMPLAINT);
    await rate('q1', 'g2', { level: 'very_satisfied' }, SUGGESTION);
  });

  after(async () => {
    if (browser) await browser.close();
    await stopProcess(hub);
  });

  it('marks the criterion pulling the office down and lists the comments for a manager', async () => {
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
    const page = await login(context, base, MANAGER);
    const errors = watchErrors(page);
    assert.equal(await page.locator('#nav-criteria').count(), 1);
    assert.equal(await page.locator('#nav-comments').count(), 1);

    await page.goto(`${base}/#/criteria?period=month&office=${OFFICE}`);
    const worst = page.locator('#criteria-box tr.pulls-down');
    await worst.waitFor({ timeout: 15000 });
    assert.equal(await worst.getAttribute('data-criterion'), 'timeliness');
    assert.equal((await worst.locator('.worst-share').textContent()).trim(), '66,7%');
    assert.match(await page.locator('#criteria-worst').textContent(), /Thời gian trả kết quả.*66,7%.*Trễ hạn/);
    const level = page.locator('table[data-template="gia-lam-phone"] tr[data-criterion="level"] .worst-share');
    assert.equal((await level.textContent()).trim(), '50,0%');
    assert.equal(await page.locator('table[data-template="binh-thanh-return"] tbody tr').count(), 6);
    // The same figures as the hub's own report.
    const today = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);  // Vietnam's day
    const api = await (await page.request.get(`${base}/api/v1/report?group_by=criterion&office=${OFFICE}` +
      `&from=${today.slice(0, 8)}01&to=${today}`)).json();
    const t = api.rows.find((r) => r.criterion === 'timeliness');
    assert.equal(t.worst_count, 2);
    assert.equal(t.answers, 3);
    await screenshot(page, 'dashboard-criteria');

    await page.goto(`${base}/#/comments?office=${OFFICE}`);
    const group = page.locator('.comments-criterion[data-criterion="level"]');
    await group.waitFor({ timeout: 15000 });
    const texts = await group.locator('.comment-text').allTextContents();
    assert.deepEqual(texts, [COMPLAINT, SUGGESTION]);  // as text, oldest first
    // The complaint has the projector's follow-up; the suggestion a button.
    const rows = group.locator('tbody tr');
    assert.equal(await rows.nth(0).locator('button.follow-suggestion').count(), 0);
    await rows.nth(1).locator('button.follow-suggestion').click();
    await waitFor('suggestion followed up', async () =>
      /Đang theo dõi \(góp ý\)/.test(await rows.nth(1).textContent()), 15000);
    const fus = await (await page.request.get(`${base}/api/v1/follow-ups?office=${OFFICE}`)).json();
    const list = fus.follow_ups || fus;
    assert.ok(list.some((f) => f.reason === 'suggestion'), JSON.stringify(fus));
    await screenshot(page, 'dashboard-comments');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('gives a viewer no comments page and a 403 from the API', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
    const page = await login(context, base, VIEWER);
    const errors = watchErrors(page);
    assert.equal(await page.locator('#nav-comments').count(), 0);
    assert.equal(await page.locator('#nav-criteria').count(), 1);
    await page.goto(`${base}/#/comments`);
    await page.waitForSelector('#page-title');
    assert.equal(await page.locator('#comments-box').count(), 0);
    const r = await page.request.get(`${base}/api/v1/comments`);
    assert.equal(r.status(), 403);
    assert.doesNotMatch(await page.content(), /ghế chờ/);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
