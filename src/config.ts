/**
 * One schema → one Config. The only module that reads process.env. Secrets come from the
 * environment; community rules (points, caps, cooldowns, stages, staff, time zone) from an optional
 * YAML file named by FLYWHEEL_CONFIG (or ./flywheel.yaml when present). Every default is DESIGN.md's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT } from './paths.js';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseCatalog } from './domain/badge-catalog.js';
import type { Badge } from './domain/badges.js';
import { DomainError } from './domain/errors.js';
import { DEFAULT_KIND_RULES, KINDS, ROLES, SPACES, type Kind, type KindRule } from './domain/kinds.js';
import { isValidTimeZone } from './domain/periods.js';
import type { Rules } from './domain/rules.js';
import { DEFAULT_STAGE_RULES, type StageRules } from './domain/stages.js';
import { DEFAULT_FAIR_PLAY, type FairPlayRules } from './domain/fair-play.js';

export type Database = { client: 'sqlite'; filename: string } | { client: 'postgres'; connectionString: string };

export interface Config {
  port: number;
  host: string;
  /** Which proxies' X-Forwarded-For to believe (proxy-addr syntax); everyone else is their socket address. */
  trustProxy: boolean | string[];
  /** Client addresses no rate limit applies to (a trusted monitor, a load test on loopback). */
  rateLimitAllow: string[];
  logLevel: string;
  logFormat: 'auto' | 'json' | 'pretty';
  database: Database;
  configFile: string | null;
  /** `email`: the issuer's contact address; Open Badges 2.0 requires it, so 2.0 is published only with it. */
  community: { name: string; timeZone: string; siteUrl: string; hiddenByDefault: boolean; email: string | null } & CommunityLook;
  rules: Rules;
  stages: StageRules;
  staff: { discordRoleIds: string[]; discourseGroups: string[] };
  discord: DiscordConfig;
  badges: Badge[];
  champions: { termMonths: number; memberSuggestions: boolean };
  discourse: DiscourseConfig;
  /** Members whose affinity reaches this are community-qualified leads. */
  insights: { leadAffinity: number };
  auth: AuthConfig;
  /** GET /metrics answers only a request bearing this token; without it, /metrics does not exist. */
  metrics: { token: string | null };
}

/** How the public site looks: the community's own name (above), logo, colour and links. */
export interface CommunityLook {
  /** One line under the name, and the description link previews show. */
  tagline: string | null;
  /** An image address (https://…, or a path on this site such as /static/logo.png); also the favicon. */
  logo: string | null;
  /** A #rrggbb colour for links, buttons and the highlighted row. */
  accentColor: string;
  /** The community's own places (website, Discord invite, forum), shown in the header and footer. */
  links: Array<{ label: string; url: string }>;
}

/**
 * Each adapter's slice of the one Config: what it may read, and nothing else (adapters get no
 * database either; they call use cases). Derived here so a key renamed in Config is renamed for all.
 */
/** The web site: listening behaviour and logs, the community's name, address and look, sign-in, the forum and Discord roles it checks, /metrics. */
export type WebConfig = Pick<Config, 'trustProxy' | 'rateLimitAllow' | 'logFormat' | 'community' | 'auth' | 'discourse' | 'champions' | 'metrics'> & {
  discord: Pick<DiscordConfig, 'token' | 'guildId' | 'managerRoleId' | 'apiUrl'>;
  /** Which database: on PostgreSQL several instances may serve, so rate limits are counted in it. */
  database: Pick<Database, 'client'>;
  /** The ladder's window a member page explains, and the thresholds the fair-play page states. */
  stages: Pick<StageRules, 'advocateMonthWindow'>;
  rules: { fairPlay: Pick<FairPlayRules, 'reviewFromPaid' | 'reviewFromPoints'> };
};
/** The Discord bot and the Discord import: the server, its roles and words, who is staff, the thank-you cooldown it explains, and the forum's address (avatars on rank cards). */
export type BotConfig = Pick<Config, 'community' | 'staff' | 'discord' | 'champions'> & { rules: Pick<Rules, 'pairCooldownMs'>; discourse: Pick<DiscourseConfig, 'url'> };
/** The Discourse adapter (webhook, import, badge write-back): the forum alone (grants carry no link back to the site). */
export type ForumConfig = Pick<Config, 'discourse'>;

export interface DiscourseConfig {
  /** Shared secret of the forum's webhook: without it the webhook route accepts nothing. */
  webhookSecret: string | null;
  /** The forum's address: links, the instance header it must send, write-back and import. */
  url: string | null;
  apiKey: string | null;
  apiUsername: string;
  /** Categories whose topics are questions; empty means every category. */
  qaCategories: number[];
  /** DiscourseConnect provider secret: members prove their forum account to link it. */
  connectSecret: string | null;
}

