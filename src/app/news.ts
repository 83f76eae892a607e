/**
 * News: what changed that people outside the database should hear about — stage moves, badges
 * granted or taken back, champions appointed. Use cases that are not ingestion (the admin's
 * decisions, the periodic housekeeping) publish it; adapters that announce (the bot) subscribe.
 */
import type { StageMove } from './award-pipeline.js';
import type { BadgeGrant } from './badge-awarding.js';

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

export class NewsBus {
  private readonly listeners: NewsListener[] = [];

  subscribe(listener: NewsListener): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  async publish(news: News): Promise<void> {
    const empty = news.moves.length + news.grants.length + (news.revoked?.length ?? 0) + (news.appointed?.length ?? 0) + (news.told?.length ?? 0) === 0;
    if (empty) return;
    // A listener that fails (Discord down) must not undo or block what was decided.
    await Promise.all(this.listeners.map((l) => l(news).catch(() => undefined)));
  }
}
