import { describe, expect, it } from 'vitest';
import { DEFAULT_THANKS } from '../../src/config.js';
import { compileThanks, implicitThanksTarget, saysThanks } from '../../src/discord/thanks-text.js';

const en = compileThanks(DEFAULT_THANKS);
const withGerman = compileThanks({ ...DEFAULT_THANKS, de: { words: ['danke', 'vielen dank'], negations: ['nein danke'] } });

describe('saysThanks', () => {
  it.each([
    'thanks!',
    'Thank you so much',
    'thx, that fixed it',
    'ty',
    'THANKS A LOT',
    'ok that works, thanks',
    'Thank   you',
  ])('hears thanks in %j', (text) => expect(saysThanks(text, en)).toBe(true));

  it.each([
    'no thanks',
    'No thank you, I will figure it out',
    'thanks for nothing',
    'I said "thanks" to him',
    '> thanks for the help\nwhat does this quote mean?',
    '>>> thanks\nall of this is quoted',
    'run `git commit -m "thanks"` now',
    '```\nconsole.log("thanks")\n```',
    'thanksgiving dinner',
    'typescript is nice',
    'nothing to see here',
  ])('does not hear thanks in %j', (text) => expect(saysThanks(text, en)).toBe(false));

  it('hears thanks outside a quote that also contains it', () => {
    expect(saysThanks('> thanks for nothing\nthanks, this one worked', en)).toBe(true);
  });

  it('learns other languages from the configuration', () => {
    expect(saysThanks('Danke!', en)).toBe(false);
    expect(saysThanks('Danke!', withGerman)).toBe(true);
    expect(saysThanks('vielen Dank für die Hilfe', withGerman)).toBe(true);
    expect(saysThanks('nein danke', withGerman)).toBe(false);
  });
});

describe('implicitThanksTarget', () => {
  const m = (authorId: string, isBot = false) => ({ authorId, isBot });

  it('credits the only other person who replied since the asker spoke', () => {
    expect(implicitThanksTarget([m('a'), m('a'), m('asker'), m('b')], 'asker')).toEqual(m('a'));
  });

  it('credits nobody when two people replied since the asker spoke', () => {
    expect(implicitThanksTarget([m('a'), m('b'), m('asker')], 'asker')).toBeNull();
  });

  it('ignores bots and credits nobody when nobody replied', () => {
    expect(implicitThanksTarget([m('bot', true), m('asker'), m('a')], 'asker')).toBeNull();
    expect(implicitThanksTarget([m('bot', true), m('a'), m('asker')], 'asker')).toEqual(m('a'));
  });
});
