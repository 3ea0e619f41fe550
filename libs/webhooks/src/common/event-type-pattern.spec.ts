import { describe, expect, it } from '@jest/globals';
import {
  isValidEventType,
  isWildcardPattern,
  matchesAnyEventType,
  matchesEventType,
  MAX_EVENT_TYPE_LENGTH,
} from './event-type-pattern';

describe('isValidEventType', () => {
  it.each(['invoice.paid', 'invoice', 'invoice.line.added', 'user_profile.updated', 'order-item.v2.created', 'A.B.9'])(
    'accepts %p',
    (type) => {
      expect(isValidEventType(type)).toBe(true);
    },
  );

  it.each([
    '',
    '.invoice',
    'invoice.',
    'invoice..paid',
    'invoice paid',
    'invoice.paid ',
    'invoice.*',
    '*',
    'invoice/paid',
    'invoice:paid',
    'facture.payée',
  ])('refuses %p', (type) => {
    expect(isValidEventType(type)).toBe(false);
  });

  it('accepts up to 255 characters and refuses more', () => {
    expect(MAX_EVENT_TYPE_LENGTH).toBe(255);
    const longest = 'a.' + 'b'.repeat(253);
    expect(longest).toHaveLength(255);
    expect(isValidEventType(longest)).toBe(true);
    expect(isValidEventType(longest + 'b')).toBe(false);
  });

  it('refuses a non-string', () => {
    expect(isValidEventType(42 as unknown as string)).toBe(false);
    expect(isValidEventType(undefined as unknown as string)).toBe(false);
  });
});

describe('isWildcardPattern', () => {
  it.each(['*', 'invoice.*', 'invoice.line.*', 'order-item_2.*'])('accepts %p', (pattern) => {
    expect(isWildcardPattern(pattern)).toBe(true);
  });

  it.each(['invoice.paid', 'invoice*', '*.paid', 'invoice.*.paid', 'invoice.**', '**', '.*', 'invoice..*', ''])(
    'refuses %p',
    (pattern) => {
      expect(isWildcardPattern(pattern)).toBe(false);
    },
  );

  it('refuses a pattern longer than 255 characters', () => {
    const pattern = 'a'.repeat(253) + '.*';
    expect(pattern).toHaveLength(255);
    expect(isWildcardPattern(pattern)).toBe(true);
    expect(isWildcardPattern('a' + pattern)).toBe(false);
  });

  it('refuses a non-string', () => {
    expect(isWildcardPattern(null as unknown as string)).toBe(false);
  });
});

describe('matchesEventType', () => {
  it('* matches every type', () => {
    for (const type of ['invoice.paid', 'invoice', 'user.profile.updated']) {
      expect(matchesEventType('*', type)).toBe(true);
    }
  });

  it.each<[string, boolean]>([
    ['invoice.paid', true],
    ['invoice.line.added', true],
    ['invoices.paid', false],
    ['invoice', false],
    ['invoicepaid', false],
    ['payment.invoice.paid', false],
    ['Invoice.paid', false],
  ])('invoice.* against %p → %p', (type, expected) => {
    expect(matchesEventType('invoice.*', type)).toBe(expected);
  });

  it('a deeper wildcard matches only under its prefix', () => {
    expect(matchesEventType('invoice.line.*', 'invoice.line.added')).toBe(true);
    expect(matchesEventType('invoice.line.*', 'invoice.paid')).toBe(false);
    expect(matchesEventType('invoice.line.*', 'invoice.line')).toBe(false);
  });

  it('an exact type matches only itself', () => {
    expect(matchesEventType('invoice.paid', 'invoice.paid')).toBe(true);
    expect(matchesEventType('invoice.paid', 'invoice.paid.late')).toBe(false);
    expect(matchesEventType('invoice.paid', 'invoice')).toBe(false);
    expect(matchesEventType('invoice', 'invoice.paid')).toBe(false);
    expect(matchesEventType('invoice.paid', 'INVOICE.PAID')).toBe(false);
  });
});

describe('matchesAnyEventType', () => {
  it('matches when any pattern matches', () => {
    expect(matchesAnyEventType(['user.created', 'invoice.*'], 'invoice.paid')).toBe(true);
    expect(matchesAnyEventType(['user.created', 'invoice.*'], 'user.created')).toBe(true);
    expect(matchesAnyEventType(['user.created', 'invoice.*'], 'user.deleted')).toBe(false);
  });

  it('matches nothing with no patterns', () => {
    expect(matchesAnyEventType([], 'invoice.paid')).toBe(false);
  });
});
