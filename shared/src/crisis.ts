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

const NEGATIONS = new Set([
  'not', 'never', 'no', 'dont', 'don’t', 'didnt', 'didn’t', 'wont', 'won’t', 'wouldnt', 'wouldn’t',
  'wouldn', 'cant', 'can’t', 'cannot', 'nor', 'isnt', 'isn’t', 'aint', 'no longer', 'nobody',
]);

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
        // The three words just before the phrase, within its sentence.
        const before = text.slice(0, start).split(/[.!?;\n]/).at(-1)!.trim().split(/\s+/).slice(-3);
        const joined = before.join(' ');
        if (before.some((word) => NEGATIONS.has(word.replace(/[^\p{L}’]/gu, ''))) || joined.endsWith('no longer')) {
          continue;
        }
        found.push(phrase);
        break;
      }
    }
    return found;
  };
}

export const detectCrisis: CrisisMatcher = /* @__PURE__ */ crisisMatcher(defaultCrisisPhrases);
