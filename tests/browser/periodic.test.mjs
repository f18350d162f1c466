// The periodic report as a printable document (issue 16 item 6) in headless
// Chromium against a real hailong-hub: signed in on the dashboard, its
// navigation leads to /bao-cao; the page is laid out as Decree 30's report
// form (national header, number, place and date, recipient, the tables with
// the previous period beside each figure, the signature block), switches to
// English, and prints to A4 with page.pdf(): the print drops the toolbar,
// keeps the table rows whole, and the printed page, turned into an image
// (pdftoppm), reads back by OCR (tesseract -l vie) with the national header.
// The hub's own PDF is opened as page images too, in the browser.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { ctl, env, freePort, launchBrowser, screenshot, startHub, stopProcess, tempDir, waitFor, watchErrors } from './lib/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const HUB_BIN = process.env.HAILONG_HUB_BIN || '';
const HUB_WEB = process.env.HAILONG_HUB_WEB_ROOT || path.resolve(here, '../../hub/web');
const PDFTOPPM = process.env.HAILONG_PDFTOPPM || 'pdftoppm';
const PDFINFO = process.env.HAILONG_PDFINFO || 'pdfinfo';
const PDFTOTEXT = process.env.HAILONG_PDFTOTEXT || 'pdftotext';
const TESSERACT = process.env.HAILONG_TESSERACT || 'tesseract';
const OFFICE = 'phuong-07';
const OFFICE_NAME = 'Phường Đống Đa';
const ADMIN = { name: 'quan-tri', password: 'Mật-khẩu quản trị 789' };
const NATION = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';

