// Steps on the counter kiosk page (edge/web/kiosk.html) shared by tests.
import assert from 'node:assert/strict';

export const visible = (id) => `#${id}:not([hidden])`;

export async function waitWelcome(page) {
  await page.waitForSelector(visible('screen-welcome'), { timeout: 15000 });
}

// Taps through every criterion, choosing the first option of `polarity`
// (or the first option when a criterion has none); returns the answers.
export async function rateAll(page, polarity = 'positive') {
  await page.click('#start');
  const answers = {};
  for (let i = 0; i < 20; i++) {
    const q = await page.$(visible('screen-question'));
    if (!q) break;
    const label = await page.textContent('#q-label');
    let btn = await page.$(`#q-options .option.${polarity}`);
    if (!btn) btn = await page.$('#q-options .option');
    assert.ok(btn, `no option for "${label}"`);
    answers[label] = await btn.getAttribute('data-option');
    await btn.click();
  }
  await page.waitForSelector(visible('screen-thanks'), { timeout: 5000 });
  return answers;
}

export async function thanksState(page, state, timeout = 10000) {
  await page.waitForSelector(`#thanks-status.${state}`, { timeout });
  return page.textContent('#thanks-status');
}
