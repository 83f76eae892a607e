/** Every command the bot offers, in one explicit list: what `deploy-commands` registers and what the bot answers. */
import type { BotCommand } from '../command.js';
import award from './award.js';
import badge from './badge.js';
import leaderboard from './leaderboard.js';
import link from './link.js';
import markAnswer from './mark-answer.js';
import nominate from './nominate.js';
import nominateUser from './nominate-user.js';
import privacy from './privacy.js';
import profile from './profile.js';
import rank from './rank.js';
import submit from './submit.js';
import thankAuthor from './thank-author.js';
import thanks from './thanks.js';

export const COMMANDS: readonly BotCommand[] = [rank, leaderboard, thanks, privacy, profile, link, markAnswer, thankAuthor, award, nominate, nominateUser, badge, submit];
