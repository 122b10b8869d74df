// Package registries: npm access tokens (npm_ + 30 random + 6-character base62 CRC32,
// the same scheme as GitHub's) and PyPI API tokens (macaroons whose first caveat names
// pypi.org or test.pypi.org).
import type { Detector } from './types.js';
import { validBase62Checksum } from './util.js';

export const npmToken: Detector = {
  id: 'npm-token',
  title: 'npm access token',
  provider: 'npm',
  confidence: 'high',
  keywords: ['npm_'],
  scope: 'line',
  regex: /(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/g,
  checksummed: true,
  verify(m) {
    return validBase62Checksum(m[1].slice(4)) ? { value: m[1] } : null;
  },
};

export const pypiToken: Detector = {
  id: 'pypi-token',
  title: 'PyPI API token',
  provider: 'pypi',
  confidence: 'high',
  keywords: ['pypi-AgE'],
  scope: 'line',
  regex: /(?<![A-Za-z0-9_-])(pypi-AgE[A-Za-z0-9_-]{50,400})(?![A-Za-z0-9_-])/g,
  placeholderCheck: false,
  verify(m) {
    const v = m[1];
    // base64 of the macaroon's location caveat: "pypi.org" / "test.pypi.org".
    if (!v.startsWith('pypi-AgEIcHlwaS5vcmc') && !v.startsWith('pypi-AgENdGVzdC5weXBpLm9yZw')) return null;
    if (/x{6,}|X{6,}|EXAMPLE/.test(v)) return null;
    return { value: v, attributes: { index: v.startsWith('pypi-AgEI') ? 'pypi.org' : 'test.pypi.org' } };
  },
};

export const PACKAGE_DETECTORS = [npmToken, pypiToken];
