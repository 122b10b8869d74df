// The gcp scanner: one target per project; service accounts, their user-managed keys,
// IAM grants (project and inherited folder/organisation policies) and impersonation trust.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineScanner, type ScanTarget } from '../../src/scanners/contract.js';
import { explainGcpError } from './errors.js';
import { newShared, searchProjects, sharedClients, ancestry, type TargetData, type ProjectInfo } from './hierarchy.js';
import { GCP_OPTIONS, type GcpOptions } from './options.js';
import { callContext, scanProject } from './scan.js';
import { startGcpDemo } from './demo/demo.js';
import { ownersFromCloudAuditLogs } from './owners.js';

export const gcpScanner = defineScanner<GcpOptions>({
  name: 'gcp',
  provider: 'gcp',
  title: 'Google Cloud',
  description:
    'Service accounts and their keys in every project, IAM bindings at project, folder and organisation level (owner/editor and impersonation paths), who may act as each service account, and last authentication from Policy Analyzer.',
  needs: [
    'Application Default Credentials (gcloud auth application-default login, a key file, workload identity or the metadata server), or --access-token',
    'Network access to cloudresourcemanager.googleapis.com, iam.googleapis.com and policyanalyzer.googleapis.com (or the private endpoints given)',
    'Read-only roles: roles/browser and roles/iam.securityReviewer on the organisation (or each project); roles/policyanalyzer.activityAnalysisViewer for last-use data',
  ],
  options: GCP_OPTIONS,
  isConfigured(options, env, hasConfigSection) {
    if (hasConfigSection) return true;
    if ((options.project?.length ?? 0) > 0 || options.org || options.accessToken || options.keyFile) return true;
    const home = env.HOME ?? env.USERPROFILE;
    const adc = env.CLOUDSDK_CONFIG ? join(env.CLOUDSDK_CONFIG, 'application_default_credentials.json') : home ? join(home, '.config', 'gcloud', 'application_default_credentials.json') : null;
    return adc !== null && existsSync(adc);
  },
  async targets(ctx) {
    const shared = newShared();
    const cx = callContext(ctx);
    const explicit = (ctx.options.project ?? []).map((p) => p.trim()).filter(Boolean);
    const out: ScanTarget[] = [];
    const add = (projectId: string, project: ProjectInfo | null) => {
      shared.projectIds.add(projectId);
      if (project?.number) shared.projectNumbers.set(project.number, projectId);
      const data: TargetData = { projectId, project, shared };
      out.push({ key: `gcp:${projectId}`, label: `project ${projectId}`, data });
    };
    if (explicit.length > 0) {
      for (const p of [...new Set(explicit)].sort()) add(p, null);
      return out;
    }
    const clients = await sharedClients(shared, ctx.options);
    const org = ctx.options.org ? `organizations/${ctx.options.org.replace(/^organizations\//, '')}` : null;
    shared.organization = org;
    const found: ProjectInfo[] = [];
    for await (const p of searchProjects(clients, cx, ctx.options.pageSize ?? 100)) found.push(p);
    for (const p of found.sort((a, b) => a.projectId.localeCompare(b.projectId))) {
      if (org) {
        if (!p.parent) continue;
        if (p.parent.startsWith('organizations/') && p.parent !== org) continue;
        if (p.parent !== org) {
          const chain = await ancestry(shared, clients, cx, p.parent);
          // A folder we may not read breaks the chain: keep the project (its scan reports the folder error).
          const broken = chain.length > 0 && chain[chain.length - 1].kind === 'folder' && chain[chain.length - 1].parent === null;
          if (!chain.some((a) => a.name === org) && !broken) continue;
        }
      }
      add(p.projectId, p);
    }
    shared.fullEstate = true;
    return out;
  },
  async *scan(ctx) {
    const accounts = new Set<string>();
    for await (const r of scanProject(ctx)) {
      if (r.type === 'identity' && r.kind === 'service_account') accounts.add(r.id.toLowerCase());
      yield r;
    }
    if (ctx.options.ownersFromLogs) yield* ownersFromCloudAuditLogs(ctx, accounts);
  },
  explainError: explainGcpError,
  demo: startGcpDemo,
});

export default gcpScanner;
