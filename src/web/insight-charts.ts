/** The insight page's charts, from the numbers (each chart's table is rendered beside it). */
import type { Insights } from '../app/insights.js';
import { SPACES } from '../domain/kinds.js';
import { barChart, lineChart, percent } from './charts.js';

export function insightCharts(data: Insights): Record<string, string> {
  const months = data.producers.map((p) => p.month);
  const spaceMonths = [...new Set(data.spaces.map((s) => s.month))];
  return {
    funnel: barChart('Members per stage', data.funnel.map((f) => f.stage), data.funnel.map((f) => f.members)),
    producers: lineChart(
      'Share of answers from members rather than staff',
      months,
      [
        { label: 'answers', values: data.producers.map((p) => p.answerShare) },
        { label: 'accepted answers', values: data.producers.map((p) => p.acceptedShare) },
      ],
      { max: 1, format: (n) => percent(n) },
    ),
    cohorts: lineChart(
      'Produced for someone else, by join month',
      data.cohorts.map((c) => c.month),
      [
        { label: 'within 30 days', values: data.cohorts.map((c) => c.within30) },
        { label: 'within 90 days', values: data.cohorts.map((c) => c.within90) },
      ],
      { max: 1, format: (n) => percent(n) },
    ),
    contributors: lineChart(
      'New and lapsed contributors',
      data.contributors.map((c) => c.month),
      [
        { label: 'new', values: data.contributors.map((c) => c.newContributors) },
        { label: 'lapsed', values: data.contributors.map((c) => c.lapsed) },
      ],
    ),
    spaces: lineChart(
      'Points by space',
      spaceMonths,
      SPACES.filter((space) => data.spaces.some((s) => s.space === space)).map((space) => ({
        label: space,
        values: spaceMonths.map((m) => data.spaces.find((s) => s.month === m && s.space === space)?.points ?? 0),
      })),
    ),
  };
}
