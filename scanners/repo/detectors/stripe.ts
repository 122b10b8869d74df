// Stripe live-mode secret and restricted keys. Test-mode keys (sk_test_) cannot move
// money and are what documentation and fixtures are full of: not reported.
import type { Detector } from './types.js';
import { entropy } from './util.js';

export const stripeKey: Detector = {
  id: 'stripe-live-key',
  title: 'Stripe live secret key',
  provider: 'stripe',
  confidence: 'high',
  keywords: ['sk_live_', 'rk_live_'],
  scope: 'line',
  regex: /(?<![A-Za-z0-9_])((sk|rk)_live_[0-9A-Za-z]{24,247})(?![A-Za-z0-9_])/g,
  verify(m) {
    if (entropy(m[1].slice(8)) < 3.8) return null;
    return { value: m[1], attributes: { keyType: m[2] === 'rk' ? 'restricted' : 'secret' } };
  },
};

export const STRIPE_DETECTORS = [stripeKey];
