/** Parse query strings with zod and turn a bad value into a 400 that names the parameter. */
import { z } from 'zod';
import { DomainError } from '../domain/errors.js';

export function parseQuery<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = issue.path.join('.') || 'query';
  throw new DomainError('invalid_parameter', `${name}: ${issue.message}`);
}

