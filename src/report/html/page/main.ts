// The HTML report page: reads the embedded JSON and builds the page with DOM APIs.
import type { HtmlReportData } from '../report-data.js';
import { chainDiagram } from './chains.js';
import { charts, severityChart } from './charts.js';
import { append, fmt, h, section } from './dom.js';
import { identitiesTable } from './identities.js';

function headline(d: HtmlReportData): HTMLElement {
  const sev = d.findingsBySeverity;
  const card = (label: string, value: number, cls = '') => h('div', { class: `card ${cls}` }, h('div', { class: 'value' }, fmt(value)), h('div', { class: 'label' }, label));
  return h(
    'div',
    { class: 'cards', id: 'headline' },
    card('identities', d.totals.identities),
    card('credentials', d.totals.credentials),
    card('open findings', d.totals.findings),
    card('critical', sev.critical, 'sev-critical'),
    card('high', sev.high, 'sev-high'),
    card('medium', sev.medium, 'sev-medium'),
    card('low', sev.low + sev.info, 'sev-low'),
  );
}

function byProvider(d: HtmlReportData): HTMLElement {
  const providers = [...new Set(d.identitiesByProvider.map((r) => r.provider))];
  const unowned = new Map(d.ownership.map((o) => [o.provider, o]));
  return h(
    'table',
    { class: 'compact', id: 'identities-by-provider' },
    h('thead', {}, h('tr', {}, h('th', {}, 'provider'), h('th', { class: 'num' }, 'identities'), h('th', { class: 'num' }, 'unowned'), h('th', {}, 'by kind'))),
    h(
      'tbody',
      {},
      ...providers.map((p) => {
        const kinds = d.identitiesByProvider.filter((r) => r.provider === p);
        const total = kinds.reduce((a, r) => a + r.count, 0);
        const o = unowned.get(p);
        return h(
          'tr',
          {},
          h('td', {}, h('strong', {}, p)),
          h('td', { class: 'num' }, fmt(total)),
          h('td', { class: 'num' }, o ? fmt(o.unowned) : '—'),
          h('td', { class: 'kinds' }, kinds.map((k) => `${k.kind} ${fmt(k.count)}`).join(' · ')),
        );
      }),
    ),
  );
}

function byRule(d: HtmlReportData): HTMLElement {
  return h(
    'table',
    { class: 'compact', id: 'findings-by-rule' },
    h('thead', {}, h('tr', {}, h('th', {}, 'rule'), h('th', {}, 'severity'), h('th', {}, 'OWASP'), h('th', { class: 'num' }, 'open'))),
    h(
      'tbody',
      {},
      ...d.findingsByRule.map((r) => h('tr', {}, h('td', {}, r.title), h('td', {}, h('span', { class: `badge sev-${r.severity}` }, r.severity)), h('td', {}, (d.rules[r.ruleId]?.owasp ?? []).join(' ')), h('td', { class: 'num' }, fmt(r.count)))),
    ),
  );
}

function owasp(d: HtmlReportData): HTMLElement {
  return h(
    'div',
    { class: 'owasp', id: 'owasp' },
    ...d.owasp.map((o) =>
      h(
        'div',
        { class: `owasp-tile ${o.rules.length === 0 ? 'uncovered' : o.findings > 0 ? 'hit' : 'clear'}` },
        h('div', { class: 'owasp-id' }, o.id),
        h('div', { class: 'owasp-name' }, o.name),
        h('div', { class: 'value' }, o.rules.length ? fmt(o.findings) : '—'),
        h('div', { class: 'muted' }, o.rules.length ? `checked by ${o.rules.join(', ')}` : 'no rule checks this yet'),
      ),
    ),
  );
}

function change(d: HtmlReportData): HTMLElement {
  if (!d.change) return h('p', { id: 'change' }, 'Change since the previous scan: none to compare with yet (this is the first scan of this inventory).');
  const c = d.change;
  return h(
    'p',
    { id: 'change' },
    `Change since the previous scan (#${c.from} to #${c.to}): ${fmt(c.findings.new)} new and ${fmt(c.findings.resolved)} resolved findings; `,
    `${fmt(c.identities.appeared)} identities appeared, ${fmt(c.identities.disappeared)} disappeared, ${fmt(c.identities.changed)} changed.`,
  );
}

function main(): void {
  const el = document.getElementById('nhi-data');
  const app = document.getElementById('app');
  if (!el || !app) return;
  const d = JSON.parse(el.textContent ?? '{}') as HtmlReportData;
  const when = d.scan ? `scan #${d.scan.id} of ${d.scan.startedAt.slice(0, 16).replace('T', ' ')} UTC (${d.scan.status})` : 'no finished scan';
  append(
    app,
    h('header', {}, h('h1', {}, 'Non-human identities: what is at risk'), h('p', { class: 'muted' }, `${when} · generated ${d.generatedAt.slice(0, 16).replace('T', ' ')} UTC by nhi ${d.tool.version}`)),
    d.scanWarning ? h('p', { class: 'warning', role: 'alert' }, `Warning: ${d.scanWarning}. Findings may be incomplete.`) : null,
    headline(d),
    change(d),
    section('by-severity', 'Findings by severity and rule', h('div', { class: 'two' }, severityChart(d), byRule(d))),
    section('owasp-coverage', 'OWASP Non-Human Identities Top 10: open findings per category', owasp(d)),
    section('by-provider', 'Identities by provider and kind', byProvider(d)),
    section('charts', 'Credentials, use and ownership', charts(d)),
    section('riskiest', 'The riskiest identities', h('p', { class: 'muted' }, 'Click a row (or press Enter on it) for its credentials, grants, trust, findings with evidence and remediation.'), identitiesTable(d)),
    section(
      'chains',
      'Chains to admin',
      d.chains.length
        ? h('div', {}, h('p', { class: 'muted' }, 'How a leaked secret, a repository or an identity becomes an admin, hop by hop (shortest chain per start; the reach table of the inventory holds all of them).'), ...d.chains.map((c, i) => chainDiagram(c, i)))
        : h('p', {}, 'No chain leads to admin through another identity.'),
    ),
    h('footer', { class: 'muted' }, `nhi ${d.tool.version} · ${d.rules ? Object.keys(d.rules).length : 0} rules · every name on this page comes from the providers and is shown as text.`),
  );
  document.body.dataset.ready = 'true';
}

main();
