// The riskiest identities: a sortable, filterable table (search box, provider, kind, severity,
// rule, owner), a page of rows at a time, each row opening its details.
import type { HtmlReportData, HtmlSubject } from '../report-data.js';
import { day, fmt, h } from './dom.js';

const PAGE = 100;
const SEV_ORDER: Record<string, number> = { critical: 5, high: 4, medium: 3, low: 2, info: 1 };
type SortKey = 'risk' | 'name' | 'provider' | 'kind' | 'scope' | 'owner' | 'findings';
const COLUMNS: [SortKey, string][] = [
  ['risk', 'severity'],
  ['name', 'identity'],
  ['provider', 'provider'],
  ['kind', 'kind'],
  ['scope', 'scope'],
  ['owner', 'owner'],
  ['findings', 'findings'],
];

interface State {
  search: string;
  provider: string;
  kind: string;
  severity: string;
  rule: string;
  owner: string;
  sort: SortKey;
  desc: boolean;
  page: number;
  open: Set<string>;
}

/** A filter; options are the distinct values, sorted, unless given in order with their labels. */
function select(name: string, label: string, values: string[], ordered?: [string, string][]): HTMLSelectElement {
  const s = h('select', { name, 'aria-label': label, 'data-filter': name }, h('option', { value: '' }, `any ${label}`));
  for (const [v, text] of ordered ?? [...new Set(values)].sort().map((v): [string, string] => [v, v])) s.append(h('option', { value: v }, text));
  return s;
}

function key(s: HtmlSubject, k: SortKey): string | number {
  switch (k) {
    case 'risk':
      return SEV_ORDER[s.worst] * 1e9 + s.score;
    case 'findings':
      return s.findingCount;
    case 'owner':
      return s.owner ?? '';
    default:
      return s[k].toLowerCase();
  }
}

function matches(s: HtmlSubject, st: State): boolean {
  if (st.provider && s.provider !== st.provider) return false;
  if (st.kind && s.kind !== st.kind) return false;
  if (st.severity && SEV_ORDER[s.worst] < SEV_ORDER[st.severity]) return false;
  if (st.rule && !s.rules.includes(st.rule)) return false;
  if (st.owner && (st.owner === '(unowned)' ? s.owner !== null : s.owner !== st.owner)) return false;
  if (st.search) {
    const q = st.search.toLowerCase();
    const hay = [s.name, s.id, s.scope, s.owner ?? '', s.kind, ...s.rules].join('\n').toLowerCase();
    if (!hay.includes(q)) return false;
  }
  return true;
}

function list(title: string, rows: Node[], empty: string): HTMLElement {
  return h('div', { class: 'detail-part' }, h('h4', {}, title), rows.length ? h('ul', {}, ...rows) : h('p', { class: 'muted' }, empty));
}

export function detail(s: HtmlSubject, data: HtmlReportData): HTMLElement {
  if (!s.detailed) {
    return h('div', { class: 'detail' }, h('p', {}, `id ${s.id}. Details are embedded for the ${fmt(data.subjects.detailed)} riskiest identities only; run nhi show ${s.id} for this one.`));
  }
  const findings = s.findings.map((f) => {
    const rule = data.rules[f.rule];
    return h(
      'li',
      { class: `finding sev-${f.severity}` },
      h('span', { class: `badge sev-${f.severity}` }, f.severity),
      ' ',
      h('strong', {}, rule?.title ?? f.rule),
      f.status === 'suppressed' ? ' (suppressed)' : '',
      h('div', {}, f.message),
      f.location ? h('div', { class: 'muted' }, `seen at ${f.location.repo}/${f.location.path}:${f.location.line}${f.location.commit ? ` (commit ${f.location.commit.slice(0, 12)})` : ''}`) : null,
      h('details', {}, h('summary', {}, 'evidence'), h('pre', {}, JSON.stringify(f.evidence, null, 2))),
      rule ? h('div', { class: 'remediation' }, h('b', {}, 'Remediation: '), rule.remediation) : null,
    );
  });
  const more = s.findingCount > s.findings.length ? h('p', { class: 'muted' }, `and ${fmt(s.findingCount - s.findings.length)} more findings (nhi show ${s.id})`) : null;
  return h(
    'div',
    { class: 'detail' },
    h('p', { class: 'muted' }, `id ${s.id}`),
    h('div', { class: 'detail-part' }, h('h4', {}, `Findings (${fmt(s.findingCount)})`), h('ul', {}, ...findings), more),
    list(
      'Credentials',
      s.credentials.map((c) =>
        h('li', {}, `${c.kind} ${c.name ?? c.id} — ${c.status}; created ${day(c.createdAt)}, last used ${day(c.lastUsedAt)}${c.expiresAt ? `, expires ${day(c.expiresAt)}` : ''}${c.preview ? `, ${c.preview}` : ''}`),
      ),
      'none',
    ),
    list('Grants', s.grants.map((g) => h('li', {}, `${g.privilege}: ${g.role} on ${g.resource} (${g.via})`)), 'none'),
    list('Trust (who can become it)', [...s.trusts.map((t) => h('li', {}, `${t.principalType} ${t.principal}${t.condition ? ` when ${t.condition}` : ''}${t.risk ? ` — ${t.risk}` : ''}`)), ...s.reachedBy.map((e) => h('li', {}, `${e.from} (${e.mechanism})`))], 'none recorded'),
    list(
      'Reaches through chains',
      s.reaches.map((r) =>
        h('li', {}, `${r.layer} as ${r.holder} in ${r.hops} hop${r.hops === 1 ? '' : 's'} `, r.chain !== null ? h('a', { href: `#chain-${r.chain}` }, 'see the diagram') : null),
      ),
      'nothing beyond its own grants',
    ),
  );
}

