// Chains as diagrams: dagre lays each chain out left to right, the page draws it as SVG built
// node by node (labels are text nodes: a hostile name stays text).
import dagre from '@dagrejs/dagre';
import type { HtmlChain } from '../report-data.js';
import { h, svg } from './dom.js';

const MECHANISM: Record<string, string> = {
  'holds-credential': 'holds key of',
  'may-assume': 'may assume',
  'mint-token': 'mints tokens for',
  impersonate: 'impersonates',
  'add-credentials': 'adds credentials to',
  federation: 'federates into',
  'push-to-repository': 'pushes to',
  'member-of': 'member of',
};
const NODE_COLOUR: Record<string, string> = { identity: '#e0e7ff', credential: '#fee2e2', 'github-repo': '#fef3c7', repo: '#fef3c7' };
const CHAR_W = 6.6;
const MAX_LABEL = 34;

const short = (s: string) => (s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s);

export function chainDiagram(chain: HtmlChain, index: number): HTMLElement {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 20, ranksep: 70, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of chain.nodes) g.setNode(n.id, { width: Math.max(80, short(n.label).length * CHAR_W + 20), height: 40 });
  for (const e of chain.edges) g.setEdge(e.from, e.to, { width: (MECHANISM[e.mechanism] ?? e.mechanism).length * 5.5, height: 14, labelpos: 'c' });
  dagre.layout(g);
  const { width = 0, height = 0 } = g.graph();
  const root = svg('svg', { viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`, width: Math.ceil(width), height: Math.ceil(height), class: 'chain-svg', role: 'img' });
  root.append(
    svg('defs', {}, svg('marker', { id: `arrow-${index}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#475569' }))),
  );
  for (const e of chain.edges) {
    const edge = g.edge(e.from, e.to);
    if (!edge?.points?.length) continue;
    const d = (edge.points as { x: number; y: number }[]).map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    const line = svg('path', { d, fill: 'none', stroke: '#475569', 'stroke-width': 1.5, 'marker-end': `url(#arrow-${index})` });
    line.append(svg('title', {}, `${MECHANISM[e.mechanism] ?? e.mechanism}: ${e.evidence}`));
    root.append(line);
    if (edge.x !== undefined && edge.y !== undefined) root.append(svg('text', { x: edge.x, y: edge.y, 'text-anchor': 'middle', class: 'edge-label' }, MECHANISM[e.mechanism] ?? e.mechanism));
  }
  for (const n of chain.nodes) {
    const node = g.node(n.id);
    const x = node.x - node.width / 2;
    const y = node.y - node.height / 2;
    const box = svg('g', { class: `node node-${n.type}` });
    box.append(
      svg('rect', { x, y, width: node.width, height: node.height, rx: 6, fill: NODE_COLOUR[n.type] ?? '#f1f5f9', stroke: n.id === chain.start ? '#7f1d1d' : '#64748b' }),
      svg('text', { x: node.x, y: node.y - 3, 'text-anchor': 'middle', class: 'node-label' }, short(n.label)),
      svg('text', { x: node.x, y: node.y + 12, 'text-anchor': 'middle', class: 'node-type' }, n.type),
      svg('title', {}, n.id),
    );
    root.append(box);
  }
  const what = chain.layer === 'admin' ? 'admin' : chain.layer === 'prod-admin' ? 'admin in production' : 'write in production';
  const start = chain.nodes.find((n) => n.id === chain.start)?.label ?? chain.start;
  return h(
    'figure',
    { class: 'chain', id: `chain-${index}` },
    h('figcaption', {}, `${start} → ${what} in ${chain.hops} hop${chain.hops === 1 ? '' : 's'}`),
    h('div', { class: 'chain-scroll' }, root),
    h('ol', { class: 'chain-steps' }, ...chain.edges.map((e) => h('li', {}, `${MECHANISM[e.mechanism] ?? e.mechanism} — ${e.evidence}`))),
  );
}
