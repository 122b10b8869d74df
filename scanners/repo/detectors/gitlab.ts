// GitLab tokens: personal/project/group access tokens (glpat-), deploy tokens (gldt-),
// runner tokens (glrt-, GR1348941…), pipeline trigger tokens (glptt-), OAuth secrets (gloas-).
import type { Detector } from './types.js';
import { entropy } from './util.js';

const TYPES: Record<string, string> = {
  glpat: 'access-token', gldt: 'deploy-token', glrt: 'runner-token', gloas: 'oauth-application-secret', glptt: 'pipeline-trigger-token', GR1348941: 'runner-registration-token',
};

export const gitlabToken: Detector = {
  id: 'gitlab-token',
  title: 'GitLab token',
  provider: 'gitlab',
  confidence: 'high',
  keywords: ['glpat-', 'gldt-', 'glrt-', 'gloas-', 'glptt-', 'GR1348941'],
  scope: 'line',
  regex: /(?<![A-Za-z0-9_-])((glpat|gldt|glrt|gloas)-[A-Za-z0-9_-]{20,64}(?:\.[A-Za-z0-9_-]{2,64}){0,3}|(glptt)-[0-9a-f]{40}|(GR1348941)[A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])/g,
  verify(m) {
    const v = m[1];
    const kind = m[2] ?? m[3] ?? m[4];
    if (entropy(v.slice(kind.length + 1)) < 3.5) return null;
    return { value: v, attributes: { tokenType: TYPES[kind] ?? 'token' } };
  },
};

export const GITLAB_DETECTORS = [gitlabToken];
