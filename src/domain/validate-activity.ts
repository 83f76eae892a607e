/** Checks what adapters send before anything is written: a bad activity rejects its batch, naming the field. */
import type { ActivityInput, IdentityRef } from './activity.js';
import { DomainError } from './errors.js';
import { acceptedTime } from './time-range.js';
import { AWARD_LIMIT } from './manual-award.js';
import { DEFAULT_KIND_RULES, isKind, isPlatform, isSpace, REVERSAL, type Kind, type KindRule } from './kinds.js';

const MAX_KEY = 300;
const MAX_NAME = 200;
const MAX_URL = 2000;
const MAX_PAYLOAD = 8000;

function fail(index: number, field: string, expected: string): never {
  throw new DomainError('invalid_activity', `activities[${index}].${field}: expected ${expected}`);
}

function checkIdentity(index: number, field: string, ref: unknown): void {
  const r = ref as Record<string, unknown> | undefined;
  if (!r || typeof r !== 'object') fail(index, field, 'an identity { platform, externalId }');
  if (typeof r.platform !== 'string' || !isPlatform(r.platform)) fail(index, `${field}.platform`, 'a known platform');
  if (typeof r.externalId !== 'string' || r.externalId.length === 0 || r.externalId.length > MAX_NAME)
    fail(index, `${field}.externalId`, `a non-empty string of at most ${MAX_NAME} characters`);
  for (const name of ['username', 'displayName'] as const)
    if (r[name] !== undefined && (typeof r[name] !== 'string' || (r[name] as string).length > MAX_NAME))
      fail(index, `${field}.${name}`, `a string of at most ${MAX_NAME} characters`);
}

const refString = (index: number, field: string, value: unknown): void => {
  if (value !== undefined && (typeof value !== 'string' || value.length === 0 || value.length > MAX_KEY))
    fail(index, field, `a non-empty string of at most ${MAX_KEY} characters`);
};

// Names are kept as their members typed them, but no name needs a control character (tabs and line
// breaks aside), and a NUL cannot be stored at all on PostgreSQL (a forum name holding one failed
// the whole delivery).
export const cleanName = (name: string): string => name.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g, '');
function cleanIdentity<T extends IdentityRef | undefined>(ref: T): T {
  if (!ref || typeof ref !== 'object') return ref;
  const clean = { ...ref };
  for (const name of ['username', 'displayName'] as const) if (typeof clean[name] === 'string') clean[name] = cleanName(clean[name]);
  return clean;
}

/** The activity with its members' names rid of control characters: what the pipeline stores. */
export function withCleanNames(input: ActivityInput): ActivityInput {
  if (!input || typeof input !== 'object') return input;
  return { ...input, actor: cleanIdentity(input.actor), ...(input.counterpart !== undefined ? { counterpart: cleanIdentity(input.counterpart) } : {}) };
}

/** Validate one activity received at `now`; returns its time in milliseconds. */
export function validateActivity(input: ActivityInput, index: number, now: number, kinds: Record<Kind, KindRule> = DEFAULT_KIND_RULES): number {
  if (!input || typeof input !== 'object') fail(index, '', 'an activity object');
  if (typeof input.key !== 'string' || input.key.length === 0 || input.key.length > MAX_KEY)
    fail(index, 'key', `a non-empty natural key of at most ${MAX_KEY} characters`);
  if (input.kind !== REVERSAL && !(typeof input.kind === 'string' && isKind(input.kind) && kinds[input.kind]))
    fail(index, 'kind', 'a known activity kind');
  if (typeof input.platform !== 'string' || !isPlatform(input.platform)) fail(index, 'platform', 'a known platform');
  checkIdentity(index, 'actor', input.actor);
  if (input.counterpart !== undefined) checkIdentity(index, 'counterpart', input.counterpart);
  const at = acceptedTime(`activities[${index}].occurredAt`, input.occurredAt, now, 'invalid_activity');
  refString(index, 'source', input.source);
  refString(index, 'subject', input.subject);
  refString(index, 'reverses', input.reverses);
  if (input.kind === REVERSAL && input.reverses === undefined) fail(index, 'reverses', 'the source a reversal cancels');
  if (input.url !== undefined && (typeof input.url !== 'string' || input.url.length > MAX_URL))
    fail(index, 'url', `a string of at most ${MAX_URL} characters`);
  if (input.payload !== undefined && (typeof input.payload !== 'object' || JSON.stringify(input.payload).length > MAX_PAYLOAD))
    fail(index, 'payload', `a JSON object of at most ${MAX_PAYLOAD} characters`);
  if (input.kind === 'manual_award') {
    if (!Number.isSafeInteger(input.points) || Math.abs(input.points!) > AWARD_LIMIT) fail(index, 'points', `a whole number of points between -${AWARD_LIMIT} and ${AWARD_LIMIT}`);
    if (typeof input.reason !== 'string' || input.reason.trim().length === 0) fail(index, 'reason', 'a reason for the manual award');
    if (input.space !== undefined && !isSpace(input.space)) fail(index, 'space', 'a known space');
  }
  return at;
}
