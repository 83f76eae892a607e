import { afterEach, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from '../../support/discord.js';
import { FLAG_GUILD_MEMBERS } from '../../support/fake-discord.js';

let h: BotHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('connecting to Discord', () => {
  it('identifies with the intents it needs, and starts recording', async () => {
    h = await startBotHarness();
    expect(h.discord.identified?.intents).toBe((1 << 0) | (1 << 1) | (1 << 9) | (1 << 10) | (1 << 15));
    expect(h.bot.client.guilds.cache.size).toBe(1);
  });

  it('runs without Message Content when it is not granted, and says what that costs', async () => {
    h = await startBotHarness({ flags: FLAG_GUILD_MEMBERS });
    expect(h.discord.closedWith).toBeNull();
    expect(h.discord.identified?.intents & (1 << 15)).toBe(0);
    expect(h.logs.some((l) => l.level === 40 && /Message Content intent is not enabled/.test(l.msg))).toBe(true);
  });
});
