// The demo organisation's CloudTrail event history (the trailing 90 days): who changed the unowned
// users and roles, so `nhi report` can suggest their owners. Older creations are out of the window.
import { DEMO } from '../../../src/demo/estate.js';
import type { FakeTrailEvent } from './fake-cloudtrail.js';

const { prod, sandbox } = DEMO.aws.accounts;
const sso = (account: string, session: string) => ({
  type: 'AssumedRole',
  principalId: `AROAQ3EFXZ2LDEMO0SSO:${session}`,
  arn: `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b/${session}`,
  accountId: account,
  sessionContext: { sessionIssuer: { type: 'Role', userName: 'AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b', arn: `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b` } },
});

export function demoTrailEvents(now: Date): FakeTrailEvent[] {
  const ago = (days: number) => new Date(now.getTime() - days * 86_400_000 - 3 * 3_600_000).toISOString();
  return [
    // An SSO session named by an e-mail rewrote the unowned backup user's inline policy.
    { account: prod, name: 'PutUserPolicy', time: ago(62), identity: sso(prod, `raj.patel@${DEMO.domain}`), request: { userName: 'legacy-backup-sync', policyName: 'backup-buckets' } },
    // An SSO user whose session name is not an e-mail.
    { account: sandbox, name: 'PutRolePolicy', time: ago(85), identity: sso(sandbox, 'jlee'), request: { roleName: 'intern-2023-experiments', policyName: 'ec2-play' } },
    // An IAM user made the owned provisioner's current key (stored as a candidate; its tag stays the owner).
    {
      account: sandbox,
      name: 'CreateAccessKey',
      time: ago(25),
      identity: { type: 'IAMUser', principalId: 'AIDAQ3EFXZ2LDEMOADMIN', arn: `arn:aws:iam::${sandbox}:user/labs-admin`, accountId: sandbox, userName: 'labs-admin' },
      request: { userName: 'sandbox-provisioner' },
      response: { accessKey: { userName: 'sandbox-provisioner', status: 'Active' } },
    },
    // A call that was refused created nothing.
    { account: prod, name: 'CreateUser', time: ago(10), identity: sso(prod, `raj.patel@${DEMO.domain}`), request: { userName: 'temp-exporter' }, errorCode: 'AccessDenied' },
  ];
}
