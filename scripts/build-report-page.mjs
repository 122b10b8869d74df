#!/usr/bin/env node
// Bundles the HTML report's page (src/report/html/page, with Chart.js and dagre) into one script
// and copies its styles: `nhi report --format html` inlines both into every report.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const out = new URL('dist/', root);
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [new URL('src/report/html/page/main.ts', root).pathname],
  outfile: new URL('report-page.js', out).pathname,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(new URL('src/report/html/page/report.css', root), new URL('report-page.css', out));
const kb = (f) => Math.round(statSync(new URL(f, out)).size / 1024);
console.log(`report page: dist/report-page.js ${kb('report-page.js')} KB, dist/report-page.css ${kb('report-page.css')} KB`);
