import { describe, expect, it } from 'vitest';
import { HELIOS_REQUEST_ID_NAMESPACE, requestIdFor, uuidV5 } from './request-id';

describe('uuidV5', () => {
  // The first row is the worked example in request-id.ts (RFC 4122's DNS namespace).
  it.each([
    ['www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8', '2ed6657d-e927-568b-95e1-2665a8aea6a2'],
    ['python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8', '886313e1-3b8a-5372-9b90-0c9aee199e5d'],
  ])('name %s in %s -> %s', (name, namespace, expected) => {
    expect(uuidV5(name, namespace)).toBe(expected);
  });

  it('rejects a namespace that is not a UUID', () => {
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow(/not a UUID/);
  });
});

describe('requestIdFor', () => {
  it('is a stable v5 UUID per (token, index) in the Helios namespace', () => {
    const id = requestIdFor('launch-7f3a', 0);
    expect(id).toBe(uuidV5('launch-7f3a/0', HELIOS_REQUEST_ID_NAMESPACE));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requestIdFor('launch-7f3a', 0)).toBe(id);
    expect(new Set([id, requestIdFor('launch-7f3a', 1), requestIdFor('launch-7f3b', 0)]).size).toBe(3);
  });
});
