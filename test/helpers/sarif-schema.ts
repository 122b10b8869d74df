// The official SARIF 2.1.0 schema as a validator, for every test that checks nhi's SARIF.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type Validator = ((d: unknown) => boolean) & { errors?: unknown[] };

export function sarifValidator(): Validator {
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  // The schema is draft-04, which needs Ajv's draft-04 build (CommonJS); its language-tag pattern
  // is only valid without the u flag.
  const Ajv = require('ajv-draft-04') as new (o: object) => { compile(s: object): Validator };
  const addFormats = require('ajv-formats') as (a: unknown) => void;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}
