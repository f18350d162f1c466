// The counter kiosk (GET /kiosk/{counter}) in headless Chromium against a
// real hailong-edge and Mosquitto: tap-through rating, the officer on duty,
// a dossier from the one-stop software, a receipt scanner, the English
// switch, idle reset, the offline queue (same id resent, one event), a
// server rejection, an unknown counter and the dossier look-up. The last
// case stops the edge and reads its log with `hailongctl log cat`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  env, launchBrowser, ratingEvents, recordRatings, rfc3339, screenshot, sleep, startStack,
  TEST_PIN, watchErrors,
} from './lib/harness.mjs';
import { rateAll, thanksState, visible, waitWelcome } from './lib/kiosk_steps.mjs';

const COUNTER = 'q1';
const OFFICER = { id: 'cb-nhung', name: 'Nguyễn Thị Hồng Nhung' };

describe('kiosk', { timeout: 300000 }, () => {
  let stack, edge, browser;
  // Rating ids the edge answered "stored", with what each must carry.
  const stored = [];

  before(async () => {
    stack = await startStack('kiosk');
    edge = stack.edge;
    browser = await launchBrowser();
  });
  after(async () => {
    if (browser) await browser.close();
    if (stack) await stack.stop();
  });

  // A fresh browser enrolled for the counter through a one-time link, as a
  // technician does it (the link's code is in its fragment).
  async function openKiosk(query = '', viewport = { width: 1280, height: 800 }) {
    const context = await browser.newContext({ viewport, locale: 'vi-VN' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    const sent = recordRatings(page);
    const { code } = await edge.enrollmentCode(COUNTER);
    await page.goto(`${edge.base}/kiosk/${COUNTER}${query}#enroll=${code}`);
    await waitWelcome(page);
    return { context, page, errors, sent };
  }

  it('shows the officer on duty and stores a tapped-through rating', async () => {
    await edge.signIn(COUNTER, OFFICER.id);
    const { context, page, errors, sent } = await openKiosk();
    await page.waitForFunction(
        (name) => document.getElementById('officer-name').textContent === name, OFFICER.name,
        { timeout: 10000 });
    assert.equal(await page.textContent('#start'), 'Bắt đầu đánh giá');
    await screenshot(page, 'kiosk-welcome');
    const before = await edge.logSeq();

    await page.click('#start');
    await page.waitForSelector(visible('screen-question'));
    assert.match(await page.textContent('#q-progress'), /^Câu 1\/\d+$/);
    const box = await page.$eval('#q-options .option', (b) => b.getBoundingClientRect().height);
    assert.ok(box >= 64, `option buttons are ${box}px high`);
    await screenshot(page, 'kiosk-question');
    await page.click('#q-back');
    await waitWelcome(page);

    await rateAll(page, 'positive');
    assert.equal(await page.textContent('#thanks-title'), 'Cảm ơn ông/bà đã đánh giá!');
    assert.equal(await thanksState(page, 'stored'), 'Ý kiến của ông/bà đã được ghi nhận.');
    await screenshot(page, 'kiosk-thanks');
    assert.equal(sent.length, 1);
    const r = sent[0];
    assert.equal(r.counter, COUNTER);
    assert.equal(r.channel, 'touchscreen');
    assert.ok(r.template && r.id && r.at);
    assert.equal(r.dossier, undefined);
    assert.ok(Object.keys(r.answers).length >= 1);
    assert.ok((await edge.logSeq()) > before);
    stored.push({ id: r.id, officer: OFFICER.id, answers: r.answers });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('ties the rating to the dossier the one-stop software posted', async () => {
    const { context, page, errors, sent } = await openKiosk();
    const d = await edge.postDossier({
      receipt: '000123', event: 'received', procedure: 'HT-001', field: 'HT', counter: COUNTER,
      officer: OFFICER.id, due: rfc3339(3 * 86400e3), at: rfc3339(),
    });
    assert.equal(d.status, 200, JSON.stringify(d.body));
    await page.waitForSelector(visible('welcome-dossier'), { timeout: 10000 });
    assert.equal(await page.textContent('#welcome-dossier'), 'Hồ sơ: 000123');
    await screenshot(page, 'kiosk-welcome-dossier');
    await rateAll(page, 'positive');
    await thanksState(page, 'stored');
    assert.equal(sent.at(-1).dossier, '000123');
    stored.push({ id: sent.at(-1).id, dossier: '000123' });
    // The next citizen is not given the same dossier.
    await page.click('#thanks-home');
    await waitWelcome(page);
    await sleep(2500);  // an absence: the next dossier polls bring the old one back never
    assert.equal(await page.isVisible('#welcome-dossier'), false);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('ties the rating to a scanned receipt barcode', async () => {
    const { context, page, errors, sent } = await openKiosk();
    // A USB scanner types the digits and Enter, wherever the focus is.
    await page.keyboard.type('000456');
    await page.keyboard.press('Enter');
    await page.waitForSelector(visible('welcome-dossier'));
    assert.equal(await page.textContent('#welcome-dossier'), 'Hồ sơ: 000456');
    await page.click('#start');
    assert.equal(await page.textContent('#q-dossier'), 'Hồ sơ: 000456');
    await page.click('#q-back');
    await rateAll(page, 'negative');
    await thanksState(page, 'stored');
    assert.equal(sent.at(-1).dossier, '000456');
    stored.push({ id: sent.at(-1).id, dossier: '000456' });
    // Scanning on the thank-you screen starts the next citizen's rating.
    await page.keyboard.type('000457');
    await page.keyboard.press('Enter');
    await waitWelcome(page);
    assert.equal(await page.textContent('#welcome-dossier'), 'Hồ sơ: 000457');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('switches to English and back', async () => {
    const { context, page, errors } = await openKiosk();
    assert.equal(await page.textContent('#lang'), 'English');
    await page.click('#lang');
    assert.equal(await page.textContent('#start'), 'Start rating');
    assert.equal(await page.textContent('#lookup'), 'Check my dossier');
    assert.equal(await page.textContent('#lang'), 'Tiếng Việt');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await screenshot(page, 'kiosk-welcome-en');
    await page.click('#start');
    assert.match(await page.textContent('#q-progress'), /^Question 1 of \d+$/);
    assert.equal(await page.textContent('#q-back'), 'Back');
    await screenshot(page, 'kiosk-question-en');
    await page.click('#lang');
    assert.match(await page.textContent('#q-progress'), /^Câu 1\/\d+$/);
    assert.equal(await page.textContent('#q-back'), 'Quay lại');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('goes back to the start, in Vietnamese, after the idle time', async () => {
    // A template of several criteria, so that the reset comes mid-rating
    // (the counter's default, the smiley box, has one).
    const shift = await edge.post(`/api/v1/counters/${COUNTER}/sign-in`,
                                  { officer: OFFICER.id, pin: TEST_PIN,
                                    template: 'binh-thanh-intake' });
    assert.equal(shift.status, 200, JSON.stringify(shift.body));
    const { context, page, errors, sent } = await openKiosk('?idle=2');
    await page.keyboard.type('000789');
    await page.keyboard.press('Enter');
    await page.click('#lang');
    await page.click('#start');
    await page.click('#q-options .option');
    await page.waitForSelector(visible('screen-question'));
    const t0 = Date.now();
    await waitWelcome(page);
    assert.ok(Date.now() - t0 >= 1000, 'reset came too early');
    assert.equal(await page.textContent('#start'), 'Bắt đầu đánh giá');
    // The scanned receipt is forgotten (the session's own dossier may show).
    assert.notEqual(await page.textContent('#welcome-dossier'), 'Hồ sơ: 000789');
    assert.equal(sent.length, 0);
    // The next rating starts from the first criterion again.
    await page.click('#start');
    assert.match(await page.textContent('#q-progress'), /^Câu 1\//);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('defaults to a 30 s idle time', async () => {
    const { context, page } = await openKiosk();
    await page.click('#start');
    await sleep(5000);  // the thing tested: 5 s pass, well inside the 30 s idle time
    assert.equal(await page.isVisible('#screen-question'), true);
    await context.close();
  });

  it('queues a rating while the edge is unreachable and sends it once', async () => {
    const { context, page, errors, sent } = await openKiosk();
    const before = await edge.logSeq();
    await page.route('**/api/v1/ratings', (route) => route.abort('internetdisconnected'));
    await rateAll(page, 'neutral');
    assert.equal(await thanksState(page, 'queued'), 'Đã lưu, sẽ gửi khi có mạng.');
    await screenshot(page, 'kiosk-thanks-queued');
    await page.waitForSelector(visible('pending'));
    assert.equal(await page.textContent('#pending'), '1 đánh giá chờ gửi');
    await sleep(3000);  // a few more tries, all aborted
    assert.equal(await edge.logSeq(), before);
    // Reloading keeps the queued rating (localStorage).
    await page.reload();
    await waitWelcome(page);
    await page.waitForSelector(visible('pending'));
    await page.unroute('**/api/v1/ratings');
    await page.waitForSelector('#pending[hidden]', { state: 'attached', timeout: 20000 });
    const ids = new Set(sent.map((r) => r.id));
    assert.equal(ids.size, 1, 'every try carries the same id');
    assert.ok(sent.length >= 2);
    assert.equal(await edge.logSeq(), before + 1);
    stored.push({ id: sent[0].id, exactlyOnce: true });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('resends with the same id when the answer is lost, making one event', async () => {
    const { context, page, errors, sent } = await openKiosk();
    const before = await edge.logSeq();
    let lost = 0;
    // The edge stores the rating but the answer never reaches the page.
    await page.route('**/api/v1/ratings', async (route) => {
      if (lost < 2) {
        lost++;
        await route.fetch();
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    await rateAll(page, 'positive');
    await thanksState(page, 'queued');
    await page.waitForSelector('#pending[hidden]', { state: 'attached', timeout: 20000 });
    assert.ok(sent.length >= 3);
    assert.equal(new Set(sent.map((r) => r.id)).size, 1);
    assert.equal(await edge.logSeq(), before + 1);
    stored.push({ id: sent[0].id, exactlyOnce: true });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('shows the reason of a rejection kindly', async () => {
    const { context, page, errors } = await openKiosk();
    // A kiosk with an out-of-date template: the real edge refuses it.
    await page.route('**/api/v1/ratings', (route) => {
      const body = JSON.parse(route.request().postData());
      body.template = 'no-such-template';
      return route.continue({ postData: JSON.stringify(body) });
    });
    await rateAll(page, 'positive');
    const text = await thanksState(page, 'rejected');
    assert.equal(text, 'Rất tiếc, đánh giá chưa được ghi nhận.');
    assert.equal(await page.textContent('#thanks-title'), 'Xin lỗi ông/bà!');
    // The edge's reason in Vietnamese words, not its machine-facing text.
    assert.equal(await page.textContent('#thanks-reason'),
                 'Lý do: Mẫu phiếu đánh giá không còn được dùng.');
    assert.equal(await page.isVisible('#thanks-hint'), true);
    await screenshot(page, 'kiosk-thanks-rejected');
    // Not queued: a rejection is final.
    assert.equal(await page.isVisible('#pending'), false);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('signs an officer in and out with the PIN on the staff screen', async () => {
    const { context, page, errors } = await openKiosk();
    const before = await edge.logSeq();
    const typePin = async (pin) => {
      for (const d of pin) await page.click(`#staff-keypad button[data-key="${d}"]`);
    };
    const message = (text) => page.waitForFunction(
        (t) => document.getElementById('staff-message').textContent === t, text, { timeout: 10000 });
    await page.click('#staff');
    await page.waitForSelector(visible('screen-staff'));
    await page.waitForFunction(() => document.querySelectorAll('#staff-officer option').length === 2);
    await page.selectOption('#staff-officer', 'cb-tuan');
    await typePin('111923');
    assert.equal(await page.textContent('#staff-pin'), '\u25cf'.repeat(6));
    await page.click('#staff-signin');
    await message('Mã PIN không đúng.');
    assert.equal(await page.textContent('#staff-pin'), '\u00a0');  // forgotten after each try
    assert.equal(await edge.logSeq(), before);
    await typePin(TEST_PIN);
    await page.click('#staff-signin');
    await message('Đã đăng nhập: Trần Văn Tuấn.');
    assert.equal(await edge.logSeq(), before + 1);
    await screenshot(page, 'kiosk-staff');
    await page.click('#lang');
    assert.equal(await page.textContent('#staff-signin'), 'Sign in');
    assert.equal(await page.textContent('#staff-on-duty'), 'On duty at this counter: Trần Văn Tuấn');
    await page.click('#lang');
    // Back at the welcome screen the officer on duty shows.
    await page.click('#staff-back');
    await page.waitForFunction(
        (name) => document.getElementById('officer-name').textContent === name, 'Trần Văn Tuấn',
        { timeout: 10000 });
    // The officer on duty signs out with their PIN.
    await page.click('#staff');
    await page.waitForSelector(visible('staff-signout'));
    await typePin(TEST_PIN);
    await page.click('#staff-signout');
    await message('Đã đăng xuất.');
    assert.equal(await edge.logSeq(), before + 2);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('still rates the counter when no officer is on duty', async () => {
    await edge.signOut(COUNTER);
    const { context, page, errors, sent } = await openKiosk();
    await page.waitForSelector(visible('no-officer'), { timeout: 10000 });
    assert.equal(await page.isVisible('#officer'), false);
    await screenshot(page, 'kiosk-no-officer');
    await rateAll(page, 'positive');
    await thanksState(page, 'stored');
    stored.push({ id: sent.at(-1).id, officer: '' });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('says clearly when the counter does not exist', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const bad = 'x'.repeat(40);
    await page.goto(`${edge.base}/kiosk/${bad}?counter=${bad}`);
    await page.waitForSelector(visible('screen-unknown'), { timeout: 10000 });
    assert.equal(await page.textContent('#unknown-title'), `Không tìm thấy quầy “${bad}”`);
    await screenshot(page, 'kiosk-unknown-counter');
    await context.close();
  });

  it('looks up a dossier by receipt number on the keypad', async () => {
    await edge.postDossier({
      receipt: '000900', event: 'received', procedure: 'HT-001', field: 'HT', counter: 'q2',
      officer: OFFICER.id, due: rfc3339(5 * 86400e3), at: rfc3339(-86400e3),
    });
    await edge.postDossier({
      receipt: '000901', event: 'received', procedure: 'HT-001', field: 'HT', counter: 'q2',
      officer: OFFICER.id, due: rfc3339(86400e3), at: rfc3339(-3 * 86400e3),
    });
    await edge.postDossier({
      receipt: '000901', event: 'returned', procedure: 'HT-001', field: 'HT', counter: 'q2',
      officer: OFFICER.id, at: rfc3339(),
    });
    const { context, page, errors } = await openKiosk();
    await page.click('#lookup');
    for (const k of '000900') await page.click(`#keypad [data-key="${k}"]`);
    await page.click('#keypad [data-key="del"]');
    await page.click('#keypad [data-key="0"]');
    assert.equal(await page.textContent('#lookup-display'), '000900');
    await screenshot(page, 'kiosk-lookup');
    await page.click('#lookup-go');
    await page.waitForSelector(visible('screen-dossier'));
    assert.equal(await page.textContent('#dossier-stage'), 'Đang giải quyết');
    assert.match(await page.textContent('#dossier-details'), /Ngày hẹn trả kết quả/);
    await screenshot(page, 'kiosk-dossier-received');

    await page.click('#dossier-again');
    for (const k of '000901') await page.click(`#keypad [data-key="${k}"]`);
    await page.click('#lookup-go');
    await page.waitForSelector(visible('screen-dossier'));
    assert.equal(await page.textContent('#dossier-stage'), 'Đã trả kết quả');
    assert.match(await page.textContent('#dossier-details'), /Trả kết quả trước hạn/);
    await screenshot(page, 'kiosk-dossier-returned');

    // A scanned receipt on the look-up screen is looked up directly.
    await page.click('#dossier-again');
    await page.keyboard.type('999999');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
        () => /Không tìm thấy hồ sơ số 999999/.test(
            document.getElementById('lookup-message').textContent));
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('is enrolled once by a link; a second use of it and a revoked kiosk rate nothing', async () => {
    const { kiosk, code } = await edge.enrollmentCode(COUNTER);
    const link = `${edge.base}/kiosk/${COUNTER}#enroll=${code}`;

    // A browser that was never enrolled says how to enroll and offers no rating.
    const plain = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const plainPage = await plain.newPage();
    await plainPage.goto(`${edge.base}/kiosk/${COUNTER}`);
    await plainPage.waitForSelector(visible('screen-unenrolled'), { timeout: 15000 });
    assert.equal(await plainPage.textContent('#unenrolled-title'),
                 `Màn hình này chưa được kích hoạt cho quầy ${COUNTER}`);
    assert.equal(await plainPage.isVisible('#start'), false);
    await screenshot(plainPage, 'kiosk-unenrolled');
    await plain.close();

    // The technician's link, opened on the tablet: enrolled, and it rates.
    const first = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await first.newPage();
    const errors = watchErrors(page);
    const sent = recordRatings(page);
    await page.goto(link);
    await waitWelcome(page);
    assert.equal(new URL(page.url()).hash, '', 'the code leaves the address bar');
    const before = await edge.logSeq();
    await rateAll(page, 'positive');
    await thanksState(page, 'stored');
    assert.equal(sent.at(-1).device, kiosk);
    assert.equal(await edge.logSeq(), before + 1);
    stored.push({ id: sent.at(-1).id });
    // A reload keeps the enrollment (the credential is in localStorage).
    await page.reload();
    await waitWelcome(page);

    // The same link in another browser: refused, nothing to rate.
    const second = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const other = await second.newPage();
    await other.goto(link);
    await other.waitForSelector(visible('screen-unenrolled'), { timeout: 15000 });
    assert.equal(await other.textContent('#unenrolled-title'), 'Không kích hoạt được màn hình này');
    assert.match(await other.textContent('#unenrolled-reason'), /đã được dùng/);
    assert.equal(await other.isVisible('#start'), false);
    await screenshot(other, 'kiosk-enrollment-link-used');
    await second.close();

    // Revoked by the technician: the kiosk stops offering ratings.
    const revoked = await edge.admin('DELETE', `/api/v1/admin/kiosks?kiosk=${kiosk}`);
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    await page.reload();
    await page.waitForSelector(visible('screen-unenrolled'), { timeout: 15000 });
    assert.equal(await edge.logSeq(), before + 1);
    assert.deepEqual(errors, []);
    await first.close();
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
      assert.equal(body.counter, COUNTER);
      assert.equal(body.channel, 'touchscreen');
      if (want.dossier) assert.equal(body.dossier, want.dossier);
      if (want.officer !== undefined) assert.equal(body.officer || '', want.officer);
    }
    await edge.start();
  });
});
