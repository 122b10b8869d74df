import type { Rule } from '../types.js';
import type { AdminIdentity } from '../../inventory/view.js';
import { chainJson } from '../../inventory/reach-store.js';
import { describeChain } from '../chain-text.js';

export const godMode: Rule = {
  meta: {
    id: 'god-mode',
    title: 'Admin-equivalent non-human identity',
    severity: 'high',
    owasp: ['NHI5'],
    description:
      'The identity holds a grant its scanner normalized to admin (full access, the power to change its own permissions, an escalation path), or reaches one through a chain of identities it can become (assume, impersonate, mint tokens for, add credentials to, federate into): the chain is the evidence. Provider-managed roles (service-linked, SSO permission sets) are exempt.',
    risk: 'Whoever holds one of its credentials owns the account, subscription, project or organisation. Machine identities with admin rights are the prize of every cloud breach.',
    remediation:
      'Replace the admin grant with a role scoped to what the workload does (use the provider\'s access analysis to find the actions it really calls), then remove the admin grant. If it must stay, give it an owner, short-lived credentials and monitoring.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/5-overprivileged-nhi/'],
    thresholds: ['staleDays (raises to critical when admin and unused)'],
  },
  *evaluate({ inventory, config, reach }) {
    const staleDays = config.thresholds.staleDays;
    // The admin set holds direct admins (their admin grants listed) and identities that reach admin
    // through a chain (no admin grant of their own): the chain is their evidence. Chains are told
    // after the whole set is read, when the name of every identity on them is known (a chain runs
    // through admin-equivalent identities only): looked up one by one, 85k chains cost 0.3 s.
    const chained: { id: AdminIdentity; unused: number | null; reasons: string[] }[] = [];
    for (const { identity: id, grants: admin, unused: u } of inventory.adminHolders()) {
      // Roles the provider owns (service-linked, SSO permission-set roles) are not machine identities
      // anyone here can scope down; reporting them would bury the real ones.
      if (id.providerManaged) continue;
      const unused = u !== null && u.days > staleDays;
      const external = id.thirdParty;
      const reasons = [unused ? `no use for ${u.days}+ days` : null, external ? 'built by a third party' : null].filter((r): r is string => r !== null);
      if (admin.length === 0) {
        chained.push({ id, unused: unused ? u.days : null, reasons });
        continue;
      }
      yield {
        provider: id.provider,
        identityId: id.id,
        severity: unused || external ? 'critical' : 'high',
        message: `${id.kind} ${id.name} is admin-equivalent via ${admin
          .slice(0, 3)
          .map((g) => `${g.role} on ${g.resource}`)
          .join(', ')}${admin.length > 3 ? ` and ${admin.length - 3} more` : ''}${reasons.length ? ` (${reasons.join('; ')})` : ''}`,
        evidence: {
          grants: admin.slice(0, 10).map((g) => ({ role: g.role, resource: g.resource, via: g.via, evidence: g.evidence })),
          adminGrants: admin.length,
          lastUsedAt: id.lastUsedAt,
          unusedDays: unused ? u.days : null,
          thirdParty: external,
        },
      };
    }
    for (const { id, unused, reasons } of chained) {
      const r = reach.strongest(id.id);
      if (r.privilege !== 'admin' || r.chain.length === 0) continue;
      const holder = r.holder ? inventory.identityLabel(r.holder) : undefined;
      yield {
        provider: id.provider,
        identityId: id.id,
        discriminator: 'reach',
        severity: unused !== null || id.thirdParty ? 'critical' : 'high',
        message: `${id.kind} ${id.name} can become admin in ${r.chain.length} hop${r.chain.length > 1 ? 's' : ''}: ${describeChain(r.chain, inventory)}${holder ? ` (admin-equivalent ${holder.kind} ${holder.name})` : ''}${reasons.length ? ` (${reasons.join('; ')})` : ''}`,
        evidence: { chain: chainJson(r.chain), holder: r.holder, lastUsedAt: id.lastUsedAt, unusedDays: unused, thirdParty: id.thirdParty },
      };
    }
  },
};
