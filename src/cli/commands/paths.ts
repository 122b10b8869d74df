// `nhi paths FROM [--to admin|prod|ID] [--max-depth N] [--json]`: the chains by which one identity
// (or a key, or a repository) becomes others, hop by hop, with the mechanism and evidence of each.
import { ConfigError, EXIT, NhiError } from '../../errors.js';
import { openInventory } from '../../inventory/db.js';
import { ambiguous, resolveRef } from '../../inventory/browse-queries.js';
import { ReachQueries, reachSettings, type PathStep } from '../../inventory/reach-store.js';
import { inertText } from '../../report/text-table.js';
import { VERB } from '../../reach/index.js';
import { commandContext, type CommonFlags } from '../context.js';
import { wholeNumber } from '../choices.js';

export interface PathsFlags extends CommonFlags {
  to?: string;
  maxDepth?: string;
  json?: boolean;
}


const label = (id: string, name: string | null) => (name && name !== id ? `${name} (${id})` : id);

function stepLines(steps: PathStep[]): string[] {
  return steps.map((s) => `  ${s.step}. ${label(s.from, s.fromName)}\n       ${VERB[s.mechanism as keyof typeof VERB] ?? s.mechanism} ${label(s.to, s.toName)}\n       evidence: ${s.evidence}`);
}

export async function pathsCommand(from: string, flags: PathsFlags): Promise<number> {
  const ctx = commandContext(flags);
  const depth = wholeNumber('--max-depth', flags.maxDepth, 1);
  if (depth !== undefined && depth > 20) throw new ConfigError('--max-depth must be a whole number of hops from 1 to 20');
  const inv = openInventory(ctx.dbPath, { readonly: true });
  try {
    const settings = { ...reachSettings(inv.db, ctx.config), ...(depth !== undefined ? { maxDepth: depth } : {}) };
    const q = new ReachQueries(inv.db, settings);
    // An identity, a credential, a finding's subject by reference; or an outside node (ext:…) as is.
    // A key that no chain passes through starts at the identity it authenticates as.
    let keyOf: string | null = null;
    const resolve = (ref: string): string => {
      if (ref.startsWith('ext:')) return ref;
      const m = resolveRef(inv.db, ref);
      if (m === null) throw new NhiError(`nothing matches "${ref}"`, { hint: 'List candidates with `nhi ls identities --search <text>`; outside principals are written ext:<type>:<value> (see `nhi show`).' });
      if (m.entity === 'ambiguous') throw ambiguous(ref, m.candidates, m.more);
      if (m.entity !== 'credential') return m.id;
      const node = q.credentialStart(m.id);
      if (!node.startsWith('ext:')) keyOf = m.id;
      return node;
    };
    const start = resolve(from);
    const startKey = keyOf;
    const targets = flags.to ? [flags.to === 'admin' || flags.to === 'prod' ? flags.to : resolve(flags.to)] : ['admin', 'prod'];
    const answers = targets.map((t) => ({ target: t, path: q.path(start, t) }));
    const about = flags.to ? null : q.about(start);
    if (flags.json) {
      process.stdout.write(JSON.stringify({ from: start, ...(startKey ? { key: startKey } : {}), maxDepth: settings.maxDepth, paths: answers, reaches: about?.scopes ?? null }, null, 2) + '\n');
      return EXIT.ok;
    }
    const o: string[] = [`paths from ${start}${startKey ? `, as which key ${startKey} authenticates,` : ''} (at most ${settings.maxDepth} hops)`];
    for (const { target, path } of answers) {
      const what = target === 'admin' ? 'admin' : target === 'prod' ? 'write or admin in production' : target;
      o.push('');
      if (!path) o.push(`to ${what}: none within ${settings.maxDepth} hops`);
      else if (path.steps.length === 0) o.push(`to ${what}: it holds ${path.privilege ?? 'it'} itself`);
      else o.push(`to ${what}${path.privilege ? ` (${path.privilege})` : ''}: ${path.hops} hop${path.hops > 1 ? 's' : ''}`, ...stepLines(path.steps));
    }
    if (about?.scopes.length) {
      o.push('', 'what it can get, per scope:');
      for (const s of about.scopes) o.push(`  ${s.privilege.padEnd(5)} ${s.scope}${s.hops ? ` — as ${s.holder} (${s.hops} hop${s.hops > 1 ? 's' : ''})` : ' — its own grant'}${s.role ? `, ${s.role}` : ''}`);
    }
    process.stdout.write(inertText(o.join('\n')) + '\n');
    return EXIT.ok;
  } finally {
    inv.close();
  }
}
