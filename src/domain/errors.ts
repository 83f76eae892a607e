/**
 * The one error type of Flywheel. `code` is stable (clients and tests match on it);
 * `status` is the HTTP status an adapter should answer with.
 */
export type ErrorCode =
  | 'invalid_parameter'
  | 'invalid_activity'
  | 'invalid_config'
  | 'not_found'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'gone'
  /** Not now, through no fault of the request: the sender should send it again later. */
  | 'unavailable';

const STATUS: Record<ErrorCode, number> = {
  invalid_parameter: 400,
  invalid_activity: 400,
  invalid_config: 500,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  gone: 410,
  unavailable: 503,
};

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.status = STATUS[code];
  }
}

export const invalidParameter = (name: string, expected: string): DomainError =>
  new DomainError('invalid_parameter', `${name}: expected ${expected}`);

/** One member someone may have meant by a name. */
export interface MemberChoice {
  id: number;
  displayName: string;
  /** "discord: ana · discourse: ana_w" — enough to tell two namesakes apart. */
  accounts: string;
  /** Their picture, when a platform gives one (the page draws initials otherwise). */
  avatarUrl?: string | null;
}

/**
 * A name that fits several members: a 400 like any bad parameter, carrying the members it fits so
 * a form can offer them to pick from (web/errors.ts) instead of a bare error page.
 */
export class AmbiguousMember extends DomainError {
  constructor(
    readonly field: string,
    readonly said: string,
    readonly choices: readonly MemberChoice[],
  ) {
    super('invalid_parameter', `${field}: several members match “${said}”: ${choices.map((m) => `#${m.id} ${m.displayName} (${m.accounts})`).join('; ')} — give the number, e.g. #${choices[0]!.id}`);
  }
}
