// The report's charts (Chart.js, bundled): static (no animation) so they print and screenshot
// as they are, and labelled from the data as text (Chart.js draws on a canvas, never as HTML).
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Title, Tooltip, type ChartDataset } from 'chart.js';
import type { HtmlReportData } from '../report-data.js';
import { h } from './dom.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Title, Tooltip);
Chart.defaults.animation = false;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

export const SEVERITY_COLOURS: Record<string, string> = { critical: '#7f1d1d', high: '#dc2626', medium: '#f59e0b', low: '#3b82f6', info: '#9ca3af' };
const AGE_COLOURS = ['#16a34a', '#f59e0b', '#dc2626', '#9ca3af'];
const USE_COLOURS = ['#16a34a', '#84cc16', '#f59e0b', '#dc2626', '#6b7280'];

/** A chart in a figure with a caption; the figure holds a fixed-height box so printing keeps its size. */
function figure(id: string, caption: string, make: (canvas: HTMLCanvasElement) => void): HTMLElement {
  const canvas = h('canvas', { id: `chart-${id}`, role: 'img', 'aria-label': caption });
  const fig = h('figure', { class: 'chart', 'data-chart': id }, h('figcaption', {}, caption), h('div', { class: 'chart-box' }, canvas));
  queueMicrotask(() => make(canvas));
  return fig;
}

function stacked(canvas: HTMLCanvasElement, labels: string[], datasets: ChartDataset<'bar'>[], opts: { horizontal?: boolean; percent?: boolean } = {}): void {
  new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets },
    options: {
      indexAxis: opts.horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { position: 'bottom', display: datasets.length > 1 } },
      scales: {
        x: { stacked: true, ...(opts.percent && opts.horizontal ? { max: 100 } : {}) },
        y: { stacked: true, beginAtZero: true, ...(opts.horizontal ? { ticks: { autoSkip: false } } : {}), ...(opts.percent && !opts.horizontal ? { max: 100, ticks: { callback: (v) => `${v}%` } } : {}) },
      },
    },
  });
}

export function charts(data: HtmlReportData): HTMLElement {
  const grid = h('div', { class: 'charts' });
  const providers = data.credentialAge.map((r) => r.provider);
  grid.append(
    figure('credential-age', 'Active credentials by age (days since created), per provider', (c) =>
      stacked(c, providers, [
        { label: 'under 90 days', data: data.credentialAge.map((r) => r.under90), backgroundColor: AGE_COLOURS[0] },
        { label: '90–365 days', data: data.credentialAge.map((r) => r.from90to365), backgroundColor: AGE_COLOURS[1] },
        { label: 'over 365 days', data: data.credentialAge.map((r) => r.over365), backgroundColor: AGE_COLOURS[2] },
        { label: 'unknown', data: data.credentialAge.map((r) => r.unknown), backgroundColor: AGE_COLOURS[3] },
      ]),
    ),
    figure('last-use', 'Identities by days since last use, per provider', (c) =>
      stacked(c, data.lastUse.map((r) => r.provider), [
        { label: 'under 30', data: data.lastUse.map((r) => r.under30), backgroundColor: USE_COLOURS[0] },
        { label: '30–90', data: data.lastUse.map((r) => r.from30to90), backgroundColor: USE_COLOURS[1] },
        { label: '90–365', data: data.lastUse.map((r) => r.from90to365), backgroundColor: USE_COLOURS[2] },
        { label: 'over 365', data: data.lastUse.map((r) => r.over365), backgroundColor: USE_COLOURS[3] },
        { label: 'never / not reported', data: data.lastUse.map((r) => r.never), backgroundColor: USE_COLOURS[4] },
      ]),
    ),
    figure('owners', 'Findings by owner (top owners by risk: critical 100, high 30, medium 8, low 2)', (c) =>
      stacked(
        c,
        data.owners.map((o) => (o.owner.length > 32 ? `${o.owner.slice(0, 31)}…` : o.owner)),
        [
          { label: 'critical', data: data.owners.map((o) => o.critical), backgroundColor: SEVERITY_COLOURS.critical },
          { label: 'high', data: data.owners.map((o) => o.high), backgroundColor: SEVERITY_COLOURS.high },
          { label: 'other', data: data.owners.map((o) => o.findings - o.critical - o.high), backgroundColor: SEVERITY_COLOURS.info },
        ],
        { horizontal: true },
      ),
    ),
    figure('unowned', 'Unowned identities, share per provider (%)', (c) =>
      stacked(c, data.ownership.map((r) => r.provider), [
        { label: 'unowned %', data: data.ownership.map((r) => (r.total ? Math.round((1000 * r.unowned) / r.total) / 10 : 0)), backgroundColor: '#dc2626' },
      ], { percent: true }),
    ),
  );
  return grid;
}

export function severityChart(data: HtmlReportData): HTMLElement {
  const sev = Object.keys(data.findingsBySeverity);
  return figure('severity', 'Open findings by severity', (c) =>
    new Chart(c, {
      type: 'bar',
      data: { labels: sev, datasets: [{ label: 'findings', data: sev.map((s) => data.findingsBySeverity[s as keyof typeof data.findingsBySeverity]), backgroundColor: sev.map((s) => SEVERITY_COLOURS[s]) }] },
      options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
    }),
  );
}
