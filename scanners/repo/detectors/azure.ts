// Azure: storage / Service Bus / Event Hubs connection strings (AccountKey=,
// SharedAccessKey=), bare storage account keys (88 base64 characters) next to a key-like
// name, Entra ID client secrets (the `xxx8Q~…` format) and SAS tokens (sv=…&sig=…).
import type { Detector } from './types.js';
import { charClasses, entropy } from './util.js';

/** The storage emulator's published development key (devstoreaccount1): not a secret. */
const EMULATOR_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export const azureConnectionString: Detector = {
  id: 'azure-connection-string',
  title: 'Azure storage / Service Bus connection string',
  provider: 'azure',
  confidence: 'high',
  keywords: ['accountkey=', 'sharedaccesskey='],
  caseInsensitive: true,
  scope: 'line',
  regex: /(AccountKey|SharedAccessKey)\s{0,2}=\s{0,2}([A-Za-z0-9+/]{40,100}={0,2})(?![A-Za-z0-9+/=])/gi,
  verify(m, ctx) {
    const v = m[2];
    if (v === EMULATOR_KEY || /devstoreaccount1/i.test(ctx.text) || entropy(v) < 4.2) return null;
    const account = /AccountName\s*=\s*([a-z0-9]{3,24})/i.exec(ctx.text)?.[1];
    const endpoint = /Endpoint\s*=\s*sb:\/\/([A-Za-z0-9.-]+)/i.exec(ctx.text)?.[1];
    const start = m.index + m[0].length - v.length;
    return {
      value: v,
      range: [start, start + v.length],
      attributes: { keyType: m[1].toLowerCase() === 'accountkey' ? 'storage-account-key' : 'shared-access-key', ...(account ? { accountName: account } : {}), ...(endpoint ? { endpoint } : {}) },
    };
  },
};

export const azureStorageAccountKey: Detector = {
  id: 'azure-storage-account-key',
  title: 'Azure storage account key',
  provider: 'azure',
  confidence: 'medium',
  keywords: ['accountkey', 'account_key', 'account-key', 'storagekey', 'storage_key', 'storage-key', 'storage_account_key'],
  caseInsensitive: true,
  scope: 'line',
  regex: /(?:account|storage)[_-]?(?:account[_-]?)?key[\w.-]{0,20}["'`]?\s{0,4}(?::=|=>|[:=])\s{0,4}["'`]?([A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])/gi,
  verify(m) {
    const v = m[1];
    if (v === EMULATOR_KEY || entropy(v) < 4.5 || charClasses(v) < 3) return null;
    return { value: v, attributes: { keyType: 'storage-account-key' } };
  },
};

export const azureClientSecret: Detector = {
  id: 'azure-client-secret',
  title: 'Azure AD / Entra ID client secret',
  provider: 'azure',
  confidence: 'high',
  keywords: ['Q~'],
  scope: 'line',
  regex: /(?<![A-Za-z0-9_~.-])([A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/g,
  verify(m) {
    return entropy(m[1]) < 3.8 ? null : { value: m[1] };
  },
  description: 'Client secrets issued since 2022 have a fixed shape: 3 characters, a digit, `Q~`, 31–34 characters.',
};

export const azureSasToken: Detector = {
  id: 'azure-sas-token',
  title: 'Azure shared access signature (SAS) token',
  provider: 'azure',
  confidence: 'medium',
  keywords: ['sig='],
  scope: 'line',
  regex: /[?&;"'\s]sig=([A-Za-z0-9%+/]{30,120}(?:%3D|=){0,2})/g,
  verify(m, ctx) {
    if (!/[?&;"'\s]sv=\d{4}-\d{2}-\d{2}/.test(ctx.text) || !/[?&;]s[ep]=/.test(ctx.text)) return null;
    const v = m[1];
    if (entropy(v) < 4.0) return null;
    const se = /[?&;]se=([0-9%A-Za-z:.-]{10,40})/.exec(ctx.text)?.[1];
    let expiresAt: string | undefined;
    if (se) {
      const t = Date.parse(decodeURIComponent(se));
      if (!Number.isNaN(t)) expiresAt = new Date(t).toISOString();
    }
    const account = /https?:\/\/([a-z0-9]{3,24})\.(?:blob|queue|table|file|dfs)\.core\.windows\.net/i.exec(ctx.text)?.[1];
    return { value: v, expiresAt, attributes: account ? { accountName: account } : undefined };
  },
};

export const AZURE_DETECTORS = [azureConnectionString, azureStorageAccountKey, azureClientSecret, azureSasToken];
