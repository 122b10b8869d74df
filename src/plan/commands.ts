// The provider's own command for each step, ready to paste. nhi never runs them. Every command
// names the exact resource; where a value only a person knows is needed (a new owner, a repository
// for an organisation-wide secret) it is an <angle-bracket> placeholder, never a wildcard.
import type { CredentialRow, GrantRow, IdentityRow } from '../inventory/rows.js';

/** Quote for a POSIX shell when needed. */
export function sh(v: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

const last = (id: string, sep = '/') => id.slice(id.lastIndexOf(sep) + 1);
const scopeValue = (scope: string) => scope.slice(scope.indexOf(':') + 1);
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** GitHub subject ids look like github:<org>/<repo>/<kind>/<id> or github:<org>/<kind>/<id>. */
function githubParts(id: string): { org: string; repo: string | null; num: string } {
  const parts = id.replace(/^github:/, '').split('/');
  const org = parts[0] ?? '';
  const num = parts[parts.length - 1] ?? '';
  const repo = parts.length >= 4 ? `${org}/${parts[1]}` : null;
  return { org, repo, num };
}

/** Disable a key now, delete it once nothing broke (the shadow step). */
export function deactivateKey(c: CredentialRow, identity: IdentityRow | null): string | null {
  switch (c.kind) {
    case 'access_key': {
      const user = str(c.attributes.userName) ?? (identity ? last(identity.id) : null);
      return user && c.keyId ? `aws iam update-access-key --user-name ${sh(user)} --access-key-id ${sh(c.keyId)} --status Inactive` : null;
    }
    case 'sa_key':
      return identity && c.keyId ? `gcloud iam service-accounts keys disable ${sh(c.keyId)} --iam-account ${sh(identity.id)}` : null;
    default:
      return revokeCredential(c, identity);
  }
}

/** The deletion that follows a quiet observation window. */
export function deleteKey(c: CredentialRow, identity: IdentityRow | null): string | null {
  switch (c.kind) {
    case 'access_key': {
      const user = str(c.attributes.userName) ?? (identity ? last(identity.id) : null);
      return user && c.keyId ? `aws iam delete-access-key --user-name ${sh(user)} --access-key-id ${sh(c.keyId)}` : null;
    }
    case 'sa_key':
      return identity && c.keyId ? `gcloud iam service-accounts keys delete ${sh(c.keyId)} --iam-account ${sh(identity.id)} --quiet` : null;
    default:
      return revokeCredential(c, identity);
  }
}

/** Credentials that cannot be disabled, only revoked or removed. */
export function revokeCredential(c: CredentialRow, identity: IdentityRow | null): string | null {
  switch (c.kind) {
    case 'client_secret':
    case 'certificate': {
      const appId = identity ? str(identity.attributes.appId) : null;
      return appId && c.keyId ? `az ad app credential delete --id ${sh(appId)} --key-id ${sh(c.keyId)}${c.kind === 'certificate' ? ' --cert' : ''}` : null;
    }
    case 'pat': {
      const { org, num } = githubParts(c.id);
      if (c.id.includes('/fine-grained-pat/')) return `gh api --method POST /orgs/${sh(org)}/personal-access-tokens/${sh(num)} -f action=revoke`;
      return `gh api --method DELETE /orgs/${sh(org)}/credential-authorizations/${sh(num)}`;
    }
    case 'ssh_key': {
      const { org, num } = githubParts(c.id);
      return `gh api --method DELETE /orgs/${sh(org)}/credential-authorizations/${sh(num)}`;
    }
    case 'deploy_key': {
      const { repo, num } = githubParts(c.id);
      return repo ? `gh api --method DELETE /repos/${repo}/keys/${sh(num)}` : null;
    }
    case 'ci_secret':
      return deleteCiSecret(c);
    default:
      return null;
  }
}

export function rotateKey(c: CredentialRow, identity: IdentityRow | null): string | null {
  const retire = deactivateKey(c, identity);
  switch (c.kind) {
    case 'access_key': {
      const user = str(c.attributes.userName) ?? (identity ? last(identity.id) : null);
      return user && retire ? `aws iam create-access-key --user-name ${sh(user)}\n${retire}` : null;
    }
    case 'sa_key':
      return identity && retire ? `gcloud iam service-accounts keys create ${sh(identity.id.split('@')[0] + '-new-key.json')} --iam-account ${sh(identity.id)}\n${retire}` : null;
    default:
      return retire;
  }
}

export function deleteCiSecret(c: CredentialRow): string | null {
  const name = c.name ?? last(c.id);
  const repo = str(c.attributes.repository);
  if (repo) return `gh secret delete ${sh(name)} --repo ${sh(repo)}`;
  return `gh secret delete ${sh(name)} --org ${sh(githubParts(c.id).org)}`;
}

/** A federation snippet pinned to one repository and branch, then the static secret's removal. */
export function replaceWithOidc(c: CredentialRow): { command: string; snippet: string } {
  const repo = str(c.attributes.repository) ?? `${githubParts(c.id).org}/<repository>`;
  const subject = `repo:${repo}:ref:refs/heads/main`;
  const cloud = str(c.attributes.cloudProvider);
  const remove = deleteCiSecret(c) ?? '';
  if (cloud === 'gcp') {
    return {
      snippet: `attribute.repository == "${repo}" && assertion.ref == "refs/heads/main"`,
      command:
        `gcloud iam workload-identity-pools providers create-oidc github --location=global --workload-identity-pool=<pool> ` +
        `--issuer-uri=https://token.actions.githubusercontent.com --attribute-mapping=google.subject=assertion.sub,attribute.repository=assertion.repository ` +
        `--attribute-condition=${sh(`assertion.sub == "${subject}"`)}\n${remove}`,
    };
  }
  if (cloud === 'azure') {
    const params = JSON.stringify({ name: 'github-main', issuer: 'https://token.actions.githubusercontent.com', subject, audiences: ['api://AzureADTokenExchange'] });
    return { snippet: params, command: `az ad app federated-credential create --id <application-id> --parameters ${sh(params)}\n${remove}` };
  }
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::<account-id>:oidc-provider/token.actions.githubusercontent.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': subject } },
      },
    ],
  };
  const doc = JSON.stringify(trust);
  return { snippet: doc, command: `aws iam create-role --role-name <deploy-role> --assume-role-policy-document ${sh(doc)}\n${remove}` };
}

