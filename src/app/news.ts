/**
 * News: what changed that people outside the database should hear about — stage moves, badges
 * granted or taken back, champions appointed, private word to a member. Whichever instance did the
 * work publishes it (the elected ingester's batches, an admin's decision, the hourly housekeeping);
 * the adapter that announces (the bot, in the one instance holding the Discord gateway) subscribes.
 *
 * Published news is stored in the database and signalled to every instance, so it reaches the
 * subscriber wherever it runs: the subscriber claims each item before handing it to its listeners
 * (exactly one subscriber gets it), marks it done after they ran, and a claim whose lease runs out
 * (the subscriber died mid-way) is handed out again. News nobody took within a day is dropped.
 * On SQLite (one process) news travels the same way; an instance that both publishes and
 * subscribes has announced its own news when `publish` resolves.
 */
import { claimNews, finishNews, purgeNews, storeNews } from '../db/news-repo.js';
import type { Db } from '../db/knex.js';
import type { Logger } from '../logger.js';
import type { StageMove } from './award-pipeline.js';
import type { BadgeGrant } from './badge-awarding.js';
import type { Peers } from './peers.js';

export interface News {
  moves: readonly StageMove[];
  grants: readonly BadgeGrant[];
  /** Badge awards taken back (a champion's term ended): roles that came with them go too. */
  revoked?: ReadonlyArray<{ memberId: number; badgeId: string }>;
  /** New champions, to be told in person. */
  appointed?: ReadonlyArray<{ memberId: number; termEnd: number }>;
  /** Private word to a member (their submission was decided), sent to them alone. */
  told?: ReadonlyArray<{ memberId: number; text: string }>;
}

export type NewsListener = (news: News) => Promise<void>;

/** The safety net under signals (a missed NOTIFY, a broken link): the subscriber looks this often. */
const POLL_MS = 1_000;
/** How long a claim holds an item: announcing it (Discord's rate limits included) takes less. */
const LEASE_MS = 5 * 60_000;
/** News nobody announced within this long is no longer news (and is purged). */
const KEEP_MS = 24 * 60 * 60_000;
/** Announced news is kept this long (to look at), then purged. */
const KEEP_DONE_MS = 60 * 60_000;
const PURGE_EVERY_MS = 60_000;

export interface NewsDeps {
  db: Db;
  peers: Peers;
  now: () => number;
  /** This instance's name in claims. */
  claimant: string;
}

export class NewsBus {
  private readonly listeners: NewsListener[] = [];
  private log: Logger | undefined;
  private timer: NodeJS.Timeout | null = null;
  private unsignal: (() => void) | null = null;
  private draining: Promise<void> | null = null;
  private again = false;
  private lastPurge = 0;

  constructor(private readonly deps: NewsDeps) {}

  /** Where failures to store or announce news are reported. */
  start(log?: Logger): void {
    this.log ??= log;
  }

  /** Announce news from every instance (the bot does, where it holds the gateway). */
  subscribe(listener: NewsListener): () => void {
    this.listeners.push(listener);
    if (this.listeners.length === 1) this.follow();
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
      if (this.listeners.length === 0) this.unfollow();
    };
  }

  /** Publish news, after what it reports has committed; never throws (what was decided stands). */
  async publish(news: News): Promise<void> {
    const empty = news.moves.length + news.grants.length + (news.revoked?.length ?? 0) + (news.appointed?.length ?? 0) + (news.told?.length ?? 0) === 0;
    if (empty) return;
    try {
      await storeNews(this.deps.db, JSON.stringify(news), this.deps.now());
      await this.purge();
    } catch (err) {
      this.log?.error({ err }, 'could not publish news; it will not be announced');
      return;
    }
    if (this.listeners.length > 0) await this.kick();
  }

  /** Stop following (the process is closing): resolves once news being announced is done. */
  async stop(): Promise<void> {
    this.unfollow();
    await this.draining;
  }

  private follow(): void {
    this.unsignal = this.deps.peers.subscribe((signal) => signal === 'published' && void this.kick());
    void this.deps.peers.start(this.log);
    this.timer = setInterval(() => void this.kick(), POLL_MS);
    this.timer.unref();
    void this.kick(); // news published while nobody listened
  }

  private unfollow(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsignal?.();
    this.unsignal = null;
  }

  /** Announce what is waiting; resolves once a drain that looked after this call has ended. */
  private kick(): Promise<void> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    if (this.listeners.length === 0) return Promise.resolve();
    const run = async () => {
      try {
        do {
          this.again = false;
          while (this.listeners.length > 0 && (await this.announceOne()));
        } while (this.again && this.listeners.length > 0);
      } catch (err) {
        this.log?.warn({ err }, 'could not read published news; trying again shortly');
      } finally {
        // Cleared in the same step as the last look for `again`: a kick after it starts a new drain.
        this.draining = null;
      }
    };
    this.draining = run();
    return this.draining;
  }

  /** Claim the oldest waiting item and hand it to the listeners; false when none is waiting. */
  private async announceOne(): Promise<boolean> {
    const { db, now, claimant } = this.deps;
    await this.purge();
    const row = await claimNews(db, { now: now(), since: now() - KEEP_MS, claimant, leaseMs: LEASE_MS });
    if (!row) return false;
    const news = JSON.parse(row.payload) as News;
    // A listener that fails (Discord down) must not block the news after it.
    await Promise.all([...this.listeners].map((l) => l(news).catch(() => undefined)));
    if (!(await finishNews(db, row.id, claimant, now()))) this.log?.warn({ news: row.id }, 'news was announced after its claim ran out');
    return true;
  }

  private async purge(): Promise<void> {
    const { db, now } = this.deps;
    if (now() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now();
    await purgeNews(db, { doneBefore: now() - KEEP_DONE_MS, publishedBefore: now() - KEEP_MS });
  }
}
