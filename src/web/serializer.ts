/**
 * JSON answers leave through their route's zod response schema, compiled once per route and status
 * into fast-json-stringify (Fastify's own serialiser) from the schema's JSON Schema: only the keys
 * the schema names are sent, a missing required key is our fault (a 500), and a 100-row leaderboard
 * is written as fast as plain JSON.stringify — encoding it through zod on every request took
 * twice as long per request. The shape itself is checked against the document by
 * tests/integration/openapi-contract.test.ts and, per use case type, at compile time (response-schemas.ts).
 */
import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { z } from 'zod';

// A schema shared by many routes (the { error, code } of each status) is compiled once.
const compiled = new WeakMap<object, (data: unknown) => string>();

export const serializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) => {
  const known = compiled.get(schema as object);
  if (known) return known;
  const { $schema: _drop, ...json } = z.toJSONSchema(schema as z.ZodType, { io: 'output', target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  const serialise = fastJson(json) as (data: unknown) => string;
  compiled.set(schema as object, serialise);
  return serialise;
};