/** Disable a whole identity (shadow step), where the provider has a switch for it. */
export function disableIdentity(i: IdentityRow): string | null {
  switch (i.kind) {
    case 'service_account':
      return `gcloud iam service-accounts disable ${sh(i.id)} --project ${sh(scopeValue(i.scope))}`;
    case 'service_principal':
    case 'managed_identity':
      return `az ad sp update --id ${sh(i.id)} --set accountEnabled=false`;
    case 'iam_role':
      return `aws iam attach-role-policy --role-name ${sh(last(i.id))} --policy-arn arn:aws:iam::aws:policy/AWSDenyAll`;
    case 'iam_user':
      return `aws iam attach-user-policy --user-name ${sh(last(i.id))} --policy-arn arn:aws:iam::aws:policy/AWSDenyAll`;
    case 'deploy_key': {
      const { repo, num } = githubParts(i.id);
      return repo ? `gh api --method DELETE /repos/${repo}/keys/${sh(num)}` : null;
    }
    default:
      return null;
  }
}

/** Remove one admin grant, keeping what the identity was seen using. */
export function scopeDown(i: IdentityRow, g: GrantRow): string | null {
  if (i.provider === 'aws') {
    const name = last(i.id);
    if (g.via.startsWith('group:')) return `aws iam remove-user-from-group --group-name ${sh(g.via.slice(6))} --user-name ${sh(name)}`;
    if (g.via !== 'direct') return null;
    const policy = g.role.startsWith('arn:') ? g.role : `arn:aws:iam::aws:policy/${g.role}`;
    const verb = i.kind === 'iam_user' ? 'detach-user-policy --user-name' : 'detach-role-policy --role-name';
    return `aws iam ${verb} ${sh(name)} --policy-arn ${sh(policy)}`;
  }
  if (i.provider === 'gcp' && g.resource.startsWith('projects/')) {
    return `gcloud projects remove-iam-policy-binding ${sh(g.resource.slice('projects/'.length))} --member ${sh(`serviceAccount:${i.id}`)} --role ${sh(g.role)}`;
  }
  if (i.provider === 'azure' && g.resource.startsWith('/')) {
    return `az role assignment delete --assignee ${sh(i.id)} --role ${sh(g.role)} --scope ${sh(g.resource)}`;
  }
  return null;
}

