/** Delivering the outbox to the forum, on a timer in `serve` (and once from the CLI). */
import type { Flywheel } from '../app/flywheel.js';
import type { ForumConfig } from '../config.js';
import { discourseSender } from '../app/outbox.js';
import type { Logger } from '../logger.js';
import { apiReady, discourseFetch } from './api.js';

const EVERY_MS = 15_000;

export const forumSender = (config: ForumConfig) => discourseSender((path, body) => discourseFetch(config.discourse, path, { method: 'POST', body }));

/** Start delivering in the background; returns a stop function. Nothing starts without DISCOURSE_URL and DISCOURSE_API_KEY. */
export function startWriteBack(fw: Flywheel, config: ForumConfig, logger: Logger): () => void {
  if (!apiReady(config.discourse)) return () => {};
  const log = logger.child({ adapter: 'discourse' });
  const send = forumSender(config);
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const n = await fw.badges.deliverOutbox(send);
      if (n) log.info({ delivered: n }, 'badges granted on the forum');
    } catch (err) {
      log.error({ err }, 'outbox delivery failed; will retry');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), EVERY_MS);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
