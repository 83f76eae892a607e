/**
 * The pages benchmark's reference: a bare Fastify route rendering the leaderboard template from
 * memory (50 rows, same layout and helpers), with none of the site's plugins or queries. Runs in
 * its own process, like `flywheel serve`, so the two are measured alike. Prints its address.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyView from '@fastify/view';
import Fastify from 'fastify';
import handlebars from 'handlebars';
import { viewHelpers } from '../../src/web/view-helpers.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
const context = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Record<string, unknown>;
const hbs = handlebars.create();
for (const [name, helper] of Object.entries(viewHelpers)) hbs.registerHelper(name, helper);
const app = Fastify({ logger: false });
await app.register(fastifyView, { engine: { handlebars: hbs }, root: join(ROOT, 'views'), layout: 'layouts/main.hbs', options: { partials: { 'admin-nav': 'partials/admin-nav.hbs' } }, production: true });
app.get('/bare', (_request, reply) => reply.view('pages/leaderboard.hbs', context));
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${address}\n`);
