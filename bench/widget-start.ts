/**
 * Widget start in Chromium: a page on its own local origin that loads only widget.js for
 * `demo-takepayments`, with the relay local. Each load is cold (a new browser context: empty HTTP
 * and code caches). Per load: script start to `lead-ready` and to the form in the shadow DOM (this
 * includes fetching the form definition from the relay), main-thread script and task time from CDP
 * `Performance.getMetrics`, and tasks over 50 ms from a `longtask` PerformanceObserver.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../test/chromium.ts';
import { median } from './lib/stats.ts';

export interface WidgetStart {
  loads: number;
  readyMs: number;
  formMs: number;
  scriptMs: number;
  taskMs: number;
  /** Longest task over 50 ms in any load; 0 when no load had one (the observer sees no shorter). */
  longestTaskMs: number;
  loadsWithLongTasks: number;
}

const LOADS = 20;

/** Instruments the page before widget.js runs: long tasks, and marks when the form is ready. */
const PROBE = `
window.__bench = { longTasks: [] };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__bench.longTasks.push(entry.duration);
}).observe({ type: 'longtask', buffered: true });
window.__bench.done = new Promise((resolve) => {
  document.addEventListener('lead-ready', (event) => {
    performance.mark('lc-ready');
    const element = event.target;
    element.updateComplete.then(() => {
      if (element.shadowRoot.querySelector('form')) performance.mark('lc-form');
      resolve();
    });
  }, { once: true });
});`;

function page(relay: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>widget start</title>
<script>${PROBE}</script></head><body>
<script src="/widget.js" data-form="demo-takepayments" data-relay="${relay}"></script>
</body></html>`;
}

interface LoadResult {
  readyMs: number;
  formMs: number;
  scriptMs: number;
  taskMs: number;
  longTasks: number[];
}

export async function measureWidgetStart(relay: string): Promise<WidgetStart | string> {
  const executablePath = chromiumPath();
  if (!executablePath) return 'n/a (no Chromium: set CHROME_PATH)';
  // The first statement of the served script marks when widget.js starts to run.
  const widget = `performance.mark('lc-start');\n${readFileSync('dist/assets/widget.js', 'utf8')}`;
  const html = page(relay);
  const server = createServer((request, response) => {
    if (request.url === '/widget.js') {
      response.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      response.end(widget);
    } else {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(html);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const loadOnce = async (): Promise<LoadResult> => {
      const context = await browser.newContext();
      try {
        const tab = await context.newPage();
        const cdp = await context.newCDPSession(tab);
        await cdp.send('Performance.enable');
        await tab.goto(origin, { timeout: 15_000 });
        await tab.evaluate('window.__bench.done');
        const { metrics } = await cdp.send('Performance.getMetrics');
        const metric = (name: string) => (metrics.find((m) => m.name === name)?.value ?? Number.NaN) * 1000;
        const marks = (await tab.evaluate(`({
          start: performance.getEntriesByName('lc-start')[0]?.startTime,
          ready: performance.getEntriesByName('lc-ready')[0]?.startTime,
          form: performance.getEntriesByName('lc-form')[0]?.startTime,
          longTasks: window.__bench.longTasks,
        })`)) as { start: number; ready: number; form?: number; longTasks: number[] };
        return {
          readyMs: marks.ready - marks.start,
          formMs: (marks.form ?? Number.NaN) - marks.start,
          scriptMs: metric('ScriptDuration'),
          taskMs: metric('TaskDuration'),
          longTasks: marks.longTasks,
        };
      } finally {
        await context.close();
      }
    };
    // One load not counted: the browser's own first-page start-up is not the widget's.
    await loadOnce();
    const results: LoadResult[] = [];
    for (let i = 0; i < LOADS; i++) results.push(await loadOnce());
    const longTasks = results.flatMap((r) => r.longTasks);
    return {
      loads: LOADS,
      readyMs: median(results.map((r) => r.readyMs)),
      formMs: median(results.map((r) => r.formMs)),
      scriptMs: median(results.map((r) => r.scriptMs)),
      taskMs: median(results.map((r) => r.taskMs)),
      longestTaskMs: Math.max(0, ...longTasks),
      loadsWithLongTasks: results.filter((r) => r.longTasks.length > 0).length,
    };
  } finally {
    await browser.close();
    server.close();
  }
}
