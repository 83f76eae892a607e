import { describe, expect, it } from 'vitest';
import { localDay, nextDay, periodStartsOf, periodWindow, startOfDayInstant } from '../../src/domain/periods.js';

describe('calendar periods', () => {
  it('takes the day in the community time zone', () => {
    const t = Date.parse('2026-03-01T02:30:00Z');
    expect(localDay(t, 'UTC')).toBe('2026-03-01');
    expect(localDay(t, 'America/Los_Angeles')).toBe('2026-02-28');
    expect(localDay(t, 'Asia/Kathmandu')).toBe('2026-03-01');
  });

  it('starts weeks on Monday, quarters on their first month', () => {
    expect(periodStartsOf('2026-11-22')).toEqual({ all: 'all', year: '2026-01-01', quarter: '2026-10-01', month: '2026-11-01', week: '2026-11-16', day: '2026-11-22' });
    expect(periodStartsOf('2027-01-01').week).toBe('2026-12-28');
  });

  it('gives a window with its neighbours for browsing into the past', () => {
    expect(periodWindow('month', '2026-02-14')).toMatchObject({ from: '2026-02-01', to: '2026-02-28', previous: '2026-01-01', next: '2026-03-01' });
    expect(periodWindow('quarter', '2026-01-05')).toMatchObject({ from: '2026-01-01', to: '2026-03-31', previous: '2025-10-01' });
    expect(periodWindow('all', '2026-01-05')).toMatchObject({ from: null, to: null, start: 'all' });
  });

  it('steps to the next calendar day across month, leap-day and year ends', () => {
    expect(['2026-01-31', '2028-02-28', '2028-02-29', '2026-02-28', '2026-12-31'].map(nextDay)).toEqual(['2026-02-01', '2028-02-29', '2028-03-01', '2026-03-01', '2027-01-01']);
  });

  it('finds local midnight across daylight saving changes', () => {
    expect(new Date(startOfDayInstant('2026-03-29', 'Europe/Berlin')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(startOfDayInstant('2026-03-30', 'Europe/Berlin')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });
});
