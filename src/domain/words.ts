/** Counts in words with real plurals: "1 month", "3 months" (never "month(s)"). */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
}