export interface AuthConfig {
  /** Signs session cookies; generated and kept in the database when not set. */
  sessionSecret: string | null;
  /** Lets an admin sign in without Discord. */
  adminPassword: string | null;
  /** Discord OAuth2 (sign-in): the application's client id and secret. */
  discordClientId: string | null;
  discordClientSecret: string | null;
  /** Where Discord's authorize page lives (tests point it at the fake). */
  discordOAuthUrl: string;
  /** Discord accounts that are admins, and accounts that are managers without holding the role. */
  adminDiscordIds: string[];
  managerDiscordIds: string[];
  /** Who signing in with the forum is an admin / a manager: `admin`, `moderator` (the forum's own roles) or `group:<name>`. */
  forumAdmins: string[];
  forumManagers: string[];
}

/** The default badge catalog ships beside the code; flywheel.yaml's `badges:` changes it. */
const DEFAULT_BADGES = join(PROJECT_ROOT, 'badges.yaml');

export interface DiscordConfig {
  token: string | null;
  guildId: string | null;
  applicationId: string | null;
  /** REST base without the version, e.g. https://discord.com/api (tests point it at a fake). */
  apiUrl: string;
  /** Help forums; empty means every forum channel. */
  helpForumIds: string[];
  announceChannelId: string | null;
  managerRoleId: string | null;
  acceptEmoji: string;
  /** Forum tag applied when an answer is marked (by name or id); null turns it off. */
  solvedTag: string | null;
  /** Thank words and the negations that cancel them, per language. */
  thanks: Record<string, { words: string[]; negations: string[] }>;
  /** Discord role per stage, kept in step with members' stages. */
  stageRoles: Partial<Record<'observer' | 'participant' | 'contributor' | 'advocate', string>>;
  /** Discord role held by members with the champion badge. */
  championRoleId: string | null;
}

/** English defaults; other languages come from the config file. */
export const DEFAULT_THANKS: DiscordConfig['thanks'] = {
  en: {
    words: ['thanks', 'thank you', 'thx', 'ty', 'thank u', 'tysm', 'thanks a lot', 'many thanks'],
    negations: ['no thanks', 'no thank you', 'thanks for nothing', 'no thx', 'thanks but no'],
  },
};

