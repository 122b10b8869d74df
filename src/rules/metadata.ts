// Rule metadata is validated when the rule list loads: a rule with a missing
// remediation or an unknown OWASP id fails every command, not a user's report.
import { SEVERITIES } from '../model/records.js';
import { OWASP_NHI, type Rule } from './types.js';

export function validateRules(rules: Rule[]): Rule[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const r of rules) {
    const m = r.meta;
    const at = `rule ${m?.id ?? '(no id)'}`;
    if (!m || !/^[a-z][a-z0-9-]*$/.test(m.id)) problems.push(`${at}: id must be kebab-case`);
    if (seen.has(m.id)) problems.push(`${at}: duplicate id`);
    seen.add(m.id);
    for (const k of ['title', 'description', 'risk', 'remediation'] as const) {
      if (typeof m[k] !== 'string' || m[k].trim().length < 10) problems.push(`${at}: ${k} must be a sentence`);
    }
    if (!SEVERITIES.includes(m.severity)) problems.push(`${at}: severity must be one of ${SEVERITIES.join(', ')}`);
    if (!Array.isArray(m.owasp) || m.owasp.length === 0 || !m.owasp.every((o) => o in OWASP_NHI)) problems.push(`${at}: owasp must list OWASP NHI Top 10 ids (NHI1…NHI10)`);
    if (!Array.isArray(m.references) || !m.references.every((u) => /^https:\/\/\S+$/.test(u))) problems.push(`${at}: references must be https URLs`);
    if (typeof r.evaluate !== 'function') problems.push(`${at}: evaluate must be a function`);
  }
  if (problems.length) throw new Error(`invalid rule metadata:\n  ${problems.join('\n  ')}`);
  return rules;
}
