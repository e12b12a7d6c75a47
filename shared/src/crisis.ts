/**
 * Crisis-language detection. A match never blocks a message: it quietly alerts the room's
 * facilitators and offers the writer the group's support resources. Deployments may replace
 * the list (CRISIS_PHRASES_FILE); this is the curated default.
 *
 * A phrase matches as whole words, ignoring case and apostrophe style. It does not count when
 * it is quoted (someone else's words) or directly negated ("I would never hurt myself").
 */
export const defaultCrisisPhrases: readonly string[] = [
  'kill myself',
  'killing myself',
  'end my life',
  'ending my life',
  'end it all',
  'take my own life',
  'want to die',
  'wanna die',
  'wish i was dead',
  'wish i were dead',
  'better off dead',
  'better off without me',
  'suicidal',
  'suicide plan',
  'no reason to live',
  'nothing to live for',
  'can’t go on',
  'cannot go on',
  'can’t do this anymore',
  'hurt myself',
  'hurting myself',
  'harm myself',
  'cut myself',
  'cutting myself',
  'overdose',
  'overdosed',
  'not safe right now',
  'i am not safe',
  'i’m not safe',
  'he is here now',
  'he’s outside',
];

/** Words that negate a phrase when they come right before it ("I would never hurt myself"). */
const NEGATIONS = new Set([
  'not', 'never', 'dont', 'don’t', 'didnt', 'didn’t', 'wont', 'won’t', 'wouldnt', 'wouldn’t',
  'doesnt', 'doesn’t', 'cant', 'can’t', 'cannot',
]);

/** A clause ends here: a negation before it says nothing about what follows. */
const CLAUSE_BREAK = /[.!?;:,\n]|\s(?:but|and|so|because|though|although|yet)\s/;

/** Lower case, one apostrophe, quotes marked, words split. */
function normalise(text: string): string {
  return text.toLowerCase().replace(/[‘’`´]/g, '’').replace(/'/g, '’');
}

/** Spans of the text inside quotation marks: what someone else said. */
function quotedSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const pattern = /"[^"]*"|“[^”]*”|«[^»]*»|„[^“”]*[“”]/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    spans.push([match.index, match.index + match[0].length]);
  }
  return spans;
}

function escape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export type CrisisMatcher = (text: string) => string[];

/** Builds a matcher for a phrase list: it returns the phrases a text really uses. */
export function crisisMatcher(phrases: readonly string[]): CrisisMatcher {
  const compiled = phrases
    .map((phrase) => normalise(phrase.trim()))
    .filter((phrase) => phrase.length > 0)
    .map((phrase) => ({
      phrase,
      pattern: new RegExp(`(^|[^\\p{L}\\p{N}’])${phrase.split(/\s+/).map(escape).join('\\s+')}(?![\\p{L}\\p{N}])`, 'giu'),
    }));
  return (input: string) => {
    const text = normalise(input);
    const quoted = quotedSpans(text);
    const found: string[] = [];
    for (const { phrase, pattern } of compiled) {
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
        const start = match.index + match[1]!.length;
        if (quoted.some(([from, to]) => start > from && start < to)) continue;
        // Only a negation right before the phrase, in the same clause, counts: a missed alert
        // costs far more than a spare one.
        const clause = text.slice(0, start).split(CLAUSE_BREAK).at(-1)!.trim();
        const before = clause.split(/\s+/).slice(-2).map((word) => word.replace(/[^\p{L}’]/gu, ''));
        if (before.some((word) => NEGATIONS.has(word)) || clause.endsWith('no longer')) continue;
        found.push(phrase);
        break;
      }
    }
    return found;
  };
}

export const detectCrisis: CrisisMatcher = /* @__PURE__ */ crisisMatcher(defaultCrisisPhrases);
