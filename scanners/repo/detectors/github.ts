// GitHub tokens. Classic-format tokens (ghp_ gho_ ghu_ ghs_ ghr_) end in a CRC32
// checksum of their random part, base62-encoded: a look-alike with a wrong checksum is
// not a token. Fine-grained PATs (github_pat_) are checked for structure only.
import { githubTokenKeyId } from '../../../src/model/ids.js';
import type { Detector } from './types.js';
import { validBase62Checksum } from './util.js';

const TOKEN_TYPES: Record<string, string> = {
  ghp: 'personal-access-token',
  gho: 'oauth-access-token',
  ghu: 'user-to-server-token',
  ghs: 'installation-token',
  ghr: 'refresh-token',
};

export const githubToken: Detector = {
  id: 'github-token',
  title: 'GitHub token',
  provider: 'github',
  confidence: 'high',
  keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
  scope: 'line',
  regex: /(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/g,
  checksummed: true,
  verify(m) {
    const t = m[1];
    if (!validBase62Checksum(t.slice(4))) return null;
    // The key id ties the leak to the live token the GitHub scanner sees (by its last eight characters).
    return { value: t, keyId: githubTokenKeyId(t), attributes: { tokenType: TOKEN_TYPES[t.slice(0, 3)] } };
  },
  description: 'Prefix, 30 random base62 characters and a 6-character base62 CRC32 checksum.',
};

export const githubFineGrainedPat: Detector = {
  id: 'github-fine-grained-pat',
  title: 'GitHub fine-grained personal access token',
  provider: 'github',
  confidence: 'high',
  keywords: ['github_pat_'],
  scope: 'line',
  regex: /(?<![A-Za-z0-9_])(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])/g,
  verify(m) {
    return { value: m[1], keyId: githubTokenKeyId(m[1]), attributes: { tokenType: 'fine-grained-personal-access-token' } };
  },
};

export const GITHUB_DETECTORS = [githubToken, githubFineGrainedPat];
