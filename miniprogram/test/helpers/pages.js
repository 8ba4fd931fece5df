'use strict';
/** Taps and inputs as a person makes them, through the pages' own components. */
const { waitFor } = require('./mp');

/** Visible text of a page, TDesign's rendering included. */
const text = (page) => page.dom.textContent.replace(/\s+/g, ' ').trim();

/** A tap on a TDesign button (its inner <button>, as TDesign's own tests do). */
async function tapButton(page, id) {
  const b = page.querySelector(`#${id} >>> .t-button`);
  if (!b) throw new Error(`no button #${id} on the page: ${text(page).slice(0, 300)}`);
  b.dispatchEvent('tap');
}

/** A tap on a TDesign cell (its root view, which emits `click`). */
async function tapCell(page, id) {
  const c = page.querySelector(`#${id} >>> .t-cell`);
  if (!c) throw new Error(`no cell #${id} on the page: ${text(page).slice(0, 300)}`);
  c.dispatchEvent('tap');
}

/** A tap on a plain view. */
async function tap(page, selector) {
  const n = page.querySelector(selector);
  if (!n) throw new Error(`nothing matches ${selector}: ${text(page).slice(0, 300)}`);
  n.dispatchEvent('tap');
}

/** Typing into a t-textarea or t-input. */
function type(page, id, value) {
  const n = page.querySelector(`#${id} >>> .t-textarea__wrapper-inner`) || page.querySelector(`#${id} >>> .t-input__control`);
  if (!n) throw new Error(`no input #${id}`);
  n.dispatchEvent('input', { detail: { value } });
}

/** Agreeing to the privacy guide: WeChat records it, then the button's event. */
function agreePrivacy(mp, page) {
  mp.wx.__mpsim.agree();
  const b = page.querySelector('#privacy >>> #privacy-agree');
  if (!b) throw new Error('the privacy guide is not on screen');
  b.dispatchEvent('agreeprivacyauthorization');
}

module.exports = { text, tap, tapButton, tapCell, type, agreePrivacy, waitFor };
