'use strict';
/**
 * miniprogram-simulate / j-component / exparser render into a real DOM, so
 * under plain `node --test` (no jest-environment-jsdom) we must provide one.
 * Must run BEFORE require('miniprogram-simulate').
 */
const { JSDOM } = require('jsdom');

// DOM classes j-component/exparser use. Node 20 has its own Event/CustomEvent/
// EventTarget globals, but jsdom's dispatchEvent only accepts jsdom's Event
// instances, so those MUST be overridden with the jsdom versions.
const FORCE = [
  'window', 'document', 'navigator',
  'Node', 'Element', 'HTMLElement', 'Text', 'DocumentFragment', 'ShadowRoot',
  'Event', 'CustomEvent', 'TouchEvent', 'MouseEvent', 'KeyboardEvent', 'UIEvent',
  'MutationObserver', 'getComputedStyle', 'requestAnimationFrame', 'cancelAnimationFrame',
  'Image', 'HTMLCanvasElement', 'CSSStyleDeclaration',
];

function installDom() {
  if (global.__MPSIM_DOM__) return global.__MPSIM_DOM__;
  const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', {
    url: 'http://localhost/',
    pretendToBeVisual: true, // gives requestAnimationFrame
  });
  const { window } = dom;
  for (const key of FORCE) {
    if (key === 'window') continue;
    const value = window[key];
    if (value === undefined) continue;
    Object.defineProperty(global, key, {
      configurable: true,
      writable: true,
      value: typeof value === 'function' && /^[a-z]/.test(key) ? value.bind(window) : value,
    });
  }
  global.window = window;
  global.__MPSIM_DOM__ = dom;
  return dom;
}

module.exports = { installDom };
