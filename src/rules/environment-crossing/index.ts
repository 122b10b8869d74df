import { chainJson } from '../../inventory/reach-store.js';
import { classifyEnvironment, identityEnvironment } from '../../reach/index.js';
import type { Severity } from '../../model/records.js';
import type { Rule } from '../types.js';
import { describeChain } from '../chain-text.js';

/**
 * Personal tokens are named after people (`gh-cli (carol-dev)`): their names say nothing about an
 * environment, so they are judged only by scope and tags, never by name.
 */
const PERSONAL_KINDS = new Set(['classic_pat', 'fine_grained_pat', 'ssh_key', 'oauth_grant', 'bot_account']);

export const environmentCrossing: Rule = {
  meta: {
    id: 'environment-crossing',
    title: 'Non-production identity that reaches production',
    severity: 'high',
    owasp: ['NHI8'],
    description:
      'An identity of a non-production environment (development, staging, sandbox, test, CI) holds write or admin in a production scope, directly or through a chain of identities it can become. Environments come from the `environments` configuration, then environment tags, then names (prod, production, prd vs dev, staging, sandbox, test).',
    risk: 'Non-production environments are guarded less (more people, weaker controls, test code): an identity there that can change production makes production only as safe as the weakest environment.',
    remediation:
      'Give production its own identities, used only from production, and remove the grant or trust that lets the non-production identity in (the first hop of the chain is usually the one to cut). Where a pipeline must deploy to production, use a dedicated deploy identity pinned to the production branch or environment.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/8-environment-isolation/'],
    thresholds: ['environments', 'reach.maxDepth'],
  },
  *evaluate({ inventory, config, reach }) {
    const env = config.environments;
    const seen = new Set<string>();
    for (const layer of ['prod-admin', 'prod-write'] as const) {
      for (const { id } of reach.reached(layer, (x) => !x.startsWith('ext:'), true)) {
        if (seen.has(id)) continue;
        seen.add(id);
        const identity = inventory.identity(id);
        if (!identity || identity.providerManaged) continue;
        const environment = PERSONAL_KINDS.has(identity.kind) ? classifyEnvironment(identity.scope, identity.tags, env) : identityEnvironment(identity, env);
        if (environment !== 'non-prod') continue;
        const r = reach.production(id);
        if (!r) continue;
        const holder = r.holder ?? id;
        const grant = inventory.grantsOf(holder).find((g) => g.privilege === r.privilege && classifyEnvironment(g.resource, {}, env) === 'prod');
        const where = grant ? `${grant.role} on ${grant.resource}` : 'a production scope';
        const severity: Severity = r.privilege === 'admin' ? 'high' : 'medium';
        yield {
          provider: identity.provider,
          identityId: id,
          severity,
          message:
            r.chain.length === 0
              ? `${identity.kind} ${identity.name} (non-production, ${identity.scope}) holds ${r.privilege} in production: ${where}`
              : `${identity.kind} ${identity.name} (non-production, ${identity.scope}) reaches ${r.privilege} in production (${where}) in ${r.chain.length} hop${r.chain.length > 1 ? 's' : ''}: ${describeChain(r.chain, inventory)}`,
          evidence: { environment: 'non-prod', privilege: r.privilege, productionScope: grant?.resource ?? null, holder, chain: chainJson(r.chain) },
        };
      }
    }
  },
};