export function tagOwner(i: IdentityRow): string | null {
  if (i.kind === 'iam_user') return `aws iam tag-user --user-name ${sh(last(i.id))} --tags Key=owner,Value=<team>`;
  if (i.kind === 'iam_role') return `aws iam tag-role --role-name ${sh(last(i.id))} --tags Key=owner,Value=<team>`;
  if (i.kind === 'service_account') return `gcloud iam service-accounts update ${sh(i.id)} --project ${sh(scopeValue(i.scope))} --description ${sh('owner: <team>')}`;
  const appId = str(i.attributes.appId);
  if (i.kind === 'service_principal' && appId) return `az ad app owner add --id ${sh(appId)} --owner-object-id <owner-object-id>`;
  return null;
}

export function removeConsoleAccess(i: IdentityRow): string | null {
  return i.kind === 'iam_user' ? `aws iam delete-login-profile --user-name ${sh(last(i.id))}` : null;
}

export function setWebhookSecret(i: IdentityRow): string | null {
  const { org, repo, num } = githubParts(i.id);
  const base = repo ? `/repos/${repo}/hooks/${sh(num)}` : `/orgs/${sh(org)}/hooks/${sh(num)}`;
  return `gh api --method PATCH ${base}/config -f secret=<new-signing-secret>`;
}

/** What an external-trust finding says about the trust it judges (its evidence). */
export interface TrustEvidence {
  principal?: string;
  principalType?: string;
  condition?: string | null;
  pinning?: string;
  subjects?: string[];
  roles?: string[];
  grantedOn?: string[];
}

/** A GitHub Actions subject pinned to one repository's main branch, from the subject a trust admits. */
function pinnedGithubSubject(subjects: string[] | undefined): string {
  const m = /^repo:([^/:*]+)\/([^:*]+):/.exec(subjects?.[0] ?? '') ?? /^repo:([^/:*]+)\/([^:*]+)$/.exec(subjects?.[0] ?? '');
  if (m) return `repo:${m[1]}/${m[2]}:ref:refs/heads/main`;
  const org = /^repo:([^/:*]+)\//.exec(subjects?.[0] ?? '')?.[1];
  return `repo:${org ?? '<organization>'}/<repository>:ref:refs/heads/main`;
}

/** The repository a GCP principalSet or a subject names, when it names exactly one. */
function oneRepository(e: TrustEvidence): string | null {
  return /\/attribute\.repository\/([^/]+\/[^/]+)$/.exec(e.principal ?? '')?.[1] ?? /^repo:([^/:*]+\/[^:*]+)/.exec(e.subjects?.[0] ?? '')?.[1] ?? null;
}

/**
 * Narrow each trust an external-trust finding judged, with the provider's command and, where a
 * policy must change, the pinned statement itself (snippet): one repository and its main branch,
 * a named role instead of a whole account, the organisation instead of anyone.
 */
