// What a browser downloads to show each entry page, and how long until it is interactive. Run by
// scripts/bench-size against a console in local mode (PILOTHOUSE_URL) that has one cluster
// (CLUSTER_ID). For every entry page, in a fresh browser context (empty cache), with
// `Accept-Encoding: br`: the bytes transferred (compressed, headers excluded) for wasm,
// JavaScript and CSS, as Chromium's network events report them; the time from navigation to
// `body[data-hydrated]`, unthrottled and with the CPU slowed four times (DevTools protocol). Then,
// from each loaded page, the code further routes load when the user goes there. Prints tables;
// with BENCH_JSON set, also writes the figures there as JSON.
import { chromium } from '@playwright/test';
import { writeFileSync } from 'node:fs';

const base = process.env.PILOTHOUSE_URL;
const cluster = process.env.CLUSTER_ID;
const runs = Number(process.env.BENCH_RUNS ?? 3);
const at = (path) => `${path}${path.includes('?') ? '&' : '?'}project=default`;

const entries = [
  ['clusters list', '/clusters'],
  ['cluster overview', `/clusters/${cluster}`],
  ['plans', '/plans'],
  ['activity', '/activity'],
  ['wizard, first step', '/clusters/new'],
];
// Pages reached from a loaded one without a full load: what they add.
const moves = [
  ['wizard', '/clusters', 'a[href^="/clusters/new"]'],
  ['wizard, later steps', '/clusters/new', 'nav[aria-label="Wizard steps"] a[href*="/location"]'],
  ['tab: node pools', `/clusters/${cluster}`, 'nav.tabs a[href*="/pools"]'],
  ['tab: workloads', `/clusters/${cluster}`, 'nav.tabs a[href*="/workloads"]'],
  ['tab: upgrades', `/clusters/${cluster}`, 'nav.tabs a[href*="/upgrades"]'],
  ['tab: access', `/clusters/${cluster}`, 'nav.tabs a[href*="/access"]'],
  ['tab: settings', `/clusters/${cluster}`, 'nav.tabs a[href*="/settings"]'],
  ['tab: activity', `/clusters/${cluster}`, 'nav.tabs a[href*="/activity"]'],
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
});

/// A fresh page whose bundle transfers are counted: `files` maps each wasm, JS or CSS address to
/// its kind and transferred bytes.
async function counted(throttle) {
  const context = await browser.newContext({ extraHTTPHeaders: { 'Accept-Encoding': 'br' } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (throttle) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  const kinds = new Map();
  const files = new Map();
  // Requests under way, and when the last one ended: see `settled`.
  const network = { pending: new Set(), quietSince: performance.now() };
  cdp.on('Network.requestWillBeSent', ({ requestId, request, type }) => {
    // The live-update streams never end; a fetch ahead (rel=prefetch, on the pointer's way to a
    // link) may outlive its page without the protocol reporting its end. A move still counts
    // the files it fetched ahead when they ended, and the next page's own fetches of them.
    if (type !== 'Prefetch' && !new URL(request.url).pathname.endsWith('/events')) network.pending.add(requestId);
  });
  const ended = ({ requestId }) => {
    if (network.pending.delete(requestId) && network.pending.size === 0) network.quietSince = performance.now();
  };
  cdp.on('Network.loadingFailed', ended);
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    const kind = kindOf(response.url, response.mimeType);
    if (kind) kinds.set(requestId, { url: response.url, kind, encoding: response.headers['content-encoding'] });
  });
  // The body's bytes as they came over the wire (headers excluded).
  cdp.on('Network.dataReceived', ({ requestId, encodedDataLength }) => {
    const file = kinds.get(requestId);
    if (!file) return;
    file.bytes = (file.bytes ?? 0) + encodedDataLength;
    // Counted as it arrives: a fetch ahead cut off by the move may never report its end.
    files.set(file.url, { ...file });
  });
  cdp.on('Network.loadingFinished', ({ requestId }) => {
    const file = kinds.get(requestId);
    if (file) files.set(file.url, { ...file, bytes: file.bytes ?? 0 });
    ended({ requestId });
  });
  // The time, since navigation started, at which the app marks the body as hydrated.
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.body?.hasAttribute('data-hydrated')) {
        window.__hydratedAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
  });
  return { context, page, files, network };
}

