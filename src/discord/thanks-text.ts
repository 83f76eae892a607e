/**
 * Does a chat message say thank you? Pure text rules, per the configured languages: a thank word
 * counts outside code, block quotes and quoted speech, and not inside a negation ("no thanks",
 * "thanks for nothing").
 */
export interface ThanksVocabulary {
  words: RegExp;
  negations: RegExp | null;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A whole-phrase pattern: spaces match any run of spaces, edges are not inside a word. */
function phrases(list: readonly string[]): RegExp | null {
  const parts = [...new Set(list.map((p) => p.trim().toLowerCase()).filter(Boolean))]
    .sort((a, b) => b.length - a.length)
    .map((p) => p.split(/\s+/).map(escape).join('\\s+'));
  return parts.length === 0 ? null : new RegExp(`(?<![\\p{L}\\p{N}])(?:${parts.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
}

export function compileThanks(languages: Record<string, { words: string[]; negations: string[] }>): ThanksVocabulary {
  const all = Object.values(languages);
  return {
    words: phrases(all.flatMap((l) => l.words)) ?? /(?!)/gu,
    negations: phrases(all.flatMap((l) => l.negations)),
  };
}

/** The message's own words: code, quotes and quoted speech removed. */
export function ownWords(content: string): string {
  return content
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .replace(/`[^`\n]*`/g, ' ')
    .replace(/^>>> [\s\S]*$/m, ' ')
    .replace(/^>.*$/gm, ' ')
    .replace(/"[^"\n]*"|“[^”\n]*”|«[^»\n]*»|„[^“”\n]*[“”]/g, ' ')
    .replace(/[’‘]/g, "'")
    .toLowerCase();
}

export function saysThanks(content: string, vocabulary: ThanksVocabulary): boolean {
  let text = ownWords(content);
  if (vocabulary.negations) text = text.replace(vocabulary.negations, ' ');
  vocabulary.words.lastIndex = 0;
  return vocabulary.words.test(text);
}

/**
 * In a help thread, the asker's bare "thanks" credits whoever answered since the asker last
 * spoke — but only when exactly one other person did. `history` is newest first, before the thanks.
 */
export function implicitThanksTarget<T extends { authorId: string; isBot: boolean }>(history: readonly T[], askerId: string): T | null {
  const since = new Map<string, T>();
  for (const message of history) {
    if (message.authorId === askerId) break;
    if (!message.isBot && !since.has(message.authorId)) since.set(message.authorId, message);
  }
  return since.size === 1 ? [...since.values()][0]! : null;
}