export function pinTrust(i: IdentityRow, trusts: TrustEvidence[]): { command: string; snippet: string | null } | null {
  const commands: string[] = [];
  const snippets: string[] = [];
  if (i.kind === 'iam_role') {
    const role = last(i.id);
    const file = `${role}-trust.json`;
    for (const t of trusts) {
      const principal = t.principal ?? '';
      let statement: Record<string, unknown> | null = null;
      if (t.principalType === 'federated' && /oidc-provider\/token\.actions\.githubusercontent\.com$/.test(principal)) {
        statement = {
          Effect: 'Allow',
          Principal: { Federated: principal },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': pinnedGithubSubject(t.subjects) } },
        };
      } else if (t.principalType === 'external-account' && /^arn:aws:iam::\d{12}:root$/.test(principal)) {
        const externalId = /sts:ExternalId=([^\s]+)/.exec(t.condition ?? '')?.[1] ?? '<external-id>';
        statement = {
          Effect: 'Allow',
          Principal: { AWS: principal.replace(/:root$/, ':role/<their-role>') },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': externalId } },
        };
      } else if (t.principalType === 'wildcard' || principal === '*') {
        statement = { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': '<organization-id>' } } };
      }
      if (statement) snippets.push(JSON.stringify(statement));
    }
    // The trust policy is one document: fetch it, change only the statement at issue, put it back.
    commands.push(
      `aws iam get-role --role-name ${sh(role)} --query Role.AssumeRolePolicyDocument > ${sh(file)}`,
      `# in ${file}, ${snippets.length ? 'replace' : 'narrow'} the statement trusting ${trusts.map((t) => t.principal).join(', ')}${snippets.length ? ' with the snippet' : ''}`,
      `aws iam update-assume-role-policy --role-name ${sh(role)} --policy-document file://${sh(file)}`,
    );
    return { command: commands.join('\n'), snippet: snippets.length ? snippets.join('\n') : null };
  }
  if (i.kind === 'service_account') {
    const project = scopeValue(i.scope);
    for (const t of trusts) {
      const principal = t.principal ?? '';
      const pool = /^principalSet:\/\/iam\.googleapis\.com\/projects\/(\d+)\/locations\/global\/workloadIdentityPools\/([^/]+)\//.exec(principal);
      if (t.principalType === 'external-account' && principal) {
        // An outside member's bindings, where the finding says they were granted.
        for (const on of t.grantedOn ?? []) {
          for (const r of t.roles ?? []) {
            if (on.startsWith('projects/')) commands.push(`gcloud projects remove-iam-policy-binding ${sh(on.slice('projects/'.length))} --member ${sh(principal)} --role ${sh(r)}`);
            else if (on === i.id || on.endsWith(`/serviceAccounts/${i.id}`)) commands.push(`gcloud iam service-accounts remove-iam-policy-binding ${sh(i.id)} --project ${sh(project)} --member ${sh(principal)} --role ${sh(r)}`);
          }
        }
      } else if (t.principalType === 'federated' && pool) {
        const repo = oneRepository(t);
        if (repo) {
          const condition = `assertion.repository == "${repo}" && assertion.ref == "refs/heads/main"`;
          snippets.push(condition);
          commands.push(`gcloud iam workload-identity-pools providers update-oidc <provider> --workload-identity-pool ${sh(pool[2]!)} --location global --project ${sh(pool[1]!)} --attribute-condition ${sh(condition)}`);
        } else {
          const pinned = principal.replace(/\/\*$/, '/attribute.repository/<organization>/<repository>');
          snippets.push(pinned);
          commands.push(
            `gcloud iam service-accounts add-iam-policy-binding ${sh(i.id)} --project ${sh(project)} --member ${sh(pinned)} --role roles/iam.workloadIdentityUser`,
            `gcloud iam service-accounts remove-iam-policy-binding ${sh(i.id)} --project ${sh(project)} --member ${sh(principal)} --role roles/iam.workloadIdentityUser`,
          );
        }
      }
    }
    if (commands.length) return { command: commands.join('\n'), snippet: snippets.length ? snippets.join('\n') : null };
    return { command: `gcloud iam service-accounts get-iam-policy ${sh(i.id)} --project ${sh(project)} --format=json > ${sh(i.id.split('@')[0] + '-policy.json')}`, snippet: null };
  }
  const appId = str(i.attributes.appId);
  if (i.kind === 'service_principal' && appId) {
    for (const t of trusts) {
      if (t.principalType !== 'federated' || !/token\.actions\.githubusercontent\.com/.test(t.principal ?? '')) continue;
      const params = JSON.stringify({ subject: pinnedGithubSubject(t.subjects) });
      snippets.push(params);
      commands.push(`az ad app federated-credential update --id ${sh(appId)} --federated-credential-id <federated-credential-name> --parameters ${sh(params)}`);
    }
    if (commands.length) return { command: commands.join('\n'), snippet: snippets.join('\n') };
  }
  return null;
}

export function purgeLeak(c: CredentialRow, path: string | null): string | null {
  return path ? `git filter-repo --invert-paths --path ${sh(path)}` : null;
}
