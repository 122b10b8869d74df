// The explicit list of rules. Order is the order of `nhi rules` and of evaluation.
import { validateRules } from './metadata.js';
import type { Rule } from './types.js';

export const RULES: Rule[] = validateRules([]);

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
