// What a failure means and what fixes it: the Graph permission or Azure role, named exactly.
import { isRestError } from '@azure/core-rest-pipeline';
import type { ErrorRecord, NoteRecord } from '../../src/model/records.js';
import { networkFault } from '../../src/scanners/toolkit/index.js';
import type { ExplainedError } from '../../src/scanners/contract.js';
import { AzureHttpError } from './clients.js';

const GRAPH_FIX = {
  applications: 'Application.Read.All (Microsoft Graph application permission; Directory.Read.All also works)',
  servicePrincipals: 'Application.Read.All (Microsoft Graph application permission; Directory.Read.All also works)',
  directoryRoles: 'RoleManagement.Read.Directory (Microsoft Graph application permission; Directory.Read.All also works)',
  reports:
    'AuditLog.Read.All (Microsoft Graph application permission, with admin consent; Directory.Read.All also works) — the sign-in activity reports also need a Microsoft Entra ID P1/P2 licence',
  organization: 'Organization.Read.All or Directory.Read.All (Microsoft Graph application permission), or pass --tenant',
} as const;

export function graphFix(kind: keyof typeof GRAPH_FIX): string {
  return GRAPH_FIX[kind];
}

export const ARM_FIX = {
  roleAssignments: 'the Reader role on the subscription (Microsoft.Authorization/roleAssignments/read)',
  roleDefinitions: 'the Reader role on the subscription (Microsoft.Authorization/roleDefinitions/read)',
  identities: 'the Reader role on the subscription (Microsoft.ManagedIdentity/userAssignedIdentities/read)',
  resources: 'the Reader role on the subscription (Microsoft.Resources/subscriptions/resources/read)',
  subscriptions: 'the Reader role on at least one subscription (Microsoft.Resources/subscriptions/read), or pass --subscription',
} as const;

export function statusOf(err: unknown): number | undefined {
  if (err instanceof AzureHttpError) return err.statusCode;
  if (isRestError(err)) return err.statusCode;
  return undefined;
}

function codeOf(err: unknown): string {
  if (err instanceof AzureHttpError) return err.code;
  if (isRestError(err)) {
    const details = (err as { details?: { error?: { code?: string } } }).details;
    return details?.error?.code ?? err.code ?? (err.statusCode ? `HTTP${err.statusCode}` : 'RestError');
  }
  return (err as { code?: string })?.code ?? 'error';
}

function messageOf(err: unknown): string {
  const m = (err as Error)?.message ?? String(err);
  // Service messages can be long JSON blobs; keep the first line, bounded.
  return m.split('\n')[0].slice(0, 400);
}

function isProviderError(err: unknown): boolean {
  if ((err as Error)?.name === 'AbortError') return false;
  return err instanceof AzureHttpError || isRestError(err) || networkFault(err) !== null;
}

const TIMEOUT_FIX = 'Azure did not answer within --request-timeout, even after retries: check network access to the ARM and Graph endpoints (proxy, VPN), or raise --request-timeout';

/** Transport failures (timeouts, resets, unreachable hosts, loops) with the fix that applies to them, not a permission. */
function transportProblem(err: unknown): { code: string; fix: string } | null {
  const fault = networkFault(err);
  if (fault) return { code: fault.code, fix: fault.fix };
  const code = isRestError(err) ? err.code : undefined;
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return { code: 'timeout', fix: TIMEOUT_FIX };
  if (code === 'ECONNRESET') return { code: 'connection-reset', fix: 'The connection to Azure was cut repeatedly (a proxy, firewall or unstable network); rerun the scan, and check the network path if it persists' };
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND') return { code: 'network', fix: 'Check network access to the ARM and Graph endpoints and --azure-cloud / --arm-endpoint / --graph-endpoint' };
  return null;
}

/**
 * Recoverable failures of one call become error records; the same operation failing the same
 * way again (per owner list, per subscription…) is counted, not repeated, and summarized once.
 */
export class ProblemsImpl {
  private seen = new Map<string, { operation: string; status: string; count: number }>();

  collect(err: unknown, operation: string, fix: string, resource?: string): (ErrorRecord | NoteRecord)[] {
    if (!isProviderError(err)) throw err;
    const status = String(statusOf(err) ?? codeOf(err));
    const key = `${operation}|${status}`;
    const entry = this.seen.get(key);
    if (entry) {
      entry.count++;
      return [];
    }
    this.seen.set(key, { operation, status, count: 1 });
    const transport = transportProblem(err);
    if (transport) return [{ type: 'error', operation, code: transport.code, message: `${operation} failed: ${messageOf(err)}`, fix: transport.fix, resource: resource ?? null }];
    const st = statusOf(err);
    return [
      {
        type: 'error',
        operation,
        code: st ? `${st} ${codeOf(err)}` : codeOf(err),
        message: `${operation} failed: ${messageOf(err)}`,
        fix:
          codeOf(err) === 'UnexpectedNextLink'
            ? 'A page link pointed at another host: check --graph-endpoint / --arm-endpoint and any proxy rewriting responses'
            : st === 429
              ? 'Throttled beyond the retry budget: run again later or raise --max-retries'
              : fix,
        resource: resource ?? null,
      },
    ];
  }

  *report(err: unknown, operation: string, fix: string, resource?: string): Generator<ErrorRecord | NoteRecord> {
    yield* this.collect(err, operation, fix, resource);
  }

  *summary(): Generator<NoteRecord> {
    for (const e of this.seen.values()) {
      if (e.count > 1) yield { type: 'note', operation: e.operation, message: `${e.operation}: ${e.count - 1} more failure(s) like the first (${e.status}) not listed separately` };
    }
  }
}

export type Problems = ProblemsImpl;

/** Map a thrown error (credential, SDK, REST) to a code and the setting that fixes it. */
export function explainAzureError(err: unknown): ExplainedError {
  const name = (err as Error)?.name ?? '';
  if (name === 'CredentialUnavailableError' || name === 'AggregateAuthenticationError') {
    return {
      code: 'no-credentials',
      fix: 'Sign in with `az login`, or set AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET (or a federated token / managed identity) for DefaultAzureCredential',
      message: messageOf(err),
    };
  }
  if (name === 'AuthenticationRequiredError' || name === 'AuthenticationError') {
    return { code: 'authentication-failed', fix: 'Check the tenant id and the credential (expired secret, wrong client id), then `az login` again', message: messageOf(err) };
  }
  const transport = transportProblem(err);
  if (transport) return { ...transport, message: messageOf(err) };
  const st = statusOf(err);
  if (st === 401) return { code: `401 ${codeOf(err)}`, fix: 'The token was rejected: sign in again (`az login`) or check --tenant / --azure-cloud', message: messageOf(err) };
  if (st === 403) {
    return {
      code: `403 ${codeOf(err)}`,
      fix: `Grant ${ARM_FIX.subscriptions} and the Microsoft Graph application permissions Application.Read.All, RoleManagement.Read.Directory, AuditLog.Read.All`,
      message: messageOf(err),
    };
  }
  if (st === 429) return { code: '429 throttled', fix: 'Throttled beyond the retry budget: run again later or raise --max-retries', message: messageOf(err) };
  if (st) return { code: `${st} ${codeOf(err)}`, message: messageOf(err) };
  return { code: codeOf(err), message: messageOf(err) };
}
