// The resource hierarchy: which projects to scan (searchProjects, --project, --org), each
// project's ancestors (folders up to the organisation) and their IAM policies, fetched once
// per scan and shared by every project target.
import { PageGuard } from '../../src/scanners/toolkit/index.js';
import type { ErrorRecord } from '../../src/model/records.js';
import { buildClients, type GcpClients } from './clients.js';
import { call, type CallContext } from './call.js';
import { failureRecord } from './errors.js';
import type { GcpOptions } from './options.js';
import type { IamCondition } from './privilege.js';

export interface ProjectInfo {
  projectId: string;
  /** Numeric project number, when known. */
  number: string | null;
  /** `folders/123` or `organizations/456`. */
  parent: string | null;
  displayName: string | null;
  labels: Record<string, string>;
  createTime: string | null;
  state: string | null;
}

export interface Binding {
  role: string;
  members: string[];
  condition?: IamCondition | null;
}

export interface AncestorInfo {
  /** `folders/123` or `organizations/456`. */
  name: string;
  kind: 'folder' | 'organization';
  parent: string | null;
  displayName: string | null;
  /** Null when it could not be read (see errors). */
  bindings: Binding[] | null;
  errors: ErrorRecord[];
}

/** Per-scan state shared by the project targets (in target.data): clients and ancestor cache. */
export interface Shared {
  clients: Promise<GcpClients> | null;
  projectIds: Set<string>;
  ancestors: Map<string, Promise<AncestorInfo>>;
  /** Project number → project id of every scanned project whose number is known. */
  projectNumbers: Map<string, string>;
  /** Projects whose list was complete (searchProjects): a SA of another project is then outside the estate. */
  fullEstate: boolean;
  /** `organizations/<id>` of --org: no other organisation is read (its requests could only fail). */
  organization: string | null;
}

export interface TargetData {
  projectId: string;
  project: ProjectInfo | null;
  shared: Shared;
}

export function newShared(): Shared {
  return { clients: null, projectIds: new Set(), projectNumbers: new Map(), ancestors: new Map(), fullEstate: false, organization: null };
}

export function sharedClients(shared: Shared, options: GcpOptions): Promise<GcpClients> {
  shared.clients ??= buildClients(options);
  return shared.clients;
}

type Loose = Record<string, unknown>;

/** A protobuf Timestamp ({seconds, nanos}) or RFC 3339 string as an ISO string. */
export function isoTime(v: unknown): string | null {
  if (!v) return null;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  }
  const o = v as { seconds?: unknown; nanos?: unknown };
  if (o.seconds === undefined || o.seconds === null) return null;
  const ms = Number(o.seconds) * 1000 + Math.floor(Number(o.nanos ?? 0) / 1e6);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

const PROJECT_STATES: Record<number, string> = { 0: 'STATE_UNSPECIFIED', 1: 'ACTIVE', 2: 'DELETE_REQUESTED' };

export function normalizeProject(p: Loose): ProjectInfo | null {
  const projectId = str(p.projectId);
  if (!projectId) return null;
  const name = str(p.name);
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries((p.labels as Loose) ?? {})) if (typeof v === 'string') labels[k] = v;
  const state = typeof p.state === 'number' ? PROJECT_STATES[p.state] ?? String(p.state) : str(p.state);
  return {
    projectId,
    number: name?.startsWith('projects/') ? name.slice('projects/'.length) : null,
    parent: str(p.parent),
    displayName: str(p.displayName),
    labels,
    createTime: isoTime(p.createTime),
    state,
  };
}

export function normalizeBindings(policy: Loose | null | undefined): Binding[] {
  const out: Binding[] = [];
  for (const b of (policy?.bindings as Loose[] | undefined) ?? []) {
    const role = str(b.role);
    if (!role) continue;
    const members = ((b.members as unknown[]) ?? []).filter((m): m is string => typeof m === 'string').sort();
    const c = b.condition as Loose | null | undefined;
    out.push({ role, members, condition: c ? { title: str(c.title), description: str(c.description), expression: str(c.expression) } : null });
  }
  return out;
}