/// Resolves once no request has been under way for half a second, or after 20 s.
async function settled(network) {
  const deadline = performance.now() + 20_000;
  while ((network.pending.size > 0 || performance.now() - network.quietSince < 500) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function kindOf(url, mime) {
  const path = new URL(url).pathname;
  if (path.endsWith('.wasm') || mime === 'application/wasm') return 'wasm';
  if (path.endsWith('.js') || mime.includes('javascript')) return 'js';
  if (path.endsWith('.css') || mime === 'text/css') return 'css';
  return undefined;
}

function sum(files, kind) {
  return [...files.values()].filter((f) => !kind || f.kind === kind).reduce((n, f) => n + f.bytes, 0);
}

async function load(path, throttle) {
  const { context, page, files, network } = await counted(throttle);
  await page.goto(base + at(path));
  await page.waitForSelector('body[data-hydrated]', { timeout: 120_000 });
  await settled(network);
  const hydrated = await page.evaluate(() => window.__hydratedAt);
  return { context, page, files, network, hydrated };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kb = (bytes) => (bytes / 1000).toFixed(1);
const pad = (text, width) => String(text).padEnd(width);
const padl = (text, width) => String(text).padStart(width);

const results = { entries: [], moves: [] };
console.log(`Entry pages (bytes transferred with Accept-Encoding: br; time to hydration, median of ${runs})`);
console.log(
  `${pad('page', 20)}${padl('wasm', 10)}${padl('js', 9)}${padl('css', 9)}${padl('total', 10)}${padl('hydrated', 11)}${padl('4× CPU', 10)}  encodings`,
);
for (const [name, path] of entries) {
  const plain = [];
  const slow = [];
  let files;
  for (let run = 0; run < runs; run++) {
    const loaded = await load(path, 0);
    plain.push(loaded.hydrated);
    files = loaded.files;
    await loaded.context.close();
    const throttled = await load(path, 4);
    slow.push(throttled.hydrated);
    await throttled.context.close();
  }
  const encodings = [...new Set([...files.values()].map((f) => f.encoding ?? 'none'))].join(',');
  const row = {
    name,
    path,
    wasm: sum(files, 'wasm'),
    js: sum(files, 'js'),
    css: sum(files, 'css'),
    total: sum(files),
    hydratedMs: Math.round(median(plain)),
    hydratedThrottledMs: Math.round(median(slow)),
    files: [...files.values()].map(({ url, kind, bytes }) => ({ file: new URL(url).pathname, kind, bytes })),
  };
  results.entries.push(row);
  console.log(
    `${pad(name, 20)}${padl(kb(row.wasm), 10)}${padl(kb(row.js), 9)}${padl(kb(row.css), 9)}${padl(kb(row.total), 10)}` +
      `${padl(row.hydratedMs + ' ms', 11)}${padl(row.hydratedThrottledMs + ' ms', 10)}  ${encodings}`,
  );
}
console.log('(KB = 1,000 bytes)');

console.log('\nLoaded on the way (bytes a page adds when the user goes there from a loaded one)');
console.log(`${pad('to', 20)}${padl('wasm', 10)}${padl('js', 9)}  files (KB)`);
for (const [name, from, link] of moves) {
  const { context, page, files, network } = await load(from, 0);
  const before = new Set(files.keys());
  const address = page.url();
  await page.locator(link).first().click();
  await page.waitForURL((url) => url.href !== address);
  await settled(network);
  const added = new Map([...files].filter(([url]) => !before.has(url)));
  const row = {
    name,
    wasm: sum(added, 'wasm'),
    js: sum(added, 'js'),
    files: [...added.values()].map(({ url, bytes }) => ({ file: new URL(url).pathname, bytes })),
  };
  results.moves.push(row);
  // A split bundle's route chunk by name (`split_…`), the other files counted.
  const own = row.files.filter((f) => f.file.includes('/split_')).map((f) => `${f.file.split('/').pop().split('.')[0]} ${kb(f.bytes)}`);
  const shared = row.files.filter((f) => !f.file.includes('/split_'));
  const list = [...own, `${shared.length} other files ${kb(shared.reduce((n, f) => n + f.bytes, 0))}`].join(', ');
  console.log(`${pad(name, 20)}${padl(kb(row.wasm), 10)}${padl(kb(row.js), 9)}  ${list}`);
  await context.close();
}

if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(results, null, 2));
await browser.close();
