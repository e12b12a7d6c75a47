import { describe, expect, it } from 'vitest';
import { localInstant, occurrenceDates } from './service.ts';

describe('localInstant', () => {
  it('keeps the local time on both sides of a change', () => {
    expect(localInstant('2027-10-26', '19:00', 'Europe/London').toUTC().toISO()).toBe('2027-10-26T18:00:00.000Z');
    expect(localInstant('2027-11-02', '19:00', 'Europe/London').toUTC().toISO()).toBe('2027-11-02T19:00:00.000Z');
  });

  it('moves a time skipped in spring forward by the gap', () => {
    // 01:30 does not exist in London on 28 March 2027: clocks go from 01:00 to 02:00.
    expect(localInstant('2027-03-28', '01:30', 'Europe/London').toISO()).toBe('2027-03-28T02:30:00.000+01:00');
  });

  it('takes the first of a time repeated in autumn', () => {
    // 01:30 happens twice in London on 31 October 2027: first in summer time.
    expect(localInstant('2027-10-31', '01:30', 'Europe/London').toUTC().toISO()).toBe('2027-10-31T00:30:00.000Z');
    // Lord Howe Island turns its clocks back by half an hour.
    expect(localInstant('2027-04-04', '01:45', 'Australia/Lord_Howe').toUTC().toISO()).toBe('2027-04-03T14:45:00.000Z');
  });

  it('refuses a date that does not exist', () => {
    expect(() => localInstant('2027-02-30', '10:00', 'UTC')).toThrow(/do not exist/);
  });
});

describe('occurrenceDates', () => {
  it('steps by the interval in local dates and stops at the last date', () => {
    const dates = [...occurrenceDates({ firstDate: '2027-12-22', intervalWeeks: 2, untilDate: '2028-02-02' })];
    expect(dates).toEqual(['2027-12-22', '2028-01-05', '2028-01-19', '2028-02-02']);
  });
});
