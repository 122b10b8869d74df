// The chains pane: who can become an identity and what it reaches, one entry each, and the chosen
// entry's chain hop by hop (mechanism and evidence), as `nhi paths` prints it.
import type { PathStep, ReachAnswer } from '../../inventory/reach-store.js';
import { VERB } from '../../reach/index.js';
import { inert } from '../../report/text-table.js';

export interface ChainEntry {
  /** The node Enter opens: the one who can become it, or the holder of what it reaches. */
  nodeId: string;
  label: string;
  steps: PathStep[];
}

const named = (id: string, name: string | null) => inert(name && name !== id ? `${name} (${id})` : id);
const hops = (n: number) => `${n} hop${n === 1 ? '' : 's'}`;

export function chainEntries(a: ReachAnswer): ChainEntry[] {
  const reached = a.scopes.filter((s) => s.hops > 0);
  return [
    ...a.reachers.map((r) => ({ nodeId: r.id, label: `← can become it   ${named(r.id, r.name)}  (${hops(r.hops)})`, steps: r.steps })),
    ...reached.map((s) => ({
      nodeId: s.holder,
      label: `→ reaches ${s.privilege.padEnd(5)} ${inert(s.scope)} as ${named(s.holder, s.steps.at(-1)?.toName ?? null)}  (${hops(s.hops)})`,
      steps: s.steps,
    })),
  ];
}

export function chainLines(e: ChainEntry): string[] {
  if (e.steps.length === 0) return ['(no hop: it holds this itself)'];
  return e.steps.flatMap((s) => [
    `${s.step}. ${named(s.from, s.fromName)}`,
    `     ${VERB[s.mechanism as keyof typeof VERB] ?? inert(s.mechanism)} ${named(s.to, s.toName)}`,
    `     evidence: ${inert(s.evidence)}`,
  ]);
}
