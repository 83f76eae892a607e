/**
 * The bot benchmark's Discord: the fake Discord server in a process of its own, as Discord is to
 * `flywheel serve`. In the bench process it shared a heap with the ingest's leftovers, and its own
 * garbage collection showed up in the reply times it measured (p99 184–213 ms there against
 * 148–166 ms alone, same serve, same database).
 *
 * Arguments: the Discord user ids who send the interactions. Over IPC it says `{ apiUrl }` once
 * listening and `{ identified: true }` once the bot is connected; on `{ burst: n }` it fires n
 * interactions at once (`/leaderboard` and `/rank` by turns, the users in turn) and answers
 * `{ replies }`, each the milliseconds from sending to the bot's response; on `{ stop: true }` it exits.
 */
import { FakeDiscord } from '../../tests/support/fake-discord.js';

type Request = { burst: number } | { stop: true };

const users = process.argv.slice(2);
const send = (message: unknown) => process.send!(message);
process.on('disconnect', () => process.exit(1));
const discord = await new FakeDiscord().start();
for (const id of users) discord.addUser(id, `member${id.slice(-4)}`);
send({ apiUrl: discord.apiUrl });
while (!discord.identified) await new Promise((resolve) => setTimeout(resolve, 50));
send({ identified: true });

process.on('message', async (request: Request) => {
  if ('stop' in request) {
    await discord.stop();
    process.exit(0);
  }
  const replies = await Promise.all(
    Array.from({ length: request.burst }, async (_, i) => {
      const started = performance.now();
      await discord.command(i % 2 ? 'rank' : 'leaderboard', users[i % users.length]!);
      return performance.now() - started;
    }),
  );
  send({ replies });
});
