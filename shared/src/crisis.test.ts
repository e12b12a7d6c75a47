import { describe, expect, it } from 'vitest';
import { crisisMatcher, detectCrisis } from './crisis.ts';

describe('crisis-language detection', () => {
  it.each([
    'I want to die.',
    'Some nights I think about how to END MY LIFE',
    'honestly i can\'t go on like this',
    'I don’t know if I want to die or just sleep for a year',
    'I have been cutting myself again',
    'I’m not safe right now',
    'I’m not ok, I want to die',
    'I can’t sleep, I want to die',
    'Nobody cares and I want to die',
    'It is not that I am sad but I want to die',
  ])('notices %j', (text) => {
    expect(detectCrisis(text).length).toBeGreaterThan(0);
  });

  it.each([
    ['a negation', 'I would never hurt myself, I promise.'],
    ['a negation with an apostrophe', 'I don\'t want to die, I want it to stop.'],
    ['"no longer"', 'I no longer want to die, and that is new.'],
    ['someone else’s words in quotes', 'He used to shout "I will kill myself if you leave".'],
    ['curly quotes', 'She said “you are better off dead” and I believed her.'],
    ['a phrase inside a longer word', 'The overdoses report was on the news.'],
    ['nothing of the kind', 'It was a hard week, but I am here and I am listening.'],
  ])('does not flag %s', (_what, text) => {
    expect(detectCrisis(text)).toEqual([]);
  });

  it('flags the writer’s own words even when a quote is nearby', () => {
    expect(detectCrisis('He said "calm down". I want to die.')).toEqual(['want to die']);
  });

  it('uses a deployment’s own list', () => {
    const matcher = crisisMatcher(['Going to the bridge', '  ']);
    expect(matcher('tonight I am going to the bridge')).toEqual(['going to the bridge']);
    expect(matcher('I want to die')).toEqual([]);
  });
});
