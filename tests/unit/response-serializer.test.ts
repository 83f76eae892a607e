/** JSON answers leave through their response schema: keys it does not name never leave, a missing one is our fault. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serializerCompiler } from '../../src/web/serializer.js';
import { memberBody } from '../../src/web/response-schemas.js';

const compile = (schema: z.ZodType) => serializerCompiler({ schema, method: 'GET', url: '/x', httpStatus: '200' });

describe('the response serialiser', () => {
  it('sends only the keys the schema names, at any depth', () => {
    const send = compile(z.object({ id: z.number().int(), member: z.object({ displayName: z.string() }), entries: z.array(z.object({ rank: z.number() })) }));
    const out = JSON.parse(send({ id: 1, email: 'a@example.org', member: { displayName: 'Ana', hidden: true }, entries: [{ rank: 1, origin: 'discord|1' }] }));
    expect(out).toEqual({ id: 1, member: { displayName: 'Ana' }, entries: [{ rank: 1 }] });
  });

  it('refuses to send an answer missing a field clients rely on', () => {
    const send = compile(memberBody);
    expect(() => send({ id: 1, displayName: 'Ana' })).toThrow(/required/);
  });

  it('passes a standard’s whole document through untouched', () => {
    const send = compile(z.record(z.string(), z.unknown()));
    const doc = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], credentialSubject: { achievement: { id: 'x', criteria: { narrative: 'n' } } } };
    expect(JSON.parse(send(doc))).toEqual(doc);
  });
});
