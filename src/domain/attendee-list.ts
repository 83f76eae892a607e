/**
 * An attendee list as event tools export it (Luma, Eventbrite, Meetup, a spreadsheet): CSV with a
 * header row. The columns that can find a member are recognised by their usual names; the rest
 * are ignored.
 */
import { DomainError } from './errors.js';

export const MAX_ROWS = 5000;

export interface AttendeeRow {
  /** The line in the file (the header is line 1). */
  line: number;
  name: string | null;
  email: string | null;
  discordId: string | null;
  discordUsername: string | null;
  forumUsername: string | null;
}

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks; `;` or tab separators are detected from the header. */
export function parseCsv(text: string): string[][] {
  const src = text.replace(/^\uFEFF/, '');
  const firstLine = src.split(/\r?\n/, 1)[0] ?? '';
  const sep = [',', ';', '\t'].map((s) => ({ s, n: firstLine.split(s).length })).sort((a, b) => b.n - a.n)[0]!.s;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === sep) row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      (row = []), (field = '');
    } else field += c;
  }
  if (quoted) throw new DomainError('invalid_parameter', 'csv: a quoted field is never closed');
  if (field !== '' || row.length > 0) row.push(field), rows.push(row);
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

type Column = Exclude<keyof AttendeeRow, 'line'> | 'first' | 'last';

const HEADERS: Record<string, Column> = {
  name: 'name',
  fullname: 'name',
  attendee: 'name',
  attendeename: 'name',
  displayname: 'name',
  firstname: 'first',
  lastname: 'last',
  surname: 'last',
  email: 'email',
  emailaddress: 'email',
  mail: 'email',
  discordid: 'discordId',
  discorduserid: 'discordId',
  discord: 'discordUsername',
  discordusername: 'discordUsername',
  discordhandle: 'discordUsername',
  discordtag: 'discordUsername',
  discordname: 'discordUsername',
  forum: 'forumUsername',
  forumusername: 'forumUsername',
  forumuser: 'forumUsername',
  discourse: 'forumUsername',
  discourseusername: 'forumUsername',
};

const clean = (v: string | undefined): string | null => {
  const t = v?.trim().replace(/^@/, '');
  return t ? t.slice(0, 200) : null;
};

/** The rows of an attendee list; refuses a file without a column that can find a member. */
export function attendeeRows(text: string): AttendeeRow[] {
  const [header, ...body] = parseCsv(text);
  if (!header) throw new DomainError('invalid_parameter', 'csv: the file is empty');
  const columns = header.map((h) => HEADERS[h.toLowerCase().replace(/[^a-z]/g, '')]);
  if (!columns.some((c) => c === 'email' || c === 'discordId' || c === 'discordUsername' || c === 'forumUsername'))
    throw new DomainError('invalid_parameter', 'csv: expected a header row with at least one of: email, discord id, discord username, forum username');
  if (body.length > MAX_ROWS) throw new DomainError('invalid_parameter', `csv: expected at most ${MAX_ROWS} rows; split the list`);
  return body.map((fields, i) => {
    const get = (c: Column) => clean(fields[columns.indexOf(c)]);
    const row: AttendeeRow = {
      line: i + 2,
      name: get('name') ?? ([get('first'), get('last')].filter(Boolean).join(' ') || null),
      email: get('email')?.toLowerCase() ?? null,
      discordId: get('discordId'),
      discordUsername: get('discordUsername'),
      forumUsername: get('forumUsername'),
    };
    // Discord's export gives ids under "discord": a snowflake is an id, not a username.
    if (!row.discordId && row.discordUsername && /^\d{15,21}$/.test(row.discordUsername)) (row.discordId = row.discordUsername), (row.discordUsername = null);
    if (row.discordUsername) row.discordUsername = row.discordUsername.replace(/#0$/, '');
    return row;
  });
}
