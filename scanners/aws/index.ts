// The AWS scanner: IAM users, roles, access keys, grants and trust across one account or an
// AWS Organization (assuming a read-only role in each member account).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GetCallerIdentityCommand, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { DescribeOrganizationCommand, ListAccountsCommand, type Account } from '@aws-sdk/client-organizations';
import { defineScanner, type ScanTarget } from '../../src/scanners/contract.js';
import { PageGuard, Pacers } from '../../src/scanners/toolkit/index.js';
import { AWS_OPTIONS, DEFAULT_ASSUME_ROLE } from './options.js';
import type { ScanRecord } from '../../src/model/records.js';
import { AwsScanError, errorInfo, explainAwsError, iamClient, isAccessDenied, organizationsClient, stsClient, type AwsOptions, type CredentialsInput, type StaticCredentials, resolveRegion } from './clients.js';
import { scanAccount, type AccountTargetData } from './account.js';
import { readGuardrails, type Guardrails } from './guardrails.js';
import { startAwsDemo } from './demo/index.js';
import { IdentityNames, ownersFromCloudTrail } from './owners-cloudtrail.js';

export { DEFAULT_ASSUME_ROLE } from './options.js';

/** The principal a member role's trust policy must name for the caller (a session ARN becomes its role). */
export function trustPrincipalFor(callerArn: string): string {
  const session = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  if (session) return `arn:${session[1]}:iam::${session[2]}:role/${session[3]} (the role behind your session; or the account root arn:${session[1]}:iam::${session[2]}:root)`;
  if (/^arn:aws[\w-]*:iam::\d{12}:/.test(callerArn)) return callerArn;
  return 'the scanning principal';
}

interface TargetData extends AccountTargetData {
  callerArn: string;
  roleName: string | null;
  /** One pace per account and service, shared by the scan's targets (AssumeRole counts against the caller's account). */
  pacers?: Pacers;
}

const accountOfArn = (arn: string): string => arn.split(':')[4] || 'caller';

