// Opens an Evolve report (a local HTML file) in headless Chromium, with every network request refused, and prints
// one JSON object: console messages, page errors, refused requests, and per chart its element, series and point
// counts as ECharts holds them. Optionally saves a full-page PNG screenshot.
// Usage: node check.mjs REPORT.html [--screenshot OUT.png] [--chromium PATH]
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const option = name => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const report = args[0];
if (!report) {
  console.error('usage: node check.mjs REPORT.html [--screenshot OUT.png] [--chromium PATH]');
  process.exit(2);
}
const executablePath = option('--chromium') ?? process.env.CHROMIUM ?? '/usr/bin/chromium';
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const consoleMessages = [];
  const pageErrors = [];
  const refused = [];
  page.on('console', m => consoleMessages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', e => pageErrors.push(String(e)));
  await page.route('**/*', route => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    refused.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(resolve(report)).href, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.charts !== undefined, null, { timeout: 20000 }).catch(() => {});
  const charts = await page.evaluate(() => {
    if (!window.evolveReport) return null;
    const out = {};
    for (const [name, chart] of Object.entries(window.evolveReport.charts)) {
      const dom = chart.getDom();
      const option = chart.getOption();
      out[name] = {
        svg: dom.querySelectorAll('svg').length,
        canvas: dom.querySelectorAll('canvas').length,
        svgShapes: dom.querySelectorAll('svg path, svg rect, svg circle').length,
        series: option.series.map(s => ({ name: s.name, type: s.type, points: (s.data || []).filter(d => d !== null && d !== undefined).length })),
      };
    }
    return out;
  });
  const sections = await page.$$eval('section h2', hs => hs.map(h => h.textContent));
  const missing = await page.$$eval('.missing', ms => ms.map(m => m.textContent));
  const shot = option('--screenshot');
  if (shot) await page.screenshot({ path: shot, fullPage: true });
  console.log(JSON.stringify({ consoleMessages, pageErrors, refused, sections, missing, charts }));
} finally {
  await browser.close();
}
