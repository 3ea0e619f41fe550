import { describe, expect, it } from '@jest/globals';
import { judgeSuccessRate, successRate } from './success-rate';

const thresholds = { healthySuccessRate: 0.95, degradedSuccessRate: 0.8 };

describe('successRate', () => {
  it('is the share of succeeded deliveries among those with an outcome', () => {
    expect(successRate({ succeeded: 3, failed: 1, retrying: 0 })).toBe(0.75);
    expect(successRate({ succeeded: 2, failed: 0, retrying: 1 })).toBe(0.6667);
    expect(successRate({ succeeded: 5, failed: 0, retrying: 0 })).toBe(1);
  });

  it('is null without deliveries', () => {
    expect(successRate({ succeeded: 0, failed: 0, retrying: 0 })).toBeNull();
  });
});

describe('judgeSuccessRate', () => {
  it('is healthy at or above 95 %', () => {
    expect(judgeSuccessRate(1, thresholds)).toBe('healthy');
    expect(judgeSuccessRate(0.95, thresholds)).toBe('healthy');
  });

  it('is degraded from 80 % up to 95 %', () => {
    expect(judgeSuccessRate(0.9499, thresholds)).toBe('degraded');
    expect(judgeSuccessRate(0.8, thresholds)).toBe('degraded');
  });

  it('is unhealthy below 80 %', () => {
    expect(judgeSuccessRate(0.7999, thresholds)).toBe('unhealthy');
    expect(judgeSuccessRate(0, thresholds)).toBe('unhealthy');
  });

  it('is healthy when nothing was delivered in the window', () => {
    expect(judgeSuccessRate(null, thresholds)).toBe('healthy');
  });

  it('follows configured thresholds', () => {
    expect(judgeSuccessRate(0.9, { healthySuccessRate: 0.9, degradedSuccessRate: 0.5 })).toBe('healthy');
    expect(judgeSuccessRate(0.49, { healthySuccessRate: 0.9, degradedSuccessRate: 0.5 })).toBe('unhealthy');
  });
});
