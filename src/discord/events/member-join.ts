/** A member joins the server (needs the GuildMembers intent). */
import { Events } from 'discord.js';
import { joinActivity } from '../activities.js';
import { defineEvent } from '../context.js';
import { personOf } from '../people.js';

export default defineEvent({
  name: Events.GuildMemberAdd,
  async activities(ctx, member) {
    if (member.guild.id !== ctx.discord.guildId || member.user.bot) return [];
    return [joinActivity(personOf(member.user, member, ctx.config.staff.discordRoleIds), member.joinedTimestamp ?? ctx.fw.now())];
  },
});
