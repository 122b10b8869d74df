// The shapes of the reach graph: "A can act as B" edges between nodes named by strings.
// A node id is an identity id, or `ext:<type>:<value>` for a credential or an outside principal.

export const MECHANISMS = [
  'holds-credential', // a secret or credential authenticates as its target (leak → live key → identity)
  'may-assume', // AWS trust policy (and, for account trusts, the caller's own sts:AssumeRole)
  'mint-token', // GCP Token Creator / Workload Identity User on a service account
  'impersonate', // GCP Service Account User and other actAs roles
  'add-credentials', // can create a key or secret for the target (GCP key admin, Azure app owner)
  'federation', // an OIDC subject (GitHub repository/ref/environment, a pool) the target trusts
  'push-to-repository', // can push to a repository, so can run its workflows
  'member-of', // a node stands for a set it belongs to (a repository of an organisation)
  'pass-role', // AWS iam:PassRole to new compute (Lambda, EC2…) that runs as the role
  'change-compute', // AWS: can change the code or configuration of compute that runs as the role
] as const;
export type Mechanism = (typeof MECHANISMS)[number];

export interface ReachEdge {
  from: string;
  to: string;
  mechanism: Mechanism;
  /** For people: which trust, grant or credential makes this edge. */
  evidence: string;
  /** Where the target lives (its identity scope), when known. */
  scope?: string | null;
}

/** External node types; the id is `ext:<type>:<value>`. */
export type ExternalType =
  | 'credential'
  | 'aws-account'
  | 'aws-service'
  | 'saml'
  | 'github-repo'
  | 'github-subject'
  | 'github-org'
  | 'github-members'
  | 'github-team' // a team of an organisation, `<org>/<slug>`, with push on some repositories
  | 'github-user' // an outside collaborator (not a member) with push on some repositories, by login
  | 'github-org-repos'
  | 'oidc'
  | 'gcp-pool'
  | 'gcp-member'
  | 'k8s-sa'
  | 'azure-tenant'
  | 'azure-user'
  | 'azure-apps'
  | 'any';

export function ext(type: ExternalType, value: string): string {
  return `ext:${type}:${value}`;
}

/** The external type of a node id, or null for an identity. */
export function externalType(node: string): ExternalType | null {
  if (!node.startsWith('ext:')) return null;
  const end = node.indexOf(':', 4);
  return (end > 0 ? node.slice(4, end) : node.slice(4)) as ExternalType;
}