const snowflake = z.string().regex(/^\d{15,21}$/, 'expected a Discord id (15–21 digits)');
// What makes someone who signs in with the forum a manager or admin: DiscourseConnect's own fields, or a group it lists.
const forumGrant = z.string().regex(/^(admin|moderator|group:[^\s,]{1,60})$/, 'expected admin, moderator or group:<forum group name>');
const snowflakeList = z
  .string()
  .transform((v) => v.split(',').map((id) => id.trim()).filter(Boolean))
  .pipe(z.array(snowflake));

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
      email: z.email({ message: 'expected a contact email address' }).optional(),
      tagline: z.string().min(1).max(200).optional(),
      logo: z.union([z.url({ protocol: /^https?$/, message: 'expected an http(s) address or a path on this site' }), z.string().regex(/^\/[^\s"'<>]{1,300}$/, 'expected an http(s) address or a path on this site such as /static/logo.png')]).optional(),
      accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected a colour such as "#2456c7"').optional(),
      links: z.array(z.strictObject({ label: z.string().min(1).max(40), url: z.url({ protocol: /^https?$/, message: 'expected an http(s) address' }) })).max(8).optional(),
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
  fairPlay: z
    .strictObject({
      // "5 per week"; false turns a limit off.
      endorsementsPerPair: z.union([z.literal(false), z.strictObject({ count: z.number().int().positive(), per: z.enum(['day', 'week', 'month']) })]).optional(),
      acceptedPerPair: z.union([z.literal(false), z.strictObject({ count: z.number().int().positive(), per: z.enum(['day', 'week', 'month']) })]).optional(),
      answersNeedEndorsement: z.boolean().optional(),
      reviewFromPoints: z.number().int().min(0).optional(),
      reviewFromPaid: z.number().int().min(0).optional(),
      concentratedShare: z.number().min(0).max(1).optional(),
      newAccountShare: z.number().min(0).max(1).optional(),
      newAccountDays: z.number().int().min(0).optional(),
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
  badges: z.array(z.unknown()).optional(),
  champions: z
    .strictObject({
      termMonths: z.number().int().min(1).max(60).optional(),
      memberSuggestions: z.boolean().optional(),
    })
    .optional(),
  insights: z.strictObject({ leadAffinity: z.number().min(0).optional() }).optional(),
  access: z
    .strictObject({
      adminDiscordIds: z.array(snowflake).optional(),
      managerDiscordIds: z.array(snowflake).optional(),
      forumAdmins: z.array(forumGrant).optional(),
      forumManagers: z.array(forumGrant).optional(),
    })
    .optional(),
  discord: z
    .strictObject({
      thanks: z
        .record(
          z.string().regex(/^[a-z]{2,3}(-[A-Za-z]{2})?$/, 'expected a language code such as "en" or "de"'),
          z.strictObject({ words: z.array(z.string().trim().min(1)).min(1), negations: z.array(z.string().trim().min(1)).default([]) }),
        )
        .optional(),
      stageRoles: z.partialRecord(z.enum(['observer', 'participant', 'contributor', 'advocate']), snowflake).optional(),
      championRoleId: snowflake.optional(),
      solvedTag: z.union([z.string().min(1).max(20), z.literal(false)]).optional(),
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
  TRUST_PROXY: z
    .string()
    .transform((v) => (v === 'true' ? true : v === 'false' ? false : v.split(',').map((a) => a.trim()).filter(Boolean)))
    .pipe(z.union([z.boolean(), z.array(z.string().refine(isProxyAddress, 'expected true, false, loopback, linklocal, uniquelocal or IP addresses/CIDR ranges'))]))
    // Only a proxy on this machine by default: a private address is anyone else behind the same NAT.
    .default(['loopback']),
  RATE_LIMIT_ALLOW: z
    .string()
    .transform((v) => v.split(',').map((a) => a.trim()).filter(Boolean))
    .pipe(z.array(z.string().refine((a) => isIP(a) !== 0, 'expected IP addresses, comma-separated')))
    .default([]),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Readable lines in a terminal, JSON otherwise (auto); or always one of them.
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres:\/\/|postgresql:\/\/)/, 'expected sqlite:<path> or postgres://…')
    .default('sqlite:./data/flywheel.sqlite'),
  FLYWHEEL_CONFIG: z.string().min(1).optional(),
  PUBLIC_URL: z.url().optional(),
  DISCORD_TOKEN: z.string().min(1).optional(),
  DISCORD_GUILD_ID: snowflake.optional(),
  DISCORD_APPLICATION_ID: snowflake.optional(),
  DISCORD_API_URL: z.url().default('https://discord.com/api'),
  DISCORD_HELP_FORUM_IDS: snowflakeList.optional(),
  DISCORD_ANNOUNCE_CHANNEL_ID: snowflake.optional(),
  DISCORD_MANAGER_ROLE_ID: snowflake.optional(),
  DISCORD_ACCEPT_EMOJI: z.string().min(1).max(64).default('✅'),
  DISCORD_CLIENT_SECRET: z.string().min(8).optional(),
  DISCORD_OAUTH_URL: z.url().default('https://discord.com'),
  DISCOURSE_WEBHOOK_SECRET: z.string().min(8, 'expected at least 8 characters').optional(),
  DISCOURSE_URL: z.url().optional(),
  DISCOURSE_API_KEY: z.string().min(1).optional(),
  DISCOURSE_API_USERNAME: z.string().min(1).default('system'),
  DISCOURSE_CONNECT_SECRET: z.string().min(10, 'expected at least 10 characters').optional(),
  DISCOURSE_QA_CATEGORIES: z
    .string()
    .transform((v) => v.split(',').map((id) => id.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^\d+$/, 'expected category ids (digits)').transform(Number)))
    .optional(),
  SESSION_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
  ADMIN_PASSWORD: z.string().min(12, 'expected at least 12 characters').optional(),
  METRICS_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
});

/** proxy-addr's names, an address, or an address/prefix range. */
function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

export type Env = Record<string, string | undefined>;

function describe(issues: z.core.$ZodIssue[], source: string, keyOf: (path: PropertyKey[]) => string): string {
  return [...new Set(issues.map((issue) => `  - ${keyOf(issue.path)} (${source}): ${issue.message}`))].join('\n');
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
  const badges = parseCatalog(parseYaml(readFileSync(DEFAULT_BADGES, 'utf8')), f.badges, kinds);
  // PostgreSQL with the forum connected is a real deployment, often of several instances: the links
  // members follow to the site (sign-in callbacks, badge pages, Open Badges documents they keep)
  // must name the address they use, not each instance's default localhost.
  if (e.DATABASE_URL.startsWith('postgres') && e.DISCOURSE_URL && e.DISCOURSE_API_KEY && !f.community?.siteUrl && !e.PUBLIC_URL)
    throw invalid('  - PUBLIC_URL (environment) or community.siteUrl (file): required on PostgreSQL when the forum is connected (DISCOURSE_URL and DISCOURSE_API_KEY), so links to the site (sign-in callbacks, badge pages, Open Badges) name the address members use, not each instance\'s localhost');
  return {
    port: e.PORT,
    host: e.HOST,
    trustProxy: e.TRUST_PROXY,
    rateLimitAllow: e.RATE_LIMIT_ALLOW,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    database: parseDatabase(e.DATABASE_URL),
    configFile,
    community: {
      name: f.community?.name ?? 'Flywheel',
      timeZone,
      siteUrl: f.community?.siteUrl ?? e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
      hiddenByDefault: f.community?.hiddenByDefault ?? false,
      email: f.community?.email ?? null,
      tagline: f.community?.tagline ?? null,
      logo: f.community?.logo ?? null,
      accentColor: f.community?.accentColor ?? '#2456c7',
      links: f.community?.links ?? [],
    },
    rules: {
      kinds,
      dailyCap: f.caps?.daily ?? 200,
      messageCooldownMs: (f.cooldowns?.messageSeconds ?? 60) * 1000,
      pairCooldownMs: (f.cooldowns?.pairThanksMinutes ?? 30) * 60_000,
      timeZone,
      fairPlay: fairPlayOf(f.fairPlay),
    },
    stages: { ...DEFAULT_STAGE_RULES, ...f.stages },
    staff: { discordRoleIds: f.staff?.discordRoleIds ?? [], discourseGroups: f.staff?.discourseGroups ?? [] },
    discord: {
      token: e.DISCORD_TOKEN ?? null,
      guildId: e.DISCORD_GUILD_ID ?? null,
      applicationId: e.DISCORD_APPLICATION_ID ?? null,
      apiUrl: e.DISCORD_API_URL.replace(/\/+$/, ''),
      helpForumIds: e.DISCORD_HELP_FORUM_IDS ?? [],
      announceChannelId: e.DISCORD_ANNOUNCE_CHANNEL_ID ?? null,
      managerRoleId: e.DISCORD_MANAGER_ROLE_ID ?? null,
      acceptEmoji: e.DISCORD_ACCEPT_EMOJI,
      solvedTag: f.discord?.solvedTag === false ? null : (f.discord?.solvedTag ?? 'Solved'),
      thanks: { ...DEFAULT_THANKS, ...f.discord?.thanks },
      stageRoles: f.discord?.stageRoles ?? {},
      championRoleId: f.discord?.championRoleId ?? null,
    },
    badges,
    champions: { termMonths: f.champions?.termMonths ?? 12, memberSuggestions: f.champions?.memberSuggestions ?? false },
    insights: { leadAffinity: f.insights?.leadAffinity ?? 50 },
    discourse: {
      webhookSecret: e.DISCOURSE_WEBHOOK_SECRET ?? null,
      url: e.DISCOURSE_URL?.replace(/\/+$/, '') ?? null,
      apiKey: e.DISCOURSE_API_KEY ?? null,
      apiUsername: e.DISCOURSE_API_USERNAME,
      qaCategories: e.DISCOURSE_QA_CATEGORIES ?? [],
      connectSecret: e.DISCOURSE_CONNECT_SECRET ?? null,
    },
    metrics: { token: e.METRICS_TOKEN ?? null },
    auth: {
      sessionSecret: e.SESSION_SECRET ?? null,
      adminPassword: e.ADMIN_PASSWORD ?? null,
      discordClientId: e.DISCORD_APPLICATION_ID ?? null,
      discordClientSecret: e.DISCORD_CLIENT_SECRET ?? null,
      discordOAuthUrl: e.DISCORD_OAUTH_URL.replace(/\/+$/, ''),
      adminDiscordIds: f.access?.adminDiscordIds ?? [],
      managerDiscordIds: f.access?.managerDiscordIds ?? [],
      forumAdmins: f.access?.forumAdmins ?? [],
      forumManagers: f.access?.forumManagers ?? [],
    },
  };
}

/** The file's `fairPlay` over the defaults; `false` turns a pair limit off. */
function fairPlayOf(f: z.infer<typeof fileSchema>['fairPlay']): FairPlayRules {
  const { endorsementsPerPair, acceptedPerPair, ...rest } = f ?? {};
  const limit = (v: typeof endorsementsPerPair, fallback: FairPlayRules['endorsementsPerPair']) => (v === false ? null : (v ?? fallback));
  return {
    ...DEFAULT_FAIR_PLAY,
    ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
    endorsementsPerPair: limit(endorsementsPerPair, DEFAULT_FAIR_PLAY.endorsementsPerPair),
    acceptedPerPair: limit(acceptedPerPair, DEFAULT_FAIR_PLAY.acceptedPerPair),
  };
}
