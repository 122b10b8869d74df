// The explorer's filter line: `provider:aws severity:high owner:none deploy` — key:value terms
// (comma for several values) and free text. Pure, so the list and the tests read it the same way.
import { SEVERITIES, type Severity } from '../../model/records.js';
import { ruleById } from '../../rules/index.js';

export const FILTER_KEYS = ['provider', 'kind', 'severity', 'rule', 'owner', 'status'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export interface Filter {
  provider?: string[];
  kind?: string[];
  /** Findings at or above this severity. */
  severity?: Severity;
  rule?: string[];
  /** An owner, or `none` for unowned. */
  owner?: string;
  status?: string[];
  /** Free text: id, name or message contains it (case-insensitive). */
  text?: string;
}

export interface ParsedFilter {
  filter: Filter;
  /** What was not understood; the rest still applies. */
  problems: string[];
}

const ALIASES: Record<string, FilterKey> = { sev: 'severity', p: 'provider', k: 'kind', r: 'rule', o: 'owner' };

/** `hasProvider` says whether the inventory holds anything of a provider (a typo is said, not an empty list). */
export function parseFilter(line: string, hasProvider: (provider: string) => boolean = () => true): ParsedFilter {
  const filter: Filter = {};
  const problems: string[] = [];
  const text: string[] = [];
  for (const term of line.trim().split(/\s+/).filter(Boolean)) {
    const m = /^([a-z]+):(.*)$/i.exec(term);
    const key = m ? (ALIASES[m[1].toLowerCase()] ?? m[1].toLowerCase()) : undefined;
    if (!m || !(FILTER_KEYS as readonly string[]).includes(key as string)) {
      text.push(term);
      continue;
    }
    const values = m[2].split(',').map((v) => v.trim()).filter(Boolean);
    if (values.length === 0) continue; // still being typed
    switch (key as FilterKey) {
      case 'provider': {
        const names = values.map((v) => v.toLowerCase());
        const bad = names.filter((v) => !hasProvider(v));
        if (bad.length) problems.push(`provider ${bad.join(',')} is not in this inventory`);
        filter.provider = names.filter((v) => !bad.includes(v));
        if (filter.provider.length === 0) delete filter.provider;
        break;
      }
      case 'severity': {
        const s = values[0].toLowerCase();
        if ((SEVERITIES as readonly string[]).includes(s)) filter.severity = s as Severity;
        else problems.push(`severity is one of ${SEVERITIES.join(', ')}`);
        break;
      }
      case 'rule': {
        const bad = values.filter((v) => !ruleById(v.toLowerCase()));
        if (bad.length) problems.push(`no rule ${bad.join(',')} (see \`nhi rules\`)`);
        const good = values.map((v) => v.toLowerCase()).filter((v) => ruleById(v));
        if (good.length) filter.rule = good;
        break;
      }
      case 'owner':
        filter.owner = values.join(',');
        break;
      case 'kind':
        filter.kind = values;
        break;
      case 'status':
        filter.status = values.map((v) => v.toLowerCase());
        break;
    }
  }
  if (text.length) filter.text = text.join(' ');
  return { filter, problems };
}

/** Which filter terms a list honours, to say so when one is ignored. */
export const APPLIES: Record<'identities' | 'credentials' | 'findings', FilterKey[]> = {
  identities: ['provider', 'kind', 'owner'],
  credentials: ['provider', 'kind', 'status'],
  findings: ['provider', 'kind', 'severity', 'rule', 'owner'],
};

export function ignoredTerms(filter: Filter, list: keyof typeof APPLIES): FilterKey[] {
  return FILTER_KEYS.filter((k) => filter[k] !== undefined && !APPLIES[list].includes(k));
}
