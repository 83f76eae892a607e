/** Handlebars helpers, registered from this one list. */
export const viewHelpers: Record<string, (...args: unknown[]) => unknown> = {
  eq: (a: unknown, b: unknown) => a === b,
  number: (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en-US') : String(n ?? '')),
  /** The date part of an ISO timestamp. */
  day: (iso: unknown) => String(iso ?? '').slice(0, 10),
};
