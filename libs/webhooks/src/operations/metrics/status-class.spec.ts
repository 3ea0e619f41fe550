import { describe, expect, it } from '@jest/globals';
import { statusClass } from './status-class';

describe('statusClass', () => {
  it('groups HTTP statuses by their first digit', () => {
    expect(statusClass(200)).toBe('2xx');
    expect(statusClass(204)).toBe('2xx');
    expect(statusClass(301)).toBe('3xx');
    expect(statusClass(410)).toBe('4xx');
    expect(statusClass(429)).toBe('4xx');
    expect(statusClass(500)).toBe('5xx');
    expect(statusClass(599)).toBe('5xx');
  });

  it('is error when no response arrived or the status is not HTTP', () => {
    expect(statusClass(undefined)).toBe('error');
    expect(statusClass(0)).toBe('error');
    expect(statusClass(600)).toBe('error');
  });
});
