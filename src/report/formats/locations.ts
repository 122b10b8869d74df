// Where a finding points: every sighting of a leaked secret the rule recorded (in the order its
// message names them), else the report's first sighting. One helper so every format agrees.
import type { ReportFinding } from '../report-service.js';

export interface FindingLocation {
  repo: string;
  path: string;
  line: number;
  commit: string;
}

function asLocation(v: unknown): FindingLocation | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (typeof o.path !== 'string' || o.path === '') return null;
  return { repo: typeof o.repo === 'string' ? o.repo : '', path: o.path, line: typeof o.line === 'number' ? o.line : 0, commit: typeof o.commit === 'string' ? o.commit : '' };
}

export function findingLocations(f: ReportFinding): FindingLocation[] {
  const listed = f.evidence && Array.isArray((f.evidence as Record<string, unknown>).locations) ? ((f.evidence as Record<string, unknown>).locations as unknown[]) : [];
  const out = listed.map(asLocation).filter((l): l is FindingLocation => l !== null);
  if (out.length) return out;
  const first = asLocation(f.location);
  return first ? [first] : [];
}

/** How many sightings the secret has in all, when the rule recorded a count. */
export function sightingCount(f: ReportFinding): number {
  const n = f.evidence ? (f.evidence as Record<string, unknown>).sightings : undefined;
  return typeof n === 'number' ? n : findingLocations(f).length;
}

export function locationText(l: FindingLocation | undefined): string | null {
  if (!l) return null;
  return `${l.repo ? l.repo + ':' : ''}${l.path}${l.line ? ':' + l.line : ''}`;
}
