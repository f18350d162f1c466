// The QR codes the edge prints for counters and receipts (GET /qr/...),
// decoded for real with zbarimg: the PNG as served, the SVG as Chromium
// draws it. Then the decoded link is opened on a phone-sized browser and
// must show the survey of that counter (and dossier).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  OFFICE, decodeQr, env, launchBrowser, rfc3339, screenshot, startStack,
} from './lib/harness.mjs';

const visible = (id) => `#${id}:not([hidden])`;

describe('QR codes', { timeout: 180000 }, () => {
  let stack, edge, browser;

  before(async () => {
    stack = await startStack('qr');
    edge = stack.edge;
    browser = await launchBrowser();
  });
  after(async () => {
    if (browser) await browser.close();
    if (stack) await stack.stop();
  });

  it('counter PNG decodes to the phone-survey link, which opens the survey', async (t) => {
    const png = await edge.getBytes('/qr/counter/q1.png');
    assert.equal(png.status, 200);
    assert.match(png.type, /^image\/png/);
    assert.equal(png.bytes.subarray(0, 8).toString('hex'), '89504e470d0a1a0a');
    if (!env.zbarimg) {
      t.skip('zbarimg is not installed');
      return;
    }
    const file = path.join(stack.dir, 'counter-q1.png');
    fs.writeFileSync(file, png.bytes);
    const url = await decodeQr(file);
    assert.equal(url, `${edge.base}/s/${OFFICE}/q1`);

    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector(visible('screen-form'), { timeout: 15000 });
    assert.equal(await page.textContent('#counter-name'), 'Quầy q1');
    await context.close();
  });

  it('receipt SVG, as Chromium draws it, decodes to the survey link with the receipt',
     async (t) => {
       const d = await edge.postDossier({
         receipt: '000555', event: 'returned', procedure: 'HT-001', field: 'HT', counter: 'q2',
         officer: 'cb-1', at: rfc3339(),
       });
       assert.equal(d.status, 200, JSON.stringify(d.body));
       const svg = await edge.get('/qr/receipt/000555.svg');
       assert.equal(svg.status, 200);
       assert.match(svg.headers.get('content-type'), /^image\/svg\+xml/);
       assert.match(svg.body, /<svg[^>]*viewBox="0 0 \d+ \d+"/);
       if (!env.zbarimg) {
         t.skip('zbarimg is not installed');
         return;
       }
       const context = await browser.newContext({ viewport: { width: 500, height: 500 } });
       const page = await context.newPage();
       await page.goto(`${edge.base}/qr/receipt/000555.svg`);
       const file = await screenshot(page, 'qr-receipt-svg');
       const url = await decodeQr(file);
       assert.ok(url.startsWith(`${edge.base}/s/${OFFICE}/`), url);
       assert.match(url, /[?&]r=000555(&|$)/);

       await page.setViewportSize({ width: 390, height: 844 });
       await page.goto(url);
       await page.waitForSelector(visible('screen-form'), { timeout: 15000 });
       assert.equal(await page.textContent('#dossier'), 'Hồ sơ: 000555');
       await context.close();
     });
});
