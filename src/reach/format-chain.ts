// A chain for people: one line per hop, as `nhi paths` and finding evidence show it.
import type { Hop } from './compute-reach.js';

/** What each mechanism lets the start of a hop do, in words. */
export const VERB: Record<Hop['mechanism'], string> = {
  'holds-credential': 'holds a credential of',
  'may-assume': 'may assume',
  'mint-token': 'may mint tokens for',
  impersonate: 'may act as',
  'add-credentials': 'may add credentials to',
  federation: 'is trusted through federation by',
  'push-to-repository': 'may push to',
  'member-of': 'is one of',
  'pass-role': 'may pass to new compute',
  'change-compute': 'may change compute running as',
};

/** `1. A may assume B — <evidence>` per hop; an empty chain says the start holds it itself. */
export function formatChain(start: string, chain: readonly Hop[]): string[] {
  if (chain.length === 0) return [`${start} holds it directly`];
  return chain.map((h) => `${h.step}. ${h.from} ${VERB[h.mechanism]} ${h.to}${h.evidence ? ` — ${h.evidence}` : ''}`);
}
