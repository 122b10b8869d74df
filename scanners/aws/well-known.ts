// Documents of AWS managed policies whose meaning is fixed and well known, used only when a
// policy's own document could not be read (GetPolicyVersion denied), so an admin grant is
// never reported as "unknown" for lack of one permission.
import type { PolicyDocument } from './policy.js';

export const WELL_KNOWN_AWS_POLICIES: Record<string, PolicyDocument> = {
  AdministratorAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  IAMFullAccess: {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
      { Effect: 'Allow', Action: ['organizations:DescribeAccount', 'organizations:DescribeOrganization', 'organizations:DescribeOrganizationalUnit', 'organizations:DescribePolicy', 'organizations:ListChildren', 'organizations:ListParents', 'organizations:ListPoliciesForTarget', 'organizations:ListRoots', 'organizations:ListPolicies', 'organizations:ListTargetsForPolicy'], Resource: '*' },
    ],
  },
};
