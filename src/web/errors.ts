/**
 * Every error leaves as `{ error, code }` with a 4xx for anything a client sent, and a bare 500
 * (logged with its stack, never shown) for our own faults.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AmbiguousMember, DomainError } from '../domain/errors.js';
import { csrfToken } from './auth/session.js';

export interface ErrorBody {
  error: string;
  code: string;
}

interface Issue {
  code?: string;
  path?: PropertyKey[];
  message: string;
  errors?: Issue[][];
}

const PART: Record<string, string> = { querystring: 'query', params: 'params', body: 'body', headers: 'headers' };
const isRootUnknownKey = (i: Issue) => i.code === 'unrecognized_keys' && (i.path ?? []).length === 0;

/**
 * The one issue a refusal reports, with its full path. Of a union's branches (one contribution or a
 * batch), the one the value was meant as: the branch that knows all its keys, then the one with fewest issues.
 */
function firstIssue(issue: Issue, prefix: PropertyKey[] = []): { path: PropertyKey[]; message: string } {
  const path = [...prefix, ...(issue.path ?? [])];
  if (issue.code === 'invalid_union' && issue.errors?.length) {
    const rank = (branch: Issue[]) => (branch.some(isRootUnknownKey) ? 1_000_000 : 0) + branch.length;
    const branch = [...issue.errors].sort((a, b) => rank(a) - rank(b))[0]!;
    if (branch.length > 0) return firstIssue(branch[0]!, path);
  }
  return { path, message: issue.message };
}

/** A request the route's zod schema refused: 400 naming the field, as `name: what was expected`. */
function validationMessage(error: FastifyError): string {
  const first = error.validation![0]! as unknown as { params: Issue & { path?: never }; instancePath: string; message: string; keyword: string };
  const { path, message } = firstIssue({ ...first.params, code: first.keyword, message: first.message, path: first.instancePath.split('/').filter(Boolean) });
  return `${path.map(String).join('.') || PART[error.validationContext ?? ''] || 'query'}: ${message}`;
}

function classify(error: FastifyError | DomainError | Error): { status: number; body: ErrorBody } {
  if (error instanceof DomainError) return { status: error.status, body: { error: error.message, code: error.code } };
  const fe = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fe)) return { status: 400, body: { error: validationMessage(fe), code: 'invalid_parameter' } };
  if (fe.validation) return { status: 400, body: { error: fe.message, code: 'invalid_parameter' } };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const codes: Record<number, string> = { 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 413: 'payload_too_large', 415: 'unsupported_media_type', 429: 'rate_limited' };
    const code = codes[fe.statusCode] ?? 'bad_request';
    return { status: fe.statusCode, body: { error: fe.message, code } };
  }
  return { status: 500, body: { error: 'Something went wrong on our side; it has been logged.', code: 'internal' } };
}

const wantsHtml = (request: FastifyRequest): boolean =>
  !request.url.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html');

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = classify(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.code, status }, body.error);
    reply.code(status);
    if (error instanceof AmbiguousMember && wantsHtml(request) && request.method === 'POST') return chooseMember(request, reply, error);
    // A form that did not work leads back to itself (the page it was sent from, when the browser says).
    if (wantsHtml(request)) return reply.view('pages/error.hbs', { title: status >= 500 ? 'Something went wrong' : 'That did not work', status, message: body.error, back: request.method === 'POST' ? sameOriginReferer(request) : null });
    return body;
  });

  app.setNotFoundHandler(async (request, reply) => {
    reply.code(404);
    if (wantsHtml(request)) return reply.view('pages/error.hbs', { title: 'Page not found', status: 404, message: `Nothing lives at ${request.url}.` });
    return { error: `No route for ${request.method} ${request.url.split('?')[0]}`, code: 'not_found' };
  });
}

/**
 * A form whose member name fits several members: the same form again, once per member it fits,
 * each sending what the manager typed with that member's number — one click, no retyping.
 */
function chooseMember(request: FastifyRequest, reply: FastifyReply, error: AmbiguousMember) {
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
  // The body is as the route's schema parsed it: numbers went in as text and go back as text.
  const kept = Object.entries(body).flatMap(([name, value]) =>
    name === '_csrf' || name === error.field || !['string', 'number', 'boolean'].includes(typeof value) ? [] : [{ name, value: String(value) }],
  );
  return reply.view('pages/choose-member.hbs', {
    title: 'Which member?',
    team: request.url.startsWith('/admin'),
    said: error.said,
    field: error.field,
    action: request.url,
    fields: kept,
    choices: error.choices,
    // The search stops at a handful: when it is full there may be more.
    more: error.choices.length >= 8,
    csrf: csrfToken(reply),
    back: sameOriginReferer(request),
  });
}

/** Where the form was, when the browser says and it is a page of this site. */
function sameOriginReferer(request: FastifyRequest): string | null {
  try {
    const url = new URL(request.headers.referer ?? '');
    return url.host === request.headers.host ? url.pathname + url.search : null;
  } catch {
    return null;
  }
}
