/**
 * JSON with object keys sorted at every level, so two equal values print the same whatever the
 * order their maps were decoded in (`{a, b}` and `{b, a}`); arrays keep their order. What Apply
 * compares specs and labels by, what a template hash is taken of, and how a controller tells
 * that a status it would write changes nothing.
 *
 * Example: {b: 1, a: {d: [2, 1], c: null}} -> {"a":{"c":null,"d":[2,1]},"b":1}
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
