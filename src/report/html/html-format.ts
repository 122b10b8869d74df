// `nhi report --format html`: one self-contained page (script, styles and data inlined, nothing
// fetched), readable from file:// and printable. The page's script is bundled at build time
// (scripts/build-report-page.mjs) and renders the embedded JSON with DOM APIs only.
import { readFileSync } from 'node:fs';
import { NhiError } from '../../errors.js';
import type { ReportFormat } from '../formats/types.js';
import { buildHtmlReportData, type HtmlReportData } from './report-data.js';

/**
 * JSON that is safe inside a `<script type="application/json">` element: no `<` (so no
 * `</script>` or `<!--`), `>` or `&`, and no line separators, each as its \u escape.
 */
export function embeddedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text safe between HTML tags or in a double-quoted attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

let bundle: { script: string; style: string } | null = null;

/** The bundled page (dist/report-page.js and .css), read once; under tsx from the built dist/. */
function pageBundle(): { script: string; style: string } {
  if (bundle) return bundle;
  for (const rel of ['../../../', '../../../dist/']) {
    try {
      const script = readFileSync(new URL(`${rel}report-page.js`, import.meta.url), 'utf8');
      const style = readFileSync(new URL(`${rel}report-page.css`, import.meta.url), 'utf8');
      return (bundle = { script, style });
    } catch {
      // try the next location
    }
  }
  throw new NhiError('the HTML report page is not built', { hint: 'Run `npm run build` (it bundles the page with scripts/build-report-page.mjs).' });
}

export function renderHtml(data: HtmlReportData): string {
  const { script, style } = pageBundle();
  const title = `nhi report — ${data.scan ? `scan #${data.scan.id}` : 'no scan'}`;
  // A script text may not contain "</script" or "<!--" either: the bundle is checked, not trusted.
  if (/<\/script|<!--/i.test(script)) throw new Error('the page bundle contains "</script" or "<!--"');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may load from anywhere: the page works offline and a hostile value cannot fetch.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${style.replace(/<\//g, '<\\/')}</style>`,
    '</head>',
    '<body>',
    '<noscript>This report draws its tables and charts with JavaScript; the data is in the nhi-data element of this file.</noscript>',
    '<main id="app"></main>',
    `<script type="application/json" id="nhi-data">${embeddedJson(data)}</script>`,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export const htmlFormat: ReportFormat = {
  name: 'html',
  description: 'one self-contained page: headline, charts, the riskiest identities with details, chains (for people who do not read terminals)',
  write(out, report) {
    if (!report.db || !report.details) throw new NhiError('the HTML report needs the inventory', { hint: 'Run it as `nhi report --format html --out report.html`.' });
    out.write(renderHtml(buildHtmlReportData(report, report.db, report.details)));
  },
};
