// Runs every rule over the inventory and gives each finding its stable id.
import type { ResolvedConfig } from '../config/config.js';
import type { InventoryView } from '../inventory/view.js';
import type { FindingRow } from '../inventory/rows.js';
import type { Rule } from './types.js';
import { RULES } from './index.js';
import { stableHash } from '../model/ids.js';

/** Stable finding id: rule + subject, so a finding keeps its id (and suppressions) across rescans. */
export function findingId(ruleId: string, subject: string): string {
  return `${ruleId}/${stableHash(subject)}`;
}

export interface EvaluateInput {
  inventory: InventoryView;
  config: ResolvedConfig;
  now: Date;
  rules?: Rule[];
}

export function* evaluateRules(input: EvaluateInput): Generator<FindingRow> {
  for (const rule of input.rules ?? RULES) {
    for (const d of rule.evaluate({ inventory: input.inventory, config: input.config, now: input.now })) {
      const subject = d.subject ?? [d.identityId ?? '', d.credentialId ?? '', d.discriminator ?? ''].join('\u0000');
      yield {
        id: findingId(rule.meta.id, subject),
        ruleId: rule.meta.id,
        severity: d.severity ?? rule.meta.severity,
        provider: d.provider,
        identityId: d.identityId ?? null,
        credentialId: d.credentialId ?? null,
        message: d.message,
        evidence: d.evidence,
      };
    }
  }
}
