/**
 * One schema → one Config. The only module that reads process.env. Secrets come from the
 * environment; community rules (points, caps, cooldowns, stages, staff, time zone) from an optional
 * YAML file named by FLYWHEEL_CONFIG (or ./flywheel.yaml when present). Every default is DESIGN.md's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DomainError } from './domain/errors.js';
import { DEFAULT_KIND_RULES, KINDS, ROLES, SPACES, type Kind, type KindRule } from './domain/kinds.js';
import { isValidTimeZone } from './domain/periods.js';
import type { Rules } from './domain/rules.js';
import { DEFAULT_STAGE_RULES, type StageRules } from './domain/stages.js';

export type Database = { client: 'sqlite'; filename: string } | { client: 'postgres'; connectionString: string };

export interface Config {
  port: number;
  host: string;
  logLevel: string;
  database: Database;
  configFile: string | null;
  community: { name: string; timeZone: string; siteUrl: string; hiddenByDefault: boolean };
  rules: Rules;
  stages: StageRules;
  staff: { discordRoleIds: string[]; discourseGroups: string[] };
  discord: { token: string | null };
}

const kindRuleSchema = z.strictObject({
  points: z.number().int().optional(),
  space: z.enum(SPACES).optional(),
  role: z.enum(ROLES).optional(),
  capped: z.boolean().optional(),
});

const fileSchema = z.strictObject({
  community: z
    .strictObject({
      name: z.string().min(1).max(100).optional(),
      timezone: z
        .string()
        .refine(isValidTimeZone, { message: 'expected an IANA time zone such as "Europe/Berlin"' })
        .optional(),
      siteUrl: z.url().optional(),
      hiddenByDefault: z.boolean().optional(),
    })
    .optional(),
  points: z.partialRecord(z.enum(KINDS), z.number().int()).optional(),
  kinds: z.partialRecord(z.enum(KINDS), kindRuleSchema).optional(),
  caps: z.strictObject({ daily: z.number().int().positive().optional() }).optional(),
  cooldowns: z
    .strictObject({
      messageSeconds: z.number().int().min(0).optional(),
      pairThanksMinutes: z.number().int().min(0).optional(),
    })
    .optional(),
  stages: z
    .strictObject({
      contributorWindowDays: z.number().int().positive().optional(),
      advocateActiveMonths: z.number().int().positive().optional(),
      advocateMonthWindow: z.number().int().positive().max(24).optional(),
      advocateReach: z.number().int().min(0).optional(),
    })
    .refine((s) => (s.advocateActiveMonths ?? 3) <= (s.advocateMonthWindow ?? 6), {
      message: 'advocateActiveMonths cannot exceed advocateMonthWindow',
    })
    .optional(),
  staff: z
    .strictObject({
      discordRoleIds: z.array(z.string().regex(/^\d+$/, 'expected a Discord role id (digits)')).optional(),
      discourseGroups: z.array(z.string().min(1)).optional(),
    })
    .optional(),
});

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres:\/\/|postgresql:\/\/)/, 'expected sqlite:<path> or postgres://…')
    .default('sqlite:./data/flywheel.sqlite'),
  FLYWHEEL_CONFIG: z.string().min(1).optional(),
  PUBLIC_URL: z.url().optional(),
  DISCORD_TOKEN: z.string().min(1).optional(),
});

export type Env = Record<string, string | undefined>;

function describe(issues: z.core.$ZodIssue[], source: string, keyOf: (path: PropertyKey[]) => string): string {
  return issues.map((issue) => `  - ${keyOf(issue.path)} (${source}): ${issue.message}`).join('\n');
}

function invalid(details: string): DomainError {
  return new DomainError('invalid_config', `Invalid configuration:\n${details}`);
}

function readFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw invalid(`  - FLYWHEEL_CONFIG (environment): cannot read the file ${path}`);
  }
  try {
    return parseYaml(text) ?? {};
  } catch (error) {
    throw invalid(`  - ${path}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
}

function parseDatabase(url: string): Database {
  if (url.startsWith('sqlite:')) {
    const filename = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '') || ':memory:';
    return { client: 'sqlite', filename };
  }
  return { client: 'postgres', connectionString: url };
}

/** Validate the environment and the optional config file. Throws a DomainError naming every bad key. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const envResult = envSchema.safeParse(env);
  if (!envResult.success) throw invalid(describe(envResult.error.issues, 'environment', (p) => String(p[0])));
  const e = envResult.data;

  const configFile = e.FLYWHEEL_CONFIG ?? (existsSync(`${cwd}/flywheel.yaml`) ? `${cwd}/flywheel.yaml` : null);
  const raw = configFile ? readFile(configFile) : {};
  const fileResult = fileSchema.safeParse(raw);
  if (!fileResult.success) throw invalid(describe(fileResult.error.issues, configFile ?? 'config', (p) => p.join('.')));
  const f = fileResult.data;

  const kinds = Object.fromEntries(
    KINDS.map((kind: Kind): [Kind, KindRule] => {
      const override = f.kinds?.[kind] ?? {};
      const points = override.points ?? f.points?.[kind] ?? DEFAULT_KIND_RULES[kind].points;
      return [kind, { ...DEFAULT_KIND_RULES[kind], ...override, points }];
    }),
  ) as Record<Kind, KindRule>;

  const timeZone = f.community?.timezone ?? 'UTC';
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    database: parseDatabase(e.DATABASE_URL),
    configFile,
    community: {
      name: f.community?.name ?? 'Flywheel',
      timeZone,
      siteUrl: f.community?.siteUrl ?? e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
      hiddenByDefault: f.community?.hiddenByDefault ?? false,
    },
    rules: {
      kinds,
      dailyCap: f.caps?.daily ?? 200,
      messageCooldownMs: (f.cooldowns?.messageSeconds ?? 60) * 1000,
      pairCooldownMs: (f.cooldowns?.pairThanksMinutes ?? 30) * 60_000,
      timeZone,
    },
    stages: { ...DEFAULT_STAGE_RULES, ...f.stages },
    staff: { discordRoleIds: f.staff?.discordRoleIds ?? [], discourseGroups: f.staff?.discourseGroups ?? [] },
    discord: { token: e.DISCORD_TOKEN ?? null },
  };
}
