// Persons from the names audit logs use. A person is an e-mail where the data gives one (a SAML or
// SSO session name, a UPN, a GCP principal, a member's public e-mail), else a qualified handle
// (`aws-iam-user:111111111111/alice`, `github:alice`) so two providers' "alice" never merge by accident.

export interface Person {
  /** The resolved person (lower-case e-mail, or a qualified handle). */
  person: string;
  /** The name the log used, when it differs from `person`. */
  handle: string | null;
  /** False for a session of automation (a pipeline's role session, the root user, a service). */
  human: boolean;
}

const EMAIL = /^[^\s@/]+@[^\s@/]+\.[a-z]{2,}$/i;

export function isEmail(v: string | null | undefined): boolean {
  return !!v && EMAIL.test(v);
}

function email(v: string, handle: string | null = null): Person {
  const person = v.toLowerCase();
  return { person, handle: handle && handle.toLowerCase() !== person ? handle : null, human: true };
}

/** CloudTrail's `userIdentity` (the fields nhi reads). */
export interface CloudTrailUserIdentity {
  type?: string;
  arn?: string;
  accountId?: string;
  userName?: string;
  principalId?: string;
  invokedBy?: string;
  sessionContext?: { sessionIssuer?: { type?: string; userName?: string; arn?: string } };
}

/**
 * The person behind a CloudTrail event: an assumed-role session named by an e-mail (SSO, SAML), an
 * IAM user, an SSO user's session name. Services acting on their own are nobody (null).
 */
export function personFromCloudTrail(u: CloudTrailUserIdentity | undefined): Person | null {
  if (!u || !u.type) return null;
  const account = u.accountId ?? /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(u.arn ?? '')?.[1] ?? '?';
  switch (u.type) {
    case 'IAMUser': {
      const name = u.userName ?? u.arn?.split('/').pop();
      if (!name) return null;
      return isEmail(name) ? email(name, u.arn ?? null) : { person: `aws-iam-user:${account}/${name}`, handle: u.arn ?? null, human: true };
    }
    case 'AssumedRole':
    case 'FederatedUser': {
      const session = u.arn?.split('/').pop() ?? '';
      const role = u.sessionContext?.sessionIssuer?.userName ?? u.arn?.split('/')[1] ?? '';
      if (isEmail(session)) return email(session, u.arn ?? null);
      // IAM Identity Center names the session after the user.
      if (/^AWSReservedSSO_/.test(role) && session) return { person: `aws-sso:${session.toLowerCase()}`, handle: u.arn ?? null, human: true };
      if (!session) return null;
      return { person: `aws-session:${account}/${role}/${session}`, handle: u.arn ?? null, human: false };
    }
    case 'SAMLUser':
    case 'WebIdentityUser': {
      const name = u.userName ?? '';
      if (!name) return null;
      return isEmail(name) ? email(name) : { person: `aws-federated:${name}`, handle: null, human: true };
    }
    case 'Root':
      return { person: `aws-root:${account}`, handle: u.arn ?? null, human: false };
    default:
      return null;
  }
}

/** An Entra user (directoryAudits `initiatedBy.user`): its UPN; an app acting alone is not a person. */
export function personFromEntraUser(user: { userPrincipalName?: string | null; displayName?: string | null; id?: string | null } | null | undefined): Person | null {
  const upn = user?.userPrincipalName;
  if (upn && isEmail(upn)) return email(upn);
  if (upn) return { person: `entra:${upn.toLowerCase()}`, handle: null, human: true };
  if (user?.id) return { person: `entra-user:${user.id}`, handle: user.displayName ?? null, human: true };
  return null;
}

/** The ARM activity log's `caller`: a UPN for a user, an object id (GUID) for a service principal. */
export function personFromAzureCaller(caller: string | null | undefined): Person | null {
  if (!caller) return null;
  if (isEmail(caller)) return email(caller);
  return { person: `entra-principal:${caller.toLowerCase()}`, handle: null, human: false };
}

/** GCP `authenticationInfo.principalEmail`: a user, or a service account (automation). */
export function personFromGcpPrincipal(principal: string | null | undefined): Person | null {
  if (!principal || !isEmail(principal)) return null;
  const human = !/\.gserviceaccount\.com$/i.test(principal);
  return { ...email(principal), human };
}

/**
 * A GitHub login, linked to a person's e-mail when the organisation's member list gives their public
 * e-mail (that is how a commit e-mail and a login meet). Bots are automation.
 */
export function personFromGithubLogin(login: string | null | undefined, publicEmails: ReadonlyMap<string, string>): Person | null {
  if (!login) return null;
  const mail = publicEmails.get(login.toLowerCase());
  if (mail && isEmail(mail)) return email(mail, login);
  return { person: `github:${login.toLowerCase()}`, handle: null, human: !/\[bot\]$/i.test(login) };
}

/** A commit's author: the e-mail (GitHub's noreply addresses carry the login), or the name. */
export function personFromCommit(name: string | null | undefined, mail: string | null | undefined, publicEmails?: ReadonlyMap<string, string>): Person | null {
  const noreply = /^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$/i.exec(mail ?? '');
  if (noreply) return personFromGithubLogin(noreply[1], publicEmails ?? new Map());
  if (mail && isEmail(mail)) return email(mail, name ?? null);
  if (name) return { person: `git:${name}`, handle: null, human: true };
  return null;
}
