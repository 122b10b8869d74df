// Slack: bot/user/app/config tokens (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxe-) and
// incoming-webhook URLs.
import type { Detector } from './types.js';
import { entropy } from './util.js';
import { randomnessScore } from './randomness.js';

export const slackToken: Detector = {
  id: 'slack-token',
  title: 'Slack token',
  provider: 'slack',
  confidence: 'high',
  keywords: ['xox'],
  scope: 'line',
  regex: /(?<![A-Za-z0-9_-])(xox[baprse](?:\.xox[a-z])?-(?:[0-9]+-)+[0-9A-Za-z-]{10,250})(?![A-Za-z0-9_-])/g,
  verify(m) {
    const v = m[1];
    const parts = v.split('-');
    // Team/user ids are long digit runs; the last part is random.
    if (!parts.slice(1, -1).some((p) => /^\d{8,}$/.test(p))) return null;
    const tail = parts[parts.length - 1];
    if (tail.length < 8 || randomnessScore(tail) < -2.5 || /^(x+|0+)$/i.test(tail)) return null;
    return { value: v, attributes: { tokenType: v.slice(0, 4) } };
  },
};

export const slackWebhook: Detector = {
  id: 'slack-webhook',
  title: 'Slack incoming webhook URL',
  provider: 'slack',
  confidence: 'high',
  keywords: ['hooks.slack.com'],
  scope: 'line',
  regex: /(https:\/\/hooks\.slack\.com\/(?:services|workflows)\/T[A-Z0-9]{6,12}\/[AB][A-Z0-9]{6,12}\/[A-Za-z0-9]{20,40})(?![A-Za-z0-9])/g,
  verify(m) {
    const secret = m[1].split('/').pop() ?? '';
    return entropy(secret) < 3.5 ? null : { value: m[1] };
  },
};

export const SLACK_DETECTORS = [slackToken, slackWebhook];
