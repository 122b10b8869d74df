// Owners from git: the author of the commit that introduced each leaked secret (its earliest
// sighting in history) and the most recent committers of the file where it sits now. A leak of a
// key with a key id is filed under `key:<key id>`, so it counts for whichever identity holds that key.
import { spawn } from 'node:child_process';
import type { CredentialRecord, ScanRecord } from '../../src/model/records.js';
import type { ScanContext } from '../../src/scanners/contract.js';
import { ownerCandidate } from '../../src/owners/candidates.js';
import { personFromCommit } from '../../src/owners/persons.js';
import type { RepoOptions } from './options.js';
import type { TargetData } from './scan.js';

/** Paths whose recent committers are read (one `git log` each). */
const MAX_PATHS = 50;
/** Recent committers named per path. */
const RECENT_AUTHORS = 2;

interface Sighting {
  identityId: string;
  commit: string;
  author: string;
  at: string;
}

function subjectOf(c: CredentialRecord): string {
  return c.keyId ? `key:${c.keyId}` : c.id;
}

function parseAuthor(author: string): { name: string | null; mail: string | null } {
  const m = /^(.*?)\s*<([^<>]*)>$/.exec(author.trim());
  return m ? { name: m[1] || null, mail: m[2] || null } : { name: author || null, mail: null };
}

/** Pass the scan's records through; then, with --owners-from-logs, the leaks' authors and committers. */
export async function* withLeakOwners(ctx: ScanContext<RepoOptions>, records: AsyncIterable<ScanRecord>): AsyncGenerator<ScanRecord> {
  const earliest = new Map<string, Sighting>();
  /** Working-tree paths per subject, for the recent committers. */
  const paths = new Map<string, Set<string>>();
  for await (const r of records) {
    yield r;
    if (!ctx.options.ownersFromLogs || r.type !== 'credential' || !r.location) continue;
    const l = r.location;
    const subject = subjectOf(r);
    if (l.commit && l.author && l.date) {
      const prev = earliest.get(subject);
      if (!prev || Date.parse(l.date) < Date.parse(prev.at)) earliest.set(subject, { identityId: subject, commit: l.commit, author: l.author, at: l.date });
    } else if (!l.commit) {
      const set = paths.get(subject) ?? new Set<string>();
      set.add(l.path);
      paths.set(subject, set);
    }
  }
  if (!ctx.options.ownersFromLogs) return;
  let candidates = 0;
  for (const s of earliest.values()) {
    const { name, mail } = parseAuthor(s.author);
    const person = personFromCommit(name, mail);
    if (!person) continue;
    candidates++;
    yield ownerCandidate({ identityId: s.identityId, provider: 'repo', person, source: 'git', event: `commit ${s.commit.slice(0, 12)}`, action: 'leaked', at: s.at });
  }
  const root = (ctx.target.data as TargetData).root;
  let read = 0;
  for (const [subject, set] of paths) {
    for (const path of set) {
      if (read++ >= MAX_PATHS) break;
      const authors = await recentAuthors(root, path, ctx.signal);
      const seen = new Set<string>();
      for (const a of authors) {
        const person = personFromCommit(a.name, a.mail);
        if (!person || seen.has(person.person) || seen.size >= RECENT_AUTHORS) continue;
        seen.add(person.person);
        candidates++;
        yield ownerCandidate({ identityId: subject, provider: 'repo', person, source: 'git', event: `last commit to ${path}`, action: 'committed', at: a.at });
      }
    }
  }
  ctx.progress.log(`owners from git: ${candidates} owner candidates for ${earliest.size + paths.size} leaked secrets`);
}

/** The last commits touching one path (author, e-mail, date), newest first; none outside a git repository. */
function recentAuthors(root: string, path: string, signal: AbortSignal): Promise<{ name: string; mail: string; at: string }[]> {
  return new Promise((resolve) => {
    const child = spawn('git', ['-C', root, 'log', '-n', '5', '--format=%an%x02%ae%x02%aI', '--', path], { stdio: ['ignore', 'pipe', 'ignore'], signal });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', () => resolve([]));
    child.on('close', (code) => {
      if (code !== 0) return resolve([]);
      resolve(
        out
          .split('\n')
          .filter(Boolean)
          .map((l) => {
            const [name, mail, at] = l.split('\x02');
            return { name: name ?? '', mail: mail ?? '', at: at ?? '' };
          })
          .filter((a) => !Number.isNaN(Date.parse(a.at))),
      );
    });
  });
}
