// RBAC rules judged the way the Kubernetes RBAC good-practices guide describes escalation:
// each admin-equivalent path, the near misses that are not, aggregation and binding subjects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundAccounts, effectiveRules, judgeRules, type PolicyRule, type RoleObject } from '../../../scanners/kubernetes/rbac.js';

const rule = (verbs: string[], resources: string[], apiGroups = ['']): PolicyRule => ({ verbs, resources, apiGroups });

test('rbac: every escalation path is admin', () => {
  const admin: [string, PolicyRule, boolean][] = [
    ['* on *', rule(['*'], ['*'], ['*']), false],
    ['escalate', rule(['escalate'], ['clusterroles'], ['rbac.authorization.k8s.io']), false],
    ['bind', rule(['bind'], ['roles'], ['rbac.authorization.k8s.io']), false],
    ['impersonate', rule(['impersonate'], ['serviceaccounts']), false],
    ['create pods', rule(['create'], ['pods']), false],
    ['secrets cluster-wide', rule(['list'], ['secrets']), true],
    ['token request', rule(['create'], ['serviceaccounts/token']), false],
    ['webhooks', rule(['patch'], ['mutatingwebhookconfigurations'], ['admissionregistration.k8s.io']), false],
    ['nodes/proxy', rule(['get'], ['nodes/proxy']), false],
    ['subresource wildcard', rule(['create'], ['serviceaccounts/*']), false],
  ];
  for (const [what, r, clusterWide] of admin) assert.equal(judgeRules('custom', [r], clusterWide).privilege, 'admin', what);
  assert.equal(judgeRules('cluster-admin', [], true).privilege, 'admin');
});

test('rbac: near misses are not admin', () => {
  assert.equal(judgeRules('r', [rule(['get', 'list'], ['secrets'])], false).privilege, 'read', 'secrets in one namespace');
  assert.equal(judgeRules('r', [rule(['create'], ['pods'], ['apps'])], false).privilege, 'write', 'pods of another API group');
  assert.equal(judgeRules('r', [{ ...rule(['create'], ['pods']), resourceNames: ['one'] }], false).privilege, 'write', 'create with resourceNames never matches a new pod (its name is unknown when authorizing)');
  assert.equal(judgeRules('r', [rule(['get', 'list', 'watch'], ['mutatingwebhookconfigurations'], ['admissionregistration.k8s.io'])], true).privilege, 'read');
  assert.equal(judgeRules('r', [rule(['update'], ['deployments'], ['apps'])], true).privilege, 'write');
  assert.equal(judgeRules('r', [], true).privilege, 'unknown');
});

test('rbac: an aggregated ClusterRole has the rules of the roles its selectors match', () => {
  const part = (name: string, labels: Record<string, string>, rules: PolicyRule[]): RoleObject => ({ metadata: { name, labels }, rules });
  const agg: RoleObject = { metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'x/agg': 'true' } }] }, rules: [] };
  const all = [agg, part('a', { 'x/agg': 'true' }, [rule(['get'], ['pods'])]), part('b', { 'x/agg': 'true' }, [rule(['create'], ['pods'])]), part('c', {}, [rule(['*'], ['*'], ['*'])])];
  const rules = effectiveRules(agg, all);
  assert.equal(rules.length, 2);
  assert.equal(judgeRules('agg', rules, true).privilege, 'admin');
});

test('rbac: binding subjects reach accounts directly, by user name and through the service-account groups', () => {
  const accounts = [
    { namespace: 'a', name: 'x' },
    { namespace: 'a', name: 'y' },
    { namespace: 'b', name: 'x' },
  ];
  const b = (subjects: { kind: string; name: string; namespace?: string }[], ns?: string) => boundAccounts({ metadata: { name: 'rb', namespace: ns }, subjects }, accounts).map((x) => `${x.namespace}/${x.name}:${x.via}`);
  assert.deepEqual(b([{ kind: 'ServiceAccount', name: 'x', namespace: 'b' }]), ['b/x:direct']);
  assert.deepEqual(b([{ kind: 'ServiceAccount', name: 'y' }], 'a'), ['a/y:direct'], 'namespace defaults to the binding’s');
  assert.deepEqual(b([{ kind: 'User', name: 'system:serviceaccount:a:x' }]), ['a/x:direct']);
  assert.deepEqual(b([{ kind: 'Group', name: 'system:serviceaccounts:a' }]), ['a/x:group', 'a/y:group']);
  assert.deepEqual(b([{ kind: 'Group', name: 'system:serviceaccounts' }]).length, 3);
  assert.deepEqual(b([{ kind: 'ServiceAccount', name: 'missing', namespace: 'a' }, { kind: 'User', name: 'alice' }]), []);
});
