// Kubernetes: kubeconfig client keys (client-key-data: base64 of a PEM private key) and
// user tokens/passwords in a kubeconfig (a file with `kind: Config` and `users:`).
import type { Detector } from './types.js';
import { charClasses, decodeBase64, entropy } from './util.js';

export const kubeconfigClientKey: Detector = {
  id: 'kubeconfig-client-key',
  title: 'Kubernetes client key (kubeconfig client-key-data)',
  provider: 'kubernetes',
  confidence: 'high',
  keywords: ['client-key-data'],
  scope: 'line',
  regex: /client-key-data:\s{0,4}["']?([A-Za-z0-9+/]{60,12000}={0,2})/g,
  placeholderCheck: false,
  verify(m) {
    const pem = decodeBase64(m[1])?.toString('latin1') ?? '';
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) return null;
    return { value: m[1] };
  },
};

export const kubeconfigToken: Detector = {
  id: 'kubeconfig-credential',
  title: 'Kubernetes user token or password (kubeconfig)',
  provider: 'kubernetes',
  confidence: 'high',
  keywords: ['token:', 'password:'],
  requires: ['kind: Config', 'users:'],
  scope: 'line',
  regex: /^\s{1,40}(?:-\s)?(token|id-token|refresh-token|password):\s{0,4}["']?([^\s"']{16,4000})["']?\s*$/g,
  verify(m) {
    const v = m[2];
    if (entropy(v) < 3.5 || charClasses(v) < 2) return null;
    const start = m.index + m[0].lastIndexOf(v);
    return { value: v, range: [start, start + v.length], attributes: { field: m[1] } };
  },
};

export const KUBERNETES_DETECTORS = [kubeconfigClientKey, kubeconfigToken];
