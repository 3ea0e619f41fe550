import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { QUICKSTART, VARIANTS } from './consumers/support/quickstart';

// The consumer tests (npm run test:consumers) apply the quickstart to fresh apps; this checks
// that the READMEs show it line for line, so what users follow is what CI proves.

const lines = (file: string) => new Set(readFileSync(file, 'utf8').split('\n').map((line) => line.trim()));
const quickstartLines = [...QUICKSTART.flatMap((edit) => edit.lines), ...Object.values(VARIANTS).map((variant) => variant.becomes)].map((line) => line.trim());

describe.each(['README.md', 'libs/webhooks/README.md'])('%s', (file) => {
  it('shows every line of the quickstart the consumer tests run', () => {
    const readme = lines(file);
    expect(quickstartLines.filter((line) => !readme.has(line))).toEqual([]);
  });

  it('gives the install line of each database and optional feature', () => {
    const text = readFileSync(file, 'utf8');
    for (const install of ['npm install nestjs-webhooks @nestjs/typeorm typeorm pg', 'npm install bull', 'npm install @nestjs/swagger class-validator class-transformer csv-stringify']) {
      expect(text).toContain(install);
    }
  });
});
