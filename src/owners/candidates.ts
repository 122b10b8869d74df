// Owner candidates from audit events: how strongly each kind of event says "owner", and the
// sentence people read ("created by alice@acme.example on 2025-03-04 via CloudTrail (CreateRole)").
import type { OwnerCandidateRecord, OwnerSource, Provider } from '../model/records.js';
import type { Person } from './persons.js';

/** What the event did to the identity; decides the confidence and the verb. */
export type OwnerAction = 'created' | 'made-owner' | 'added-credential' | 'granted' | 'leaked' | 'committed' | 'administers';

export const ACTION_CONFIDENCE: Record<OwnerAction, number> = {
  created: 90,
  'made-owner': 85,
  leaked: 70,
  'added-credential': 60,
  granted: 40,
  committed: 30,
  administers: 20,
};

const VERB: Record<OwnerAction, string> = {
  created: 'created by',
  'made-owner': 'made owner:',
  leaked: 'key leaked in a commit by',
  'added-credential': 'credential added by',
  granted: 'access granted by',
  committed: 'last committed by',
  administers: 'administered by',
};

export const SOURCE_LABEL: Record<OwnerSource, string> = {
  cloudtrail: 'CloudTrail',
  'directory-audit': 'the Entra ID audit log',
  'activity-log': 'the Azure activity log',
  'cloud-audit-log': 'Cloud Audit Logs',
  'github-audit-log': 'the GitHub audit log',
  'github-api': 'the owner GitHub reports',
  git: 'git history',
  'repo-admin': 'repository administrators',
};

/** Automation (a pipeline's role session, a service account) is a weaker owner than a person. */
const AUTOMATION_PENALTY = 40;

export interface CandidateInput {
  identityId: string;
  provider: Provider;
  person: Person;
  source: OwnerSource;
  event: string;
  action: OwnerAction;
  at: string | Date;
  departed?: boolean;
}

export function ownerCandidate(c: CandidateInput): OwnerCandidateRecord {
  const at = new Date(c.at).toISOString();
  const confidence = Math.max(5, ACTION_CONFIDENCE[c.action] - (c.person.human ? 0 : AUTOMATION_PENALTY));
  const left = c.departed ? '; has left the organisation' : '';
  // An owner field the provider reports (a token's owner, a key's added_by) is a record, not an event.
  const evidence =
    c.source === 'github-api'
      ? `owner of record ${c.person.person} (GitHub ${c.event}, since ${at.slice(0, 10)})${left}`
      : `${VERB[c.action]} ${c.person.person} on ${at.slice(0, 10)} via ${SOURCE_LABEL[c.source]} (${c.event})${left}`;
  return {
    type: 'owner_candidate',
    identityId: c.identityId,
    provider: c.provider,
    person: c.person.person,
    handle: c.person.handle,
    source: c.source,
    event: c.event,
    at,
    confidence,
    departed: !!c.departed,
    evidence,
  };
}

/** Whether an event time is inside the log's retention window at `now` (older events are not trusted to be complete, and are left out). */
export function withinRetention(at: string | Date, now: Date, retentionDays: number): boolean {
  const t = new Date(at).getTime();
  return Number.isFinite(t) && t >= now.getTime() - retentionDays * 86_400_000 && t <= now.getTime() + 86_400_000;
}
