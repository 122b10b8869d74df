// A reach-based finding in SARIF: its chain in the message and one related location per hop,
// each naming the mechanism, valid against the SARIF 2.1.0 schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sarifResult } from '../../src/report/formats/sarif.js';
import type { ReportFinding } from '../../src/report/report-service.js';
import { sarifValidator } from '../helpers/sarif-schema.js';



const USER = 'arn:aws:iam::111111111111:user/sandbox-ci';
const STAGING = 'arn:aws:iam::222222222222:role/staging-deployer';
const PROD = 'arn:aws:iam::333333333333:role/prod-admin';

function finding(evidence: Record<string, unknown>): ReportFinding {
  return {
    id: 'f1', ruleId: 'god-mode', severity: 'high', provider: 'aws', identityId: USER, credentialId: null,
    message: 'iam_user sandbox-ci can become admin in 2 hops', evidence,
    firstSeenScan: 1, lastSeenScan: 1, resolvedScan: null, title: 'God mode', owasp: ['NHI5'], status: 'open', suppression: null,
    identity: { id: USER, name: 'sandbox-ci', kind: 'iam_user', scope: 'aws:111111111111', owner: null }, location: null,
  } as ReportFinding;
}

const chain = [
  { from: USER, to: STAGING, mechanism: 'may-assume', evidence: 'trust policy of staging-deployer trusts account 111111111111' },
  { from: STAGING, to: PROD, mechanism: 'may-assume', evidence: 'trust policy of prod-admin names staging-deployer' },
];

test('SARIF: a reach-based finding lists its chain in the message and one related location per hop', () => {
  const r = sarifResult(finding({ chain }), 0) as { message: { text: string }; relatedLocations?: { id: number; message: { text: string }; logicalLocations?: { fullyQualifiedName: string }[] }[] };
  assert.match(r.message.text, /1\. arn:aws:iam::111111111111:user\/sandbox-ci may assume arn:aws:iam::222222222222:role\/staging-deployer/);
  assert.match(r.message.text, /2\. .*staging-deployer may assume .*prod-admin/);
  assert.equal(r.relatedLocations?.length, 2);
  assert.deepEqual(r.relatedLocations?.map((l) => l.logicalLocations?.[0]?.fullyQualifiedName), [STAGING, PROD]);
  assert.match(r.relatedLocations?.[0]?.message.text ?? '', /^hop 1 \(may-assume\): .* may assume .*staging-deployer — trust policy/);
  const log = { version: '2.1.0', runs: [{ tool: { driver: { name: 'nhi', rules: [{ id: 'god-mode' }] } }, results: [r] }] };
  const validate = sarifValidator();
  assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
});

test('SARIF: a finding without a chain has no chain text and no related locations', () => {
  const r = sarifResult(finding({}), 0) as { message: { text: string }; relatedLocations?: unknown[] };
  assert.equal(r.message.text, 'iam_user sandbox-ci can become admin in 2 hops');
  assert.equal(r.relatedLocations, undefined);
});
