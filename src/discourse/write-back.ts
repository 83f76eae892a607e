/** Delivering the outbox to the forum, on a timer in `serve` (and once from the CLI). */
import type { Flywheel } from '../app/flywheel.js';
import type { ForumConfig } from '../config.js';
import { discourseSender } from '../app/outbox.js';
import type { Logger } from '../logger.js';
import { apiReady, discourseFetch } from './api.js';

const EVERY_MS = 15_000;

export const forumSender = (config: ForumConfig) => discourseSender((path, body) => discourseFetch(config.discourse, path, { method: 'POST', body }));

/**
 * Start delivering in the background; returns a stop function that resolves once the grant being
 * sent is finished (closing the database under it would leave a grant the forum accepted claimed,
 * to be sent again when its lease ran out). Nothing starts without DISCOURSE_URL and DISCOURSE_API_KEY.
 */
export function startWriteBack(fw: Flywheel, config: ForumConfig, logger: Logger): () => Promise<void> {
  if (!apiReady(config.discourse)) return async () => {};
  const log = logger.child({ adapter: 'discourse' });
  const send = forumSender(config);
  let stopped = false;
  let running: Promise<void> | null = null;
  const tick = () => (running ??= deliver().finally(() => (running = null)));
  const deliver = async () => {
    try {
      const n = await fw.badges.deliverOutbox(send, () => stopped);
      if (n) log.info({ delivered: n }, 'badges granted on the forum');
    } catch (err) {
      log.error({ err }, 'outbox delivery failed; will retry');
    }
  };
  const timer = setInterval(() => void tick(), EVERY_MS);
  timer.unref();
  void tick();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
