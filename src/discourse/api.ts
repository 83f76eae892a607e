/** The forum's HTTP API, for what webhooks do not carry: a topic's author, badges back out, and the history import. */
import type { DiscourseConfig } from '../config.js';
import type { DiscourseTopic } from './activities.js';

const TIMEOUT_MS = 15_000;

export class DiscourseHttpError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | null,
    message: string,
  ) {
    super(message);
  }
}

export const apiReady = (c: DiscourseConfig): boolean => Boolean(c.url && c.apiKey);

export async function discourseFetch<T>(c: DiscourseConfig, path: string, init: { method?: string; body?: object } = {}): Promise<T> {
  if (!apiReady(c)) throw new DiscourseHttpError(0, null, 'DISCOURSE_URL and DISCOURSE_API_KEY are needed to talk to the forum');
  const res = await fetch(`${c.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'Api-Key': c.apiKey!, 'Api-Username': c.apiUsername, accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!res.ok) {
    const retry = Number(res.headers.get('retry-after'));
    throw new DiscourseHttpError(res.status, Number.isFinite(retry) && retry > 0 ? retry * 1000 : null, `${init.method ?? 'GET'} ${path}: ${res.status}`);
  }
  return (await res.json()) as T;
}

/**
 * A forum account's roles and groups as the forum says now (an admin API key is needed); null when
 * the account is gone. Errors other than 404 throw, so a hiccup does not sign the team out.
 */
export async function fetchForumFacts(c: DiscourseConfig, userId: string): Promise<{ admin: boolean; moderator: boolean; groups: string[] } | null> {
  if (!/^\d+$/.test(userId)) return null;
  try {
    const user = await discourseFetch<{ admin?: boolean; moderator?: boolean; groups?: Array<{ name: string }> }>(c, `/admin/users/${userId}.json`);
    return { admin: user.admin === true, moderator: user.moderator === true, groups: (user.groups ?? []).map((g) => g.name) };
  } catch (error) {
    if (error instanceof DiscourseHttpError && error.status === 404) return null;
    throw error;
  }
}

export async function fetchTopic(c: DiscourseConfig, id: number): Promise<DiscourseTopic | null> {
  if (!apiReady(c)) return null;
  return discourseFetch<DiscourseTopic>(c, `/t/${id}.json`);
}
