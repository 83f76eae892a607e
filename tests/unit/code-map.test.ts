/**
 * The code map in docs/how-it-works.md names every file under src/ and nothing that is gone, so a
 * newcomer can trust it to answer "where is X" from the file names alone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const doc = readFileSync(join(root, 'docs/how-it-works.md'), 'utf8');
const map = doc.slice(doc.indexOf('## The code map'), doc.indexOf('### The Flywheel object'));

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [relative(root, join(dir, e.name))]));

/** Each section heading "### `src/x/`" (or "### Roots") and the files its table names, as full paths. */
function named(): string[] {
  const out: string[] = [];
  let dir = '';
  for (const line of map.split('\n')) {
    const heading = /^### `(src\/[^`]*)`/.exec(line);
    if (heading) dir = heading[1]!;
    else if (line.startsWith('### ')) dir = '';
    const row = /^\| `([^`]+\.ts)` \|/.exec(line);
    if (row) out.push(row[1]!.startsWith('src/') ? row[1]! : `${dir}${row[1]}`);
  }
  return out;
}

describe('the code map', () => {
  it('names every file under src/, each once, and no file that does not exist', () => {
    const files = filesUnder(join(root, 'src')).sort();
    const listed = named();
    expect(files.filter((f) => !listed.includes(f)), 'files missing from docs/how-it-works.md').toEqual([]);
    expect(listed.filter((f) => !files.includes(f)), 'files named in docs/how-it-works.md that are gone').toEqual([]);
    expect(listed.filter((f, i) => listed.indexOf(f) !== i), 'files named twice').toEqual([]);
  });

  it('names every Flywheel group the wiring file declares', () => {
    const wiring = readFileSync(join(root, 'src/app/flywheel.ts'), 'utf8');
    const body = wiring.slice(wiring.indexOf('export interface Flywheel'), wiring.indexOf('\n}', wiring.indexOf('export interface Flywheel')));
    const groups = [...body.matchAll(/^ {2}(\w+)[?]?:/gm)].map((m) => m[1]!);
    expect(groups.length).toBeGreaterThan(10);
    const object = doc.slice(doc.indexOf('### The Flywheel object'), doc.indexOf('## Accepted times'));
    expect(groups.filter((g) => !object.includes(`fw.${g}`)), 'groups missing from "The Flywheel object"').toEqual([]);
  });
});
