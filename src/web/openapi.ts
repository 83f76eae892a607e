/**
 * One zod schema per route part: Fastify validates the request with it (fastify-type-provider-zod),
 * the handler is typed by it, the answer is serialised through it (keys it does not name are left
 * out) and @fastify/swagger documents it at /api/v1/openapi.json. Only routes tagged `api` appear
 * in the document; the others (pages, forms, Open Badges, the team's JSON) are validated the same way.
 */
import { z } from 'zod';

/** Every refusal and failure: `{ error, code }`; `error` names the field when a field was wrong. */
export const errorBody = z.object({
  error: z.string().describe('What went wrong, naming the parameter when one was wrong (e.g. "limit: expected a whole number from 1 to 100")'),
  code: z.string().describe('Stable code to match on: invalid_parameter, not_found, unauthorized, forbidden, rate_limited, internal, …'),
});

const ERROR_MEANING: Record<number, string> = {
  400: 'A parameter or the body is wrong: `error` names it',
  401: 'Not signed in, or no known API token',
  403: 'Signed in, but not allowed',
  404: 'Not found (a hidden member is not found either)',
  409: 'Conflicts with what is recorded',
  410: 'Gone (revoked)',
  413: 'The body is too large',
  415: 'The body is not in a type this route reads',
  429: 'Too many requests from this address; try again in a minute',
  500: 'Our fault: logged, never shown',
};

// One schema per status, shared by every route (its serialiser is compiled once).
const byStatus = new Map<number, typeof errorBody>();
const errorFor = (status: number) => byStatus.get(status) ?? byStatus.set(status, errorBody.describe(ERROR_MEANING[status] ?? 'Refused')).get(status)!;

/** The shared error schema under each status a route can refuse with (500 is always possible). */
export function errors<const S extends number>(...statuses: S[]): Record<S | 500, typeof errorBody> {
  const out = {} as Record<S | 500, typeof errorBody>;
  for (const status of [...statuses, 500 as const]) out[status] = errorFor(status);
  return out;
}

/** Public API routes: described in the OpenAPI document, and rate-limited per client address. */
export const API_RATE_LIMIT = { max: 300, timeWindow: '1 minute' };

interface RouteSchema {
  querystring?: z.ZodType;
  params?: z.ZodType;
  body?: z.ZodType;
  headers?: z.ZodType;
  response: Record<number, z.ZodType>;
}

const SUCCESS: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted' };

/** Every answer says what it is in the document (a schema without a description would read "Default Response"). */
const described = (response: Record<number, z.ZodType>) =>
  Object.fromEntries(Object.entries(response).map(([status, s]) => [status, s.description ? s : s.describe(SUCCESS[Number(status)] ?? 'Answer')]));

/** A route of the public JSON API: documented (tag `api`), rate-limited, refusing with 400, 429 and 500 besides its own. */
export function apiRoute<const S extends RouteSchema>(summary: string, schema: S, description?: string) {
  return {
    config: { rateLimit: API_RATE_LIMIT },
    schema: {
      summary,
      tags: ['api'],
      ...(description ? { description } : {}),
      ...schema,
      response: { ...errors(400, 429), ...described(schema.response) } as ReturnType<typeof errors<400 | 429>> & S['response'],
    },
  };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `false`: the route does not answer JSON (a page, a redirect, a file, a text format such as
     * metrics), so it needs no response schema. Every other route must have one (tests/integration/route-schemas.test.ts).
     */
    json?: false;
  }
}

/** Route options of a route that answers people, not JSON: pages, forms that redirect, downloads. */
export const PAGE = { config: { json: false } } as const;

/** The document at /api/v1/openapi.json (OpenAPI's own schema describes the rest of it). */
export const openApiDocument = z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) });

/** A query string with nothing to read: other parameters (a campaign's utm_*, a cache buster) are let through, unread. */
export const noQuery = z.object({});

// Decimal digits, no leading zero; a minus sign only where negative numbers are meant. 16 digits
// bound the text; the range check bounds the value.
const UNSIGNED = /^(?:0|[1-9]\d{0,15})$/;
const SIGNED = /^(?:0|-?[1-9]\d{0,15})$/;

/**
 * A whole number in a path, query string or form, in its one plain spelling. JavaScript's Number()
 * also reads 0x10, 0b11, 1e1, "+1", "1.0", "01", " 1" and "" (as 0): each would be a second address
 * for one page, or a way around a check. Any other text is left as it is, so the integer check
 * refuses it with `message`; a JSON body may send the number itself. Documented as an integer with
 * its bounds (the document describes a preprocessed value by what it becomes). A default goes in
 * with `.prefault(n)`: zod leaves a `.default()` of a preprocessed value out of the document.
 */
export function wholeNumber({ min, max, message }: { min: number; max: number; message: string }) {
  const spelling = min < 0 ? SIGNED : UNSIGNED;
  return z.preprocess((v) => (typeof v === 'string' && spelling.test(v) ? Number(v) : v), z.int({ message }).min(min, message).max(max, message));
}

/** The largest id a database column holds (a signed 32-bit integer). */
export const MAX_ID = 2 ** 31 - 1;

/** A positive database id in a path (`/members/:id`), named in the refusal. */
export const idOf = (what: string) => wholeNumber({ min: 1, max: MAX_ID, message: `expected ${what} (a positive whole number)` });