export function identitiesTable(data: HtmlReportData): HTMLElement {
  const rows = data.subjects.rows;
  const st: State = { search: '', provider: '', kind: '', severity: '', rule: '', owner: '', sort: 'risk', desc: true, page: 0, open: new Set() };
  const search = h('input', { type: 'search', placeholder: 'search name, id, scope, owner, rule', 'aria-label': 'search', id: 'identity-search' });
  const filters = [
    select('provider', 'provider', rows.map((r) => r.provider)),
    select('kind', 'kind', rows.map((r) => r.kind)),
    select('severity', 'severity', [], ['critical', 'high', 'medium', 'low'].map((v): [string, string] => [v, v === 'critical' ? v : `${v} or worse`])),
    select('rule', 'rule', rows.flatMap((r) => r.rules)),
    select('owner', 'owner', rows.map((r) => r.owner ?? '(unowned)')),
  ];
  const count = h('span', { class: 'count', id: 'identity-count' });
  const tbody = h('tbody');
  const pager = h('div', { class: 'pager' });
  const headers = COLUMNS.map(([k, label]) => {
    const th = h('th', { 'data-sort': k, tabindex: 0, 'aria-sort': 'none' }, label);
    const sortBy = () => {
      st.desc = st.sort === k ? !st.desc : k === 'risk' || k === 'findings';
      st.sort = k;
      st.page = 0;
      render();
    };
    th.addEventListener('click', sortBy);
    th.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') sortBy();
    });
    return th;
  });
  const table = h('table', { class: 'identities', id: 'identities' }, h('thead', {}, h('tr', {}, ...headers, h('th', {}, 'rules'))), tbody);

  function render(): void {
    const shown = rows.filter((r) => matches(r, st));
    const dir = st.desc ? -1 : 1;
    shown.sort((a, b) => {
      const x = key(a, st.sort);
      const y = key(b, st.sort);
      return (x < y ? -1 : x > y ? 1 : 0) * dir || (a.id < b.id ? -1 : 1);
    });
    const pages = Math.max(1, Math.ceil(shown.length / PAGE));
    st.page = Math.min(st.page, pages - 1);
    tbody.replaceChildren();
    for (const s of shown.slice(st.page * PAGE, (st.page + 1) * PAGE)) {
      const tr = h(
        'tr',
        { class: 'row', 'data-id': s.id, tabindex: 0, 'aria-expanded': st.open.has(s.id) ? 'true' : 'false' },
        h('td', {}, h('span', { class: `badge sev-${s.worst}` }, s.worst)),
        h('td', { class: 'name' }, s.name),
        h('td', {}, s.provider),
        h('td', {}, s.kind),
        h('td', { class: 'scope' }, s.scope),
        h('td', {}, s.owner ?? h('span', { class: 'unowned' }, 'unowned')),
        h('td', { class: 'num' }, fmt(s.findingCount)),
        h('td', { class: 'rules' }, s.rules.join(', ')),
      );
      const toggle = () => {
        if (st.open.has(s.id)) st.open.delete(s.id);
        else st.open.add(s.id);
        render();
      };
      tr.addEventListener('click', toggle);
      tr.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') toggle();
      });
      tbody.append(tr);
      if (st.open.has(s.id)) tbody.append(h('tr', { class: 'detail-row' }, h('td', { colspan: 8 }, detail(s, data))));
    }
    if (shown.length === 0) tbody.append(h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'no identity matches these filters')));
    for (const th of headers) th.setAttribute('aria-sort', th.dataset.sort === st.sort ? (st.desc ? 'descending' : 'ascending') : 'none');
    count.textContent = `${fmt(shown.length)} of ${fmt(rows.length)} shown`;
    pager.replaceChildren();
    if (pages > 1) {
      const prev = h('button', { type: 'button', disabled: st.page === 0 }, '‹ previous');
      const next = h('button', { type: 'button', disabled: st.page >= pages - 1 }, 'next ›');
      prev.addEventListener('click', () => {
        st.page--;
        render();
      });
      next.addEventListener('click', () => {
        st.page++;
        render();
      });
      pager.append(prev, ` page ${st.page + 1} of ${pages} `, next);
    }
  }

  search.addEventListener('input', () => {
    st.search = search.value.trim();
    st.page = 0;
    render();
  });
  for (const f of filters) {
    f.addEventListener('change', () => {
      (st as unknown as Record<string, string>)[f.name] = f.value;
      st.page = 0;
      render();
    });
  }
  render();
  const note =
    data.subjects.total > data.subjects.shown
      ? h('p', { class: 'note' }, `The ${fmt(data.subjects.shown)} riskiest of ${fmt(data.subjects.total)} identities with open findings are listed here (with details for the first ${fmt(data.subjects.detailed)}); the counts and charts above cover all of them. Use nhi ls findings or nhi export for the rest.`)
      : null;
  return h('div', {}, note, h('div', { class: 'filters' }, search, ...filters, count), h('div', { class: 'table-scroll' }, table), pager);
}