export const awsScanner = defineScanner<AwsOptions>({
  name: 'aws',
  provider: 'aws',
  title: 'AWS IAM',
  description: 'IAM users, roles (service-linked roles marked), access keys, attached/inline/group policies, permission boundaries and role trust, for one account or every account of an AWS Organization.',
  needs: [
    'AWS credentials from the SDK default chain (profile, SSO, environment, instance/container role)',
    'read-only IAM permissions (SecurityAudit, or the minimal policy in scanners/aws/README.md)',
    '--org: organizations:ListAccounts in the management (or delegated admin) account and a read-only role to assume in each member account',
  ],
  options: AWS_OPTIONS,


  isConfigured(o, env, hasConfigSection) {
    if (hasConfigSection || o.profile || o.accessKeyId || o.endpointUrl || o.org) return true;
    if (env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) return true;
    const home = env.HOME ?? env.USERPROFILE;
    const files = [env.AWS_SHARED_CREDENTIALS_FILE, env.AWS_CONFIG_FILE, home ? join(home, '.aws', 'credentials') : undefined, home ? join(home, '.aws', 'config') : undefined];
    return files.some((f) => !!f && existsSync(f));
  },

  async targets(ctx): Promise<ScanTarget[]> {
    const o = ctx.options;
    const region = await resolveRegion(o, ctx.env);
    const sts = stsClient({ options: o, env: ctx.env, progress: ctx.progress, region });
    let callerArn: string;
    let callerAccount: string;
    try {
      const me = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: ctx.signal });
      callerArn = me.Arn ?? '';
      callerAccount = me.Account ?? '';
    } finally {
      sts.destroy();
    }
    if (!/^\d{12}$/.test(callerAccount)) throw new AwsScanError(`sts:GetCallerIdentity returned no account id`, 'no-account', 'Check the credentials and the STS endpoint.');
    const partition = callerArn.split(':')[1] || 'aws';
    const pacers = new Pacers();
    if (!o.org) {
      const data: TargetData = { accountId: callerAccount, roleArn: null, estateAccounts: [callerAccount], orgId: null, callerArn, roleName: null, pacers };
      return [{ key: `aws:${callerAccount}`, label: `aws ${callerAccount}`, data }];
    }

    const org = organizationsClient({ options: o, env: ctx.env, progress: ctx.progress, region });
    const accounts: Account[] = [];
    let orgId: string | null = null;
    let management: string | null = null;
    let guardrails: Guardrails = { byAccount: new Map(), note: null, rcpByAccount: new Map(), rcpNote: null };
    try {
      try {
        const d = await org.send(new DescribeOrganizationCommand({}), { abortSignal: ctx.signal });
        orgId = d.Organization?.Id ?? null;
        management = d.Organization?.MasterAccountId ?? null;
      } catch (err) {
        if (!isAccessDenied(err)) throw err; // the organisation id only sharpens trust analysis
      }
      let token: string | undefined;
      const guard = new PageGuard('organizations:ListAccounts');
      do {
        guard.next(token);
        const page = await org.send(new ListAccountsCommand({ NextToken: token }), { abortSignal: ctx.signal });
        accounts.push(...(page.Accounts ?? []));
        token = page.NextToken;
      } while (token);
      const ids = accounts.map((a) => a.Id).filter((x): x is string => !!x);
      guardrails = await readGuardrails(org, ids, management ?? callerAccount, ctx.signal);
    } catch (err) {
      const { code, message } = errorInfo(err);
      throw new AwsScanError(
        `organizations:ListAccounts from ${callerArn}: ${message}`,
        code,
        isAccessDenied(err) || /AWSOrganizationsNotInUse/.test(code)
          ? 'Run --org with credentials of the Organizations management account or a delegated administrator, allowed organizations:ListAccounts and organizations:DescribeOrganization; or drop --org to scan only the current account.'
          : explainAwsError(err).fix,
      );
    } finally {
      org.destroy();
    }
    const estate = accounts.map((a) => a.Id).filter((x): x is string => !!x).sort();
    const wanted = o.accounts?.length ? new Set(o.accounts) : null;
    const roleName = (o.assumeRole || DEFAULT_ASSUME_ROLE).replace(/^\/+/, '');
    return accounts
      .filter((a) => a.Id && (a.State ?? a.Status ?? 'ACTIVE') === 'ACTIVE' && (!wanted || wanted.has(a.Id)))
      .sort((a, b) => (a.Id as string).localeCompare(b.Id as string))
      .map((a) => {
        const id = a.Id as string;
        const data: TargetData = {
          accountId: id,
          roleArn: id === callerAccount ? null : `arn:${partition}:iam::${id}:role/${roleName}`,
          estateAccounts: estate,
          orgId,
          callerArn,
          roleName,
          guardrails: guardrails.byAccount.get(id) ?? [],
          guardrailsNote: guardrails.note,
          resourceControls: guardrails.rcpByAccount.get(id) ?? [],
          resourceControlsNote: guardrails.rcpNote,
          pacers,
        };
        return { key: `aws:${id}`, label: `aws ${id}${a.Name ? ` (${a.Name})` : ''}`, data };
      });
  },

  async *scan(ctx): AsyncIterable<ScanRecord> {
    const o = ctx.options;
    const data = ctx.target.data as TargetData;
    const region = await resolveRegion(o, ctx.env);
    const pacers = data.pacers ?? new Pacers();
    const caller = accountOfArn(data.callerArn);
    let credentials: CredentialsInput | undefined;
    if (data.roleArn) {
      const roleArn = data.roleArn;
      const assume = async (): Promise<StaticCredentials> => {
        const pacing = { pacer: pacers.for(`sts:${caller}`), label: `STS in ${caller}`, signal: ctx.signal };
        const sts = stsClient({ options: o, env: ctx.env, progress: ctx.progress, region, pacing });
        try {
          const r = await sts.send(
            new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'nhi-scan', DurationSeconds: 3600, ...(o.externalId ? { ExternalId: o.externalId } : {}) }),
            { abortSignal: ctx.signal },
          );
          const c = r.Credentials;
          if (!c?.AccessKeyId || !c.SecretAccessKey) throw new AwsScanError(`AssumeRole ${roleArn} returned no credentials`, 'no-credentials');
          return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
        } catch (err) {
          if (err instanceof AwsScanError || (err as Error)?.name === 'AbortError') throw err;
          const { code, message } = errorInfo(err);
          throw new AwsScanError(
            `cannot assume ${roleArn}: ${message}`,
            code,
            `Create role ${data.roleName} in account ${data.accountId} (or fix its trust policy) so that it trusts ${trustPrincipalFor(data.callerArn)}` +
              `${o.externalId ? ' with the sts:ExternalId you passed' : ''} and allows sts:AssumeRole; attach the read-only policy from scanners/aws/README.md. ` +
              `Or pass the role your organisation deploys with --assume-role NAME (never OrganizationAccountAccessRole: it is admin).`,
          );
        } finally {
          sts.destroy();
        }
      };
      // Assume once now (a refusal fails this account at once), then let the SDK re-assume
      // when the one-hour session nears expiry during a long scan.
      let current = await assume();
      credentials = async () => {
        if (current.expiration && current.expiration.getTime() - Date.now() < 5 * 60_000) current = await assume();
        return current;
      };
    }
    const pacing = { pacer: pacers.for(`iam:${data.accountId}`), label: `IAM in ${data.accountId}`, signal: ctx.signal };
    const iam = iamClient({ options: o, env: ctx.env, progress: ctx.progress, credentials, region, pacing });
    const names = new IdentityNames();
    try {
      for await (const r of scanAccount(ctx, iam, data)) {
        names.see(r);
        yield r;
      }
    } finally {
      iam.destroy();
    }
    if (o.ownersFromLogs) yield* ownersFromCloudTrail(ctx, { credentials, accountId: data.accountId, identities: names });
  },

  explainError: explainAwsError,

  demo: (input) => startAwsDemo(input),
});

export default awsScanner;