/** Page through searchProjects (REST), keeping active projects. */
export async function* searchProjects(clients: GcpClients, cx: CallContext, pageSize: number): AsyncGenerator<ProjectInfo> {
  let pageToken: string | undefined;
  const guard = new PageGuard('projects.search');
  do {
    const [projects, , raw] = await call(cx, 'projects.search', () =>
      clients.projects.searchProjects({ query: '', pageSize, pageToken }, { autoPaginate: false, maxRetries: 0 }),
    );
    for (const p of projects ?? []) {
      const info = normalizeProject(p as unknown as Loose);
      if (info && (info.state === null || info.state === 'ACTIVE')) yield info;
    }
    const next: string | undefined = (raw as { nextPageToken?: string } | undefined)?.nextPageToken || undefined;
    pageToken = next;
    guard.next(pageToken);
  } while (pageToken);
}

export async function getProject(clients: GcpClients, cx: CallContext, projectId: string): Promise<ProjectInfo | null> {
  const [p] = await call(cx, 'projects.get', () => clients.projects.getProject({ name: `projects/${projectId}` }, { maxRetries: 0 }));
  return normalizeProject(p as unknown as Loose);
}

/** A folder or organisation with its IAM policy; cached per scan. */
export function ancestor(shared: Shared, clients: GcpClients, cx: CallContext, name: string): Promise<AncestorInfo> {
  let p = shared.ancestors.get(name);
  if (!p) {
    p = loadAncestor(clients, cx, name);
    shared.ancestors.set(name, p);
  }
  return p;
}

async function loadAncestor(clients: GcpClients, cx: CallContext, name: string): Promise<AncestorInfo> {
  const kind = name.startsWith('folders/') ? 'folder' : 'organization';
  const info: AncestorInfo = { name, kind, parent: null, displayName: null, bindings: null, errors: [] };
  const getOp = kind === 'folder' ? 'folders.get' : 'organizations.get';
  try {
    const [r] =
      kind === 'folder'
        ? await call(cx, getOp, () => clients.folders.getFolder({ name }, { maxRetries: 0 }))
        : await call(cx, getOp, () => clients.organizations.getOrganization({ name }, { maxRetries: 0 }));
    const o = r as unknown as Loose;
    info.parent = kind === 'folder' ? str(o.parent) : null;
    info.displayName = str(o.displayName);
  } catch (err) {
    info.errors.push(failureRecord(getOp, err, name));
  }
  const polOp = kind === 'folder' ? 'folders.getIamPolicy' : 'organizations.getIamPolicy';
  try {
    const req = { resource: name, options: { requestedPolicyVersion: 3 } };
    const [pol] =
      kind === 'folder'
        ? await call(cx, polOp, () => clients.folders.getIamPolicy(req, { maxRetries: 0 }))
        : await call(cx, polOp, () => clients.organizations.getIamPolicy(req, { maxRetries: 0 }));
    info.bindings = normalizeBindings(pol as unknown as Loose);
  } catch (err) {
    info.errors.push(failureRecord(polOp, err, name));
  }
  return info;
}

/** Folders and organisation above a project, nearest first. */
export async function ancestry(shared: Shared, clients: GcpClients, cx: CallContext, parent: string | null): Promise<AncestorInfo[]> {
  const out: AncestorInfo[] = [];
  const seen = new Set<string>();
  let next = parent;
  while (next && (next.startsWith('folders/') || next.startsWith('organizations/')) && !seen.has(next) && out.length < 12) {
    if (next.startsWith('organizations/') && shared.organization && next !== shared.organization) break;
    seen.add(next);
    const a = await ancestor(shared, clients, cx, next);
    out.push(a);
    next = a.parent;
  }
  return out;
}
