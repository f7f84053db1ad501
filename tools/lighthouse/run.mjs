// Lighthouse scores of Pantau's pages, for make bench-lighthouse.
//
//   [RUNS=3] node run.mjs NAME=BINARY [NAME=BINARY ...]
//
// Each BINARY is started as `pantau serve --demo` on a free loopback port
// with a fresh SQLite file, every page below is measured with Lighthouse's
// mobile preset in Debian's Chromium (CHROME_PATH, default
// /usr/bin/chromium), and one table prints the scores of all binaries side
// by side, with the goals of issues 17 and 19. Several binaries measured
// in one run (the branch and a baseline build of an older commit) meet the
// same machine load, which matters more than anything else for the
// performance score: Lighthouse simulates a slow phone by multiplying the
// main-thread time it observes, so a busy machine lowers every score.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

// Pages and what each must reach: perf for issue 17 (mobile performance
// ≥ 90), the others for issue 19 (accessibility and best practices 100,
// SEO ≥ 95); the goals are printed, not enforced.
const pages = [
  { path: '/', goals: { accessibility: 100, 'best-practices': 100, seo: 95 } },
  { path: '/d/makro-banyuasin', goals: { performance: 90, accessibility: 100, 'best-practices': 100, seo: 95 } },
  { path: '/i/kemiskinan_ekstrem?region=16.07', goals: { performance: 90, accessibility: 100, 'best-practices': 100, seo: 95 } },
  { path: '/embed/i/kemiskinan_ekstrem?region=16.07', goals: { performance: 90 } },
];
const categories = ['performance', 'accessibility', 'best-practices', 'seo'];

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function serve(binary) {
  const dir = mkdtempSync(join(tmpdir(), 'pantau-lighthouse-'));
  const port = await freePort();
  const proc = spawn(binary, ['serve', '--demo', '--addr', `127.0.0.1:${port}`, '--database-url', join(dir, 'demo.db'), '--log-level', 'warn'],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) throw new Error(`${binary} exited with ${proc.exitCode}`);
    try {
      if ((await fetch(base + '/readyz')).ok) break;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  // Warm the page cache as a visitor before the measured one would.
  for (const p of pages) await fetch(base + p.path);
  return { base, stop: () => { proc.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }); } };
}

async function measure(chrome, url) {
  const r = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: categories });
  const s = {};
  for (const c of categories) s[c] = Math.round((r.lhr.categories[c]?.score ?? 0) * 100);
  const a = r.lhr.audits;
  s.tbt = Math.round(a['total-blocking-time']?.numericValue ?? 0);
  s.lcp = Math.round(a['largest-contentful-paint']?.numericValue ?? 0);
  s.bytes = Math.round(a['total-byte-weight']?.numericValue ?? 0);
  return s;
}

const targets = process.argv.slice(2).map((a) => {
  const i = a.indexOf('=');
  return i > 0 ? { name: a.slice(0, i), binary: a.slice(i + 1) } : { name: a, binary: a };
});
if (!targets.length) {
  console.error('usage: node run.mjs NAME=BINARY [NAME=BINARY ...]');
  process.exit(2);
}
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu'],
});
// Every build serves at once and the runs alternate between them, page
// by page, so that a burst of load on the machine falls on all alike;
// each figure is the run with the median performance score of RUNS.
const runs = Math.max(1, Number(process.env.RUNS || 3));
const results = {}; // results[page][target] = scores of the median run
const servers = [];
try {
  for (const t of targets) servers.push(await serve(t.binary));
  for (const p of pages) {
    const all = targets.map(() => []);
    for (let r = 0; r < runs; r++) {
      for (let i = 0; i < targets.length; i++) {
        const s = await measure(chrome, servers[i].base + p.path);
        console.error(`lighthouse: ${p.path} ${targets[i].name} run ${r + 1}: performance ${s.performance}, TBT ${s.tbt} ms`);
        all[i].push(s);
      }
    }
    results[p.path] = {};
    targets.forEach((t, i) => {
      const sorted = all[i].sort((a, b) => a.performance - b.performance);
      results[p.path][t.name] = sorted[Math.floor(sorted.length / 2)];
    });
  }
} finally {
  servers.forEach((s) => s.stop());
  await chrome.kill();
}

const short = { performance: 'perf', accessibility: 'a11y', 'best-practices': 'bp', seo: 'seo' };
const pad = (s, n) => String(s).padEnd(n);
console.log(`Lighthouse ${(await import('lighthouse/package.json', { with: { type: 'json' } })).default.version}, mobile preset, ` +
  `median of ${runs} runs; scores per page and build (<goal when below it), TBT and LCP in ms, transfer in KB`);
console.log(pad('page', 44) + pad('build', 10) + categories.map((c) => pad(short[c], 10)).join('') + pad('TBT', 7) + pad('LCP', 7) + 'KB');
for (const p of pages) {
  for (const t of targets) {
    const s = results[p.path][t.name];
    const cells = categories.map((c) => pad(s[c] + (p.goals[c] ? (s[c] >= p.goals[c] ? ' ok' : ` <${p.goals[c]}`) : ''), 10));
    console.log(pad(p.path, 44) + pad(t.name, 10) + cells.join('') + pad(s.tbt, 7) + pad(s.lcp, 7) + Math.round(s.bytes / 1024));
  }
}
