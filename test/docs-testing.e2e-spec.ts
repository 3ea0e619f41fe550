import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';

// docs/testing.md shows a complete host-app test; this keeps it the very file CI runs.

describe('docs/testing.md', () => {
  it('shows test/testing-kit.e2e-spec.ts as it is', () => {
    const doc = readFileSync('docs/testing.md', 'utf8');
    const section = doc.slice(doc.indexOf('## A complete host-app test'));
    const shown = section.slice(section.indexOf('```ts\n') + '```ts\n'.length, section.indexOf('\n```\n'));
    expect(shown).toBe(readFileSync('test/testing-kit.e2e-spec.ts', 'utf8').trimEnd());
  });
});
