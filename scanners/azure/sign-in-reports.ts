// The tenant's two sign-in activity reports, read once per scan and shared by the tenant's targets.
// The tenant target needs both (last use of its applications, service principals and their
// credentials); each subscription target of that tenant needs the service principal report for
// its managed identities. One shared read replaces a filtered request per managed identity (150 of
// the 403 requests of a 1,250-application tenant with 15 subscriptions).
import type { ScanRecord } from '../../src/model/records.js';
import { AzureHttpError, type Clients } from './clients.js';
import { graphFix, ProblemsImpl } from './errors.js';
import { iso, maxIso, type SignInIndex } from './normalize.js';
import { raceAbort } from '../../src/scanners/toolkit/index.js';

export interface SignInReports {
  /** Each map is null when its report cannot be read: last use is then unknown, never "unused". */
  index: SignInIndex;
  /** What the read has to say (a report not readable, a failure): the tenant target reports it. */
  records: ScanRecord[];
}

/** Read the two reports into compact indexes (id → latest sign-in). */
export async function readSignInReports(c: Clients): Promise<SignInReports> {
  const problems = new ProblemsImpl();
  const records: ScanRecord[] = [];
  const denied: string[] = [];
  const read = async (path: string, pick: (row: Record<string, unknown>) => [string | undefined, string | null]): Promise<Map<string, string> | null> => {
    const into = new Map<string, string>();
    try {
      for await (const page of c.graph.pages<Record<string, unknown>>(path)) {
        for (const row of page) {
          const [id, when] = pick(row);
          if (id && when) into.set(id.toLowerCase(), maxIso(into.get(id.toLowerCase()), when)!);
        }
      }
      return into;
    } catch (err) {
      if (!(err instanceof AzureHttpError)) throw err;
      if ([400, 401, 403, 404].includes(err.statusCode)) denied.push(`${err.operation}: ${err.statusCode} ${err.code}`);
      else records.push(...problems.collect(err, 'read sign-in activity reports', graphFix('reports')));
      return null;
    }
  };
  const byAppId = await read('/beta/reports/servicePrincipalSignInActivities', (r) => [
    r.appId as string | undefined,
    iso((r.lastSignInActivity as { lastSignInDateTime?: string } | null | undefined)?.lastSignInDateTime),
  ]);
  const byKeyId = await read('/beta/reports/appCredentialSignInActivities', (r) => [
    r.keyId as string | undefined,
    iso((r.signInActivity as { lastSignInDateTime?: string } | null | undefined)?.lastSignInDateTime),
  ]);
  if (denied.length > 0) {
    const what = !byAppId && !byKeyId ? 'service principals and app credentials' : !byAppId ? 'service principals' : 'app credentials';
    records.push({
      type: 'note',
      operation: 'read sign-in activity reports',
      message: `sign-in activity reports not readable (${denied.join('; ')}): last use of ${what} is unknown, so they are not judged stale. Grant the Microsoft Graph application permission ${graphFix('reports')}.`,
    });
  }
  records.push(...problems.summary());
  return { index: { byAppId, byKeyId }, records };
}

/**
 * The reports of one tenant for one scan: read by the first of its targets that asks, with that
 * target's clients (its request count shows the calls), and awaited by the others, each until its
 * own stop. A read stopped with the target that started it (--max-duration) is read again by the
 * next that asks.
 */
export class SharedSignInReports {
  private reading: { done: Promise<SignInReports>; by: Clients } | null = null;

  async read(c: Clients): Promise<SignInReports> {
    for (;;) {
      const r = (this.reading ??= { done: readSignInReports(c), by: c });
      try {
        return await raceAbort(r.done, c.signal);
      } catch (err) {
        if (r.by === c || !r.by.signal.aborted || c.signal.aborted) throw err;
        if (this.reading === r) this.reading = null;
      }
    }
  }
}
