import { describe, expect, it } from 'vitest';

import { uniqueName } from './unique-name';

describe('uniqueName', () => {
  it('starts with the cleaned prefix and uses only [a-z0-9_]', () => {
    const name = uniqueName('Smoke-Test.v1');
    expect(name).toMatch(/^smoke_test_v1_[a-z0-9]+_[0-9a-f]{8}$/);
  });

  it('starts with a letter, as Cassandra requires, even for a numeric prefix', () => {
    expect(uniqueName('123')).toMatch(/^t_/);
  });

  it('never exceeds 48 characters', () => {
    expect(uniqueName('x'.repeat(100)).length).toBeLessThanOrEqual(48);
  });

  it('gives a different name on every call', () => {
    const names = new Set(Array.from({ length: 1000 }, () => uniqueName('n')));
    expect(names.size).toBe(1000);
  });
});
