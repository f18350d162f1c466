// The phone survey (GET /s/{office}/{counter}[?r=receipt]) on a phone-sized
// headless Chromium against a real hailong-edge and Mosquitto: every
// criterion on one page, form checks (missing answers, bad phone number,
// no consent), comment and call-back number, the receipt from the QR link,
// English, the offline queue, an unknown counter; the last case reads the
// stopped edge's log with `hailongctl log cat` (comment and phone only
// encrypted there).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  OFFICE, env, launchBrowser, ratingEvents, recordRatings, screenshot, sleep, startStack,
  watchErrors,
} from './lib/harness.mjs';

const COUNTER = 'q3';  // asks gia-lam-phone: a comment and a call-back number
const PLAIN_COUNTER = 'q4';  // asks smiley-4: neither
const CATALOGUE = {
  counters: [
    { id: COUNTER, name: 'Quầy 3', template: 'gia-lam-phone' },
    { id: PLAIN_COUNTER, name: 'Quầy 4', template: 'smiley-4' },
  ],
};
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
                deviceScaleFactor: 2, locale: 'vi-VN' };
const visible = (id) => `#${id}:not([hidden])`;

describe('phone survey', { timeout: 300000 }, () => {
  let stack, edge, browser;
  const stored = [];

  before(async () => {
    stack = await startStack('survey', { catalogue: CATALOGUE });
    edge = stack.edge;
    browser = await launchBrowser();
  });
  after(async () => {
    if (browser) await browser.close();
    if (stack) await stack.stop();
  });

  async function openSurvey(query = '', counter = COUNTER) {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const errors = watchErrors(page);
    const sent = recordRatings(page);
    await page.goto(`${edge.base}/s/${OFFICE}/${counter}${query}`);
    await page.waitForSelector(visible('screen-form'), { timeout: 15000 });
    return { context, page, errors, sent };
  }

  // Chooses an option of `polarity` (else the first) in every criterion.
  async function answerAll(page, polarity) {
    const ids = await page.$$eval('#criteria fieldset', (l) => l.map((f) => f.dataset.criterion));
    assert.ok(ids.length >= 1);
    for (const id of ids) {
      const sel = `#criteria fieldset[data-criterion="${id}"]`;
      const want = `${sel} .option.${polarity}`;
      await page.tap((await page.$(want)) ? want : `${sel} .option`);
    }
    return ids.length;
  }

  it('sends a rating with a comment and a call-back number', async () => {
    const { context, page, errors, sent } = await openSurvey('?r=000321');
    assert.equal(await page.textContent('#dossier'), 'Hồ sơ: 000321');
    assert.equal(await page.textContent('#submit'), 'Gửi đánh giá');
    await screenshot(page, 'survey-form', { fullPage: true });

    // Nothing chosen: every criterion is marked, nothing is sent.
    await page.tap('#submit');
    await page.waitForSelector(visible('form-error'));
    assert.match(await page.textContent('#form-error'), /chọn một mức cho mỗi câu hỏi/);
    const marked = await page.$$('#criteria fieldset.missing');
    assert.ok(marked.length >= 1);
    await screenshot(page, 'survey-missing');

    const n = await answerAll(page, 'negative');
    assert.equal((await page.$$('#criteria fieldset.missing')).length, 0);
    assert.equal((await page.$$('#criteria .option.chosen')).length, n);
    const comment = 'Phải chờ hơn một tiếng, cán bộ giải thích chưa rõ ràng. Đề nghị bố trí thêm ghế ngồi.';
    await page.fill('#comment', comment);
    assert.equal(await page.textContent('#comment-count'), `${comment.length}/2000 ký tự`);
    // A comment longer than 2,000 characters is cut by the field.
    await page.fill('#comment', 'ố'.repeat(2100));
    assert.equal((await page.inputValue('#comment')).length, 2000);
    await page.fill('#comment', comment);

    await page.fill('#phone', '0912 34');
    await page.tap('#submit');
    assert.match(await page.textContent('#form-error'), /Số điện thoại chưa đúng/);
    await page.fill('#phone', '0912 345 678');
    await page.tap('#submit');
    assert.match(await page.textContent('#form-error'), /đánh dấu vào ô đồng ý/);
    await screenshot(page, 'survey-consent-needed', { fullPage: true });
    assert.equal(sent.length, 0);

    await page.check('#consent');
    const before = await edge.logSeq();
    await page.tap('#submit');
    await page.waitForSelector('#thanks-status.stored', { timeout: 10000 });
    assert.equal(await page.textContent('#thanks-title'), 'Cảm ơn ông/bà đã đánh giá!');
    await screenshot(page, 'survey-thanks');
    assert.ok((await edge.logSeq()) > before);
    const r = sent.at(-1);
    assert.equal(r.channel, 'phone');
    assert.equal(r.counter, COUNTER);
    assert.equal(r.dossier, '000321');
    assert.equal(r.comment, comment);
    assert.equal(r.phone, '0912345678');
    // The consent goes with the number, and the version of the text shown.
    assert.equal(r.consent, true);
    const version = await page.evaluate(() => window.HL.CONSENT_VERSION);
    assert.match(version, /^[A-Za-z0-9._-]{1,32}$/);
    assert.equal(r.consent_version, version);
    assert.equal(Object.keys(r.answers).length, n);
    stored.push({ id: r.id, dossier: '000321', comment, phone: '0912345678',
                  consentVersion: version });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('sends no phone number without one, and no comment when empty', async () => {
    const { context, page, errors, sent } = await openSurvey();
    assert.equal(await page.isVisible('#dossier'), false);
    await answerAll(page, 'positive');
    await page.tap('#submit');
    await page.waitForSelector('#thanks-status.stored', { timeout: 10000 });
    const r = sent.at(-1);
    assert.equal(r.phone, undefined);
    assert.equal(r.consent, undefined);
    assert.equal(r.comment, undefined);
    assert.equal(r.dossier, undefined);
    stored.push({ id: r.id, comment: '', phone: '', consentVersion: '' });
    // Another rating from the same phone starts from a clean form.
    await page.tap('#again');
    await page.waitForSelector(visible('screen-form'));
    assert.equal((await page.$$('#criteria .option.chosen')).length, 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('offers no comment or phone number where the template does not ask for them', async () => {
    const { context, page, errors, sent } = await openSurvey('', PLAIN_COUNTER);
    assert.equal(await page.isVisible('#comment-field'), false);
    assert.equal(await page.isVisible('#phone-field'), false);
    await answerAll(page, 'negative');
    await page.tap('#submit');
    await page.waitForSelector('#thanks-status.stored', { timeout: 10000 });
    const r = sent.at(-1);
    assert.equal(r.template, 'smiley-4');
    assert.equal(r.comment, undefined);
    assert.equal(r.phone, undefined);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('switches to English and back', async () => {
    const { context, page, errors } = await openSurvey();
    await page.tap('#lang');
    assert.equal(await page.textContent('#submit'), 'Send my rating');
    assert.equal(await page.textContent('label[for="comment"]'), 'Other comments (optional)');
    assert.equal(await page.getAttribute('#phone', 'placeholder'), 'For example: 0912345678');
    await screenshot(page, 'survey-form-en', { fullPage: true });
    await page.tap('#lang');
    assert.equal(await page.textContent('#submit'), 'Gửi đánh giá');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('keeps the rating while offline and sends it once when back', async () => {
    const { context, page, errors, sent } = await openSurvey();
    const before = await edge.logSeq();
    await page.route('**/api/v1/ratings', (route) => route.abort('internetdisconnected'));
    await answerAll(page, 'neutral');
    await page.fill('#comment', 'Gửi khi mất mạng');
    await page.tap('#submit');
    await page.waitForSelector('#thanks-status.queued', { timeout: 10000 });
    assert.equal(await page.textContent('#thanks-status'), 'Đã lưu, sẽ gửi khi có mạng.');
    await screenshot(page, 'survey-thanks-queued');
    await sleep(2500);  // an absence: a few more tries, all aborted, store nothing
    assert.equal(await edge.logSeq(), before);
    await page.unroute('**/api/v1/ratings');
    await page.waitForFunction(() => document.getElementById('net').hidden, null,
                               { timeout: 20000 });
    assert.equal(new Set(sent.map((r) => r.id)).size, 1);
    assert.equal(await edge.logSeq(), before + 1);
    stored.push({ id: sent[0].id, comment: 'Gửi khi mất mạng', exactlyOnce: true });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('says clearly when the counter does not exist', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const bad = 'y'.repeat(40);
    await page.goto(`${edge.base}/s/${OFFICE}/${bad}?counter=${bad}`);
    await page.waitForSelector(visible('screen-unknown'), { timeout: 10000 });
    assert.match(await page.textContent('#unknown-title'), /^Không tìm thấy quầy/);
    await context.close();
  });

  it('leaves each rating in the edge log exactly once (hailongctl log cat)', async (t) => {
    if (!env.ctl) {
      t.skip('hailongctl is not built');
      return;
    }
    await edge.stop();
    const events = ratingEvents(await edge.logCat());
    for (const want of stored) {
      const found = events.filter((e) => e.body.rating_id === want.id);
      assert.equal(found.length, 1, `rating ${want.id}: ${found.length} events`);
      const body = found[0].body;
      assert.equal(body.channel, 'phone');
      assert.equal(body.counter, COUNTER);
      if (want.dossier) assert.equal(body.dossier, want.dossier);
      // Never in clear in the log: sealed to the hub (replication/doc/personal_data.md).
      assert.equal(body.comment || '', '');
      assert.equal(body.phone || '', '');
      if (want.comment !== undefined) assert.equal(!!body.sealed_comment, want.comment !== '');
      if (want.phone !== undefined) assert.equal(!!body.sealed_phone, want.phone !== '');
      assert.ok(!JSON.stringify(body).includes('0912345678'));
      if (want.consentVersion !== undefined) {
        assert.equal(body.consent_version || '', want.consentVersion);
      }
    }
    await edge.start();
  });
});

// The edge's limits on phone ratings, as a citizen sees them: at most two
// ratings from one address here, and one per receipt.
describe('phone survey within the edge limits', { timeout: 300000 }, () => {
  let stack, edge, browser;

  before(async () => {
    stack = await startStack('survey-limits', { phone_limit_per_address: 2 });
    edge = stack.edge;
    browser = await launchBrowser();
  });
  after(async () => {
    if (browser) await browser.close();
    if (stack) await stack.stop();
  });

  async function rateOnce(query) {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${edge.base}/s/${OFFICE}/${COUNTER}${query}`);
    await page.waitForSelector(visible('screen-form'), { timeout: 15000 });
    for (const f of await page.$$('#criteria fieldset')) {
      await (await f.$('.option')).tap();
    }
    await page.tap('#submit');
    await page.waitForSelector('#thanks-status:not(.sending)', { timeout: 10000 });
    return { context, page, errors };
  }

  it('rates a receipt once, then asks to wait when the phone sends too many', async () => {
    const before = await edge.logSeq();
    let r = await rateOnce('?r=000999');
    await r.page.waitForSelector('#thanks-status.stored');
    await r.context.close();
    // The same receipt again: refused for good, in Vietnamese.
    r = await rateOnce('?r=000999');
    await r.page.waitForSelector('#thanks-status.rejected');
    assert.match(await r.page.textContent('#thanks-reason'), /mỗi biên nhận chỉ đánh giá một lần/);
    await screenshot(r.page, 'survey-already-rated');
    await r.context.close();
    // A third rating from this address: kept, and the edge's words say why.
    r = await rateOnce('');
    await r.page.waitForSelector('#thanks-status.queued');
    assert.equal(await r.page.textContent('#thanks-status'), 'Đã lưu, sẽ tự gửi lại sau ít phút.');
    assert.match(await r.page.textContent('#thanks-reason'), /nhiều đánh giá trong thời gian ngắn/);
    await screenshot(r.page, 'survey-rate-limited');
    assert.deepEqual(r.errors, []);
    await r.context.close();
    assert.equal(await edge.logSeq(), before + 1);
  });
});
