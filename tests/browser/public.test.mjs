// The public results page (/ket-qua, /ket-qua/{office}) in headless
// Chromium against a real hailong-hub: phone-survey ratings at the hub, the
// district page lists the office with its figures, a click opens the
// office's page month by month, in Vietnamese and in English; no cookie is
// needed and no personal text is shown.
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
const OFFICE_NAME = 'UBND phường 9';
const ADMIN = { name: 'quan-tri', password: 'Mật-khẩu quản trị 456' };
const COMMENT = 'Cán bộ hướng dẫn chưa rõ ràng';



describe('public results page', { timeout: 300000 }, () => {
  let dir, hub, hubBase, browser;

  before(async () => {
    assert.ok(HUB_BIN, 'HAILONG_HUB_BIN is not set');
    assert.ok(env.ctl, 'HAILONGCTL_BIN is not set');
    dir = tempDir('public');
    const [, tokenSha] = (await ctl(['new-token'])).trim().split('\n').map((s) => s.trim());
    const hash = (await ctl(['hash-password'], `${ADMIN.password}\n`)).trim();
    const port = await freePort();
    hubBase = `http://127.0.0.1:${port}`;
    const config = {
      data_dir: path.join(dir, 'hub'),
      http: { listen: `127.0.0.1:${port}` },
      nodes: [{ id: `edge-${OFFICE}`, office_id: OFFICE, token_sha256: tokenSha }],
      users: [{ name: ADMIN.name, role: 'admin', offices: ['*'], password_hash: hash }],
      web_root: HUB_WEB,
      public_title: 'UBND quận Thử Nghiệm',
    };
    hub = await startHub(dir, config);

    // The office's name, by the admin.
    const login = await fetch(`${hubBase}/api/v1/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const loginText = await login.text();
    assert.equal(login.status, 200, loginText);
    const cookie = login.headers.get('set-cookie').split(';')[0];
    const { csrf_token: csrf } = JSON.parse(loginText);
    const cat = await fetch(`${hubBase}/api/v1/catalogue`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf },
      body: JSON.stringify({ kind: 'office', id: OFFICE, name: OFFICE_NAME }),
    });
    assert.equal(cat.status, 200, await cat.text());

    // Three very satisfied and one unsatisfied (with a comment) phone ratings:
    // 3 / 4 = 75,0 % satisfied this month.
    const answers = ['very_satisfied', 'very_satisfied', 'satisfied', 'unsatisfied'];
    for (let i = 0; i < answers.length; i += 1) {
      const body = { id: `public-${i}`, answers: { level: answers[i] } };
      if (answers[i] === 'unsatisfied') body.comment = COMMENT;
      const r = await fetch(`${hubBase}/public/v1/survey/${OFFICE}/q1`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      assert.equal(r.status, 200, await r.text());
    }
    await waitFor('the ratings projected', async () => {
      const r = await fetch(`${hubBase}/public/v1/results?office=${OFFICE}`);
      const doc = await r.json();
      return doc.months.length > 0 && doc.months.at(-1).ratings === 4;
    });
  });

  after(async () => {
    if (browser) await browser.close();
    await stopProcess(hub);
  });

  it('shows the district, then the office month by month, in Vietnamese and English', async () => {
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'vi-VN' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${hubBase}/ket-qua`);
    const row = page.locator(`#pub-offices-table tr[data-office="${OFFICE}"]`);
    await row.waitFor({ timeout: 20000 });
    assert.equal(await page.locator('#pub-heading').textContent(), 'Kết quả đánh giá sự hài lòng');
    assert.equal(await page.locator('#pub-title').textContent(), 'UBND quận Thử Nghiệm');
    const cells = await row.locator('td').allTextContents();
    assert.equal(cells[0], OFFICE_NAME);
    assert.equal(cells[1], '4');
    assert.equal(cells[2], '75,0 %');
    await screenshot(page, 'public-district');

    await row.locator('a').click();
    await page.waitForURL(`${hubBase}/ket-qua/${OFFICE}`);
    await page.locator('#pub-months-table tr[data-month]').first().waitFor();
    assert.equal(await page.locator('#pub-heading').textContent(),
                 `Kết quả đánh giá sự hài lòng: ${OFFICE_NAME}`);
    const card = page.locator('[data-figure=satisfaction]');
    assert.match(await card.textContent(), /75,0 %/);
    // 75 % is not above the district's default 80 % target.
    assert.match(await card.textContent(), /chỉ tiêu: trên 80,0 % — chưa đạt chỉ tiêu/);
    // No dossiers this month: participation and Decision 766 are "—", not 0 %.
    assert.equal(await page.locator('[data-figure=participation] .v').textContent(), '—');
    assert.equal(await page.locator('[data-figure=d766] .v').textContent(), '—');
    const body = await page.locator('body').textContent();
    assert.ok(!body.includes(COMMENT), 'a comment reached the public page');
    await screenshot(page, 'public-office');

    await page.click('#pub-lang');
    await waitFor('English heading', async () =>
      (await page.locator('#pub-heading').textContent()) === `Citizen satisfaction results: ${OFFICE_NAME}`);
    assert.match(await card.textContent(), /75\.0 %/);
    assert.match(await card.textContent(), /target: above 80\.0 % — target not met/);
    assert.deepEqual(errors, []);
    const cookies = await context.cookies();
    assert.deepEqual(cookies, []);
    await context.close();
  });
});
