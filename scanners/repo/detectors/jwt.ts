// JSON Web Tokens: three base64url parts whose header decodes to a JSON object with an
// `alg` (not "none": unsigned tokens authenticate nothing) and whose payload is a JSON
// object. The jwt.io sample token is a well-known fixture.
import type { Detector } from './types.js';
import { decodeBase64, parseJsonObject } from './util.js';

const JWT_IO_SAMPLE_SIGNATURES = new Set(['SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c', 'dyt0CoTl4WoVjAHI9Q_CwSKhl6d_9rhM3NrXuJttkao']);

export const jwt: Detector = {
  id: 'jwt',
  title: 'JSON Web Token',
  provider: 'jwt',
  confidence: 'medium',
  keywords: ['eyJ'],
  scope: 'line',
  regex: /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,8000}\.([A-Za-z0-9_-]{16,1000}))(?![A-Za-z0-9_.-])/g,
  placeholderCheck: false,
  verify(m) {
    const [h, p] = m[1].split('.');
    const header = parseJsonObject(decodeBase64(h));
    const payload = parseJsonObject(decodeBase64(p));
    if (!header || !payload || typeof header.alg !== 'string' || header.alg.toLowerCase() === 'none') return null;
    if (JWT_IO_SAMPLE_SIGNATURES.has(m[2]) || payload.name === 'John Doe' || /example|x{4,}/i.test(p.length < 400 ? JSON.stringify(payload) : '')) return null;
    let expiresAt: string | undefined;
    if (typeof payload.exp === 'number' && payload.exp > 0 && payload.exp < 1e11) expiresAt = new Date(payload.exp * 1000).toISOString();
    return { value: m[1], expiresAt, attributes: { alg: header.alg, ...(typeof payload.iss === 'string' && payload.iss.length < 200 ? { issuer: payload.iss } : {}) } };
  },
};

export const JWT_DETECTORS = [jwt];
