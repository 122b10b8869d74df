// GitHub's published REST description, read from @octokit/openapi-types (generated from
// github/rest-api-description, api.github.com, version in its package.json): every path and
// method with its operation, and each operation's query parameters.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { PublishedOperation } from '../published-operations.js';
export { publishedOperation } from '../published-operations.js';

export function githubPublished(): { version: string; operations: PublishedOperation[] } {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('@octokit/openapi-types/package.json');
  const version = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
  const text = readFileSync(pkgPath.replace(/package\.json$/, 'types.d.ts'), 'utf8');
  const pathsStart = text.indexOf('export interface paths {');
  const opsStart = text.indexOf('export interface operations {');
  const pathsText = text.slice(pathsStart, text.indexOf('\n}\n', pathsStart));
  const opsText = text.slice(opsStart);

  // Query parameters per operation id.
  const queryOf = new Map<string, string[]>();
  for (const m of opsText.matchAll(/^ {2}"([^"]+)": \{\n {4}parameters: \{\n([\s\S]*?)\n {4}\};/gm)) {
    const q = /^ {6}query\??: \{\n([\s\S]*?)\n {6}\};/m.exec(m[2]);
    queryOf.set(m[1], q ? [...q[1].matchAll(/^ {8}"?([\w.[\]-]+)"?\??:/gm)].map((x) => x[1]) : []);
  }
  const operations: PublishedOperation[] = [];
  for (const m of pathsText.matchAll(/^ {2}"(\/[^"]*)": \{\n([\s\S]*?)\n {2}\};/gm)) {
    const path = new RegExp(`^${m[1].replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    for (const o of m[2].matchAll(/^ {4}(get|put|post|patch|delete|head): operations\["([^"]+)"\];/gm)) {
      operations.push({ id: o[2], method: o[1].toUpperCase(), path, query: queryOf.get(o[2]) ?? [] });
    }
  }
  operations.push(...GHEC_ONLY);
  return { version, operations };
}

/**
 * Operations only GitHub Enterprise Cloud publishes (github/rest-api-description, descriptions/ghec,
 * "List SAML SSO authorizations for an organization"), so absent from the api.github.com types.
 */
const GHEC_ONLY: PublishedOperation[] = [
  { id: 'orgs/list-saml-sso-authorizations (ghec)', method: 'GET', path: /^\/orgs\/[^/]+\/credential-authorizations$/, query: ['per_page', 'page', 'login'] },
];
