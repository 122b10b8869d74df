// A reach chain in one line for a finding's message: each hop's target by its name where the
// inventory knows it, and the mechanism that gets there.
import type { InventoryView } from '../inventory/view.js';
import type { Hop } from '../reach/index.js';

const SHORT: Record<string, string> = {
  'holds-credential': 'key of',
  'may-assume': 'assumes',
  'mint-token': 'mints tokens for',
  impersonate: 'impersonates',
  'add-credentials': 'adds credentials to',
  federation: 'federates into',
  'push-to-repository': 'pushes to',
  'member-of': 'part of',
  'pass-role': 'passes to compute',
  'change-compute': 'changes compute of',
};

function label(id: string, inventory: InventoryView): string {
  return id.startsWith('ext:') ? id.slice(4) : (inventory.identityLabel(id)?.name ?? id);
}

export function describeChain(chain: Hop[], inventory: InventoryView): string {
  return chain.map((h) => `${SHORT[h.mechanism] ?? h.mechanism} ${label(h.to, inventory)}`).join(' → ');
}
