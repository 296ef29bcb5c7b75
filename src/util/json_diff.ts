/**
 * @file Which keys of two JSON values differ: how runs tell whether a saved configuration matches the current one.
 *
 * @example
 * diffKeys({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 } });   // ['b.c']
 */

/** Dotted keys whose values differ between two JSON values (`[]` when equal). */
export function diffKeys(a: unknown, b: unknown, prefix = ''): string[] {
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffKeys(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix || '(value)'];
}