function run(bin, args) {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${bin} ${args.join(' ')}: ${err.message} ${stderr}`));
      else resolve(stdout);
    });
  });
}

// Letters only, lower case, diacritics folded: OCR's tolerance.
const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd')
  .toLowerCase().replace(/[^a-z]/g, '');

describe('periodic report page', { timeout: 300000 }, () => {
  let dir, hub, hubBase, browser, month;

  before(async () => {
    assert.ok(HUB_BIN, 'HAILONG_HUB_BIN is not set');
    assert.ok(env.ctl, 'HAILONGCTL_BIN is not set');
    dir = tempDir('periodic');
    const [, tokenSha] = (await ctl(['new-token'])).trim().split('\n').map((s) => s.trim());
    const hash = (await ctl(['hash-password'], `${ADMIN.password}\n`)).trim();
    const port = await freePort();
    hubBase = `http://127.0.0.1:${port}`;
    hub = await startHub(dir, {
      data_dir: path.join(dir, 'hub'),
      http: { listen: `127.0.0.1:${port}` },
      nodes: [{ id: `edge-${OFFICE}`, office_id: OFFICE, token_sha256: tokenSha }],
      users: [{ name: ADMIN.name, role: 'admin', offices: ['*'], password_hash: hash }],
      web_root: HUB_WEB,
      periodic_report: {
        parent_body: 'ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI', issuer: 'ỦY BAN NHÂN DÂN QUẬN ĐỐNG ĐA',
        place: 'Đống Đa', signer_title: 'CHỦ TỊCH', signer_name: 'Trần Thị Bình',
      },
    });
    const login = await fetch(`${hubBase}/api/v1/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(ADMIN),
    });
    const loginText = await login.text();
    assert.equal(login.status, 200, loginText);
    const cookie = login.headers.get('set-cookie').split(';')[0];
    const cat = await fetch(`${hubBase}/api/v1/catalogue`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': JSON.parse(loginText).csrf_token },
      body: JSON.stringify({ kind: 'office', id: OFFICE, name: OFFICE_NAME }),
    });
    assert.equal(cat.status, 200, await cat.text());
    // Three satisfied and one unsatisfied phone rating this month: 75,0 %.
    const answers = ['very_satisfied', 'satisfied', 'satisfied', 'unsatisfied'];
    for (let i = 0; i < answers.length; i += 1) {
      const r = await fetch(`${hubBase}/public/v1/survey/${OFFICE}/q1`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ id: `periodic-${i}`, answers: { level: answers[i] } }),
      });
      assert.equal(r.status, 200, await r.text());
    }
    // The hub's month (its clock, Asia/Ho_Chi_Minh), once the ratings count.
    await waitFor('the ratings projected', async () => {
      const doc = await (await fetch(`${hubBase}/public/v1/results?office=${OFFICE}`)).json();
      month = doc.months.length ? doc.months.at(-1).month : null;
      return doc.months.length > 0 && doc.months.at(-1).ratings === 4;
    });
  });

  after(async () => {
    if (browser) await browser.close();
    await stopProcess(hub);
  });

  it('lays out the report as Decree 30 and prints it to A4', async () => {
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'vi-VN' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    // Signed in on the dashboard, whose navigation links the printable report.
    await page.goto(`${hubBase}/`);
    await page.fill('#login-name', ADMIN.name);
    await page.fill('#login-password', ADMIN.password);
    await page.click('#login-submit');
    const link = page.locator('#nav-periodic');
    await link.waitFor({ timeout: 20000 });
    assert.equal(await link.textContent(), 'Báo cáo định kỳ (in)');
    await link.click();
    await page.waitForURL(`${hubBase}/bao-cao`);

    const query = new URLSearchParams({ period: month, number: '7', date: '2026-01-05', recipient: 'Phòng Nội vụ' });
    await page.goto(`${hubBase}/bao-cao?${query}`);
    await page.locator('body[data-ready=true]').waitFor({ timeout: 20000 });
    const text = async (sel) => (await page.locator(sel).first().textContent()).trim();
    assert.equal(await text('.nation'), NATION);
    assert.equal(await text('.motto'), 'Độc lập - Tự do - Hạnh phúc');
    assert.equal(await text('.issuer'), 'ỦY BAN NHÂN DÂN QUẬN ĐỐNG ĐA');
    assert.equal(await text('.number'), 'Số: 7/BC-UBND');
    assert.equal(await text('.place-date'), 'Đống Đa, ngày 05 tháng 01 năm 2026');
    assert.equal(await text('.doc-title'), 'BÁO CÁO');
    const [y, m] = month.split('-');
    assert.match(await text('.doc-subject'), new RegExp(`^Kết quả đo lường sự hài lòng .* tháng ${Number(m)} năm ${y}$`));
    assert.equal(await text('.recipient'), 'Kính gửi: Phòng Nội vụ.');
    // The national header on the right of the issuing body, on one line.
    const issuerBox = await page.locator('.issuer').boundingBox();
    const nationBox = await page.locator('.nation').boundingBox();
    assert.ok(nationBox.x >= issuerBox.x + issuerBox.width, `the national header is not on the right: ${JSON.stringify([issuerBox, nationBox])}`);
    // Three tables; the office's row: this period, then the previous one.
    assert.equal(await page.locator('table.figures').count(), 3);
    const headers = await page.locator('table.figures').first().locator('thead tr').nth(1).locator('th').allTextContents();
    assert.deepEqual(headers.slice(0, 2), ['Kỳ này', 'Kỳ trước']);
    const row = page.locator('table.figures').first().locator('tbody tr', { hasText: OFFICE_NAME });
    assert.deepEqual(await row.locator('td').allTextContents(),
                     [OFFICE_NAME, '4', '0', '1', '0', '2', '0', '0', '0', '1', '0']);
    const rates = page.locator('table.figures').nth(1).locator('tbody tr', { hasText: OFFICE_NAME });
    assert.deepEqual((await rates.locator('td').allTextContents()).slice(1, 3), ['75,0%', '–']);
    assert.equal(await text('.copies-label'), 'Nơi nhận:');
    assert.equal(await text('.signer'), 'CHỦ TỊCHTrần Thị Bình');
    await screenshot(page, 'periodic-page');

    // English, as the dashboard's switch; then back.
    await page.click('#pr-lang');
    await waitFor('English header', async () => (await text('.nation')) === 'SOCIALIST REPUBLIC OF VIET NAM');
    assert.equal(await text('.recipient'), 'To: Phòng Nội vụ.');
    await page.click('#pr-lang');
    await waitFor('Vietnamese header', async () => (await text('.nation')) === NATION);

    // Print: A4, the toolbar gone, rows that never break, the header repeated.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.toolbar').evaluate((el) => getComputedStyle(el).display), 'none');
    const rowStyle = await page.locator('table.figures tbody tr').first()
      .evaluate((el) => getComputedStyle(el).breakInside);
    assert.equal(rowStyle, 'avoid');
    assert.equal(await page.locator('table.figures thead').first()
      .evaluate((el) => getComputedStyle(el).display), 'table-header-group');
    assert.match(await page.locator('.doc').evaluate((el) => getComputedStyle(el).fontFamily), /Times New Roman/);
    const printed = path.join(dir, 'printed.pdf');
    fs.writeFileSync(printed, await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true }));
    const info = await run(PDFINFO, [printed]);
    assert.match(info, /Page size:\s+59\d\.\d+ x 841\.\d+ pts \(A4\)/);
    // One office: the document fits two pages.
    assert.match(info, /Pages:\s+[12]\n/);
    const printedText = await run(PDFTOTEXT, ['-layout', '-enc', 'UTF-8', printed, '-']);
    for (const want of [NATION, 'Kính gửi: Phòng Nội vụ.', OFFICE_NAME, '75,0%', 'Nơi nhận:']) {
      assert.ok(printedText.includes(want), `the printed PDF lacks "${want}":\n${printedText}`);
    }
    assert.ok(!printedText.includes('Tải PDF'), 'the toolbar was printed');
    await run(PDFTOPPM, ['-r', '300', '-gray', '-f', '1', '-l', '1', '-png', printed, path.join(dir, 'printed')]);
    const ocr = await run(TESSERACT, [path.join(dir, 'printed-1.png'), 'stdout', '-l', 'vie', '--psm', '4']);
    const exact = ocr.includes(NATION);
    assert.ok(exact || fold(ocr).includes(fold(NATION)), `OCR of the printed page:\n${ocr}`);
    assert.ok(fold(ocr).includes(fold('Độc lập - Tự do - Hạnh phúc')), ocr);
    console.log(`OCR of the printed page's national header: ${exact ? 'exact, with diacritics' : 'without diacritics'}`);
    await page.emulateMedia({ media: 'screen' });

    // The hub's PDF, its pages as images opened in the browser: A4 portrait.
    const res = await page.request.get(`${hubBase}/api/v1/report/periodic.pdf?${query}`);
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['content-type'], 'application/pdf');
    const hubPdf = path.join(dir, 'hub.pdf');
    fs.writeFileSync(hubPdf, await res.body());
    await run(PDFTOPPM, ['-r', '72', '-png', hubPdf, path.join(dir, 'hub')]);
    const pages = fs.readdirSync(dir).filter((f) => /^hub-\d+\.png$/.test(f)).sort();
    assert.ok(pages.length >= 1, 'no page image');
    const viewer = await context.newPage();
    for (const f of pages) {
      const src = `data:image/png;base64,${fs.readFileSync(path.join(dir, f)).toString('base64')}`;
      await viewer.setContent('<img id="p">');
      await viewer.locator('#p').evaluate((img, s) => new Promise((resolve, reject) => {
        img.onload = resolve;
        img.onerror = reject;
        img.src = s;
      }), src);
      const [w, h] = await viewer.locator('#p').evaluate((img) => [img.naturalWidth, img.naturalHeight]);
      assert.ok(Math.abs(w / h - 210 / 297) < 0.01, `${f} is ${w}x${h}, not A4`);
      await screenshot(viewer, `periodic-hub-${f.replace('.png', '')}`, { fullPage: true });
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
});
