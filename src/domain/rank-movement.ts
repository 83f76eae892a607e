/** How a member's rank moved since the previous period: ▲2, ▼1, "new" (not on last period's board), or steady. */
export type Movement = { direction: 'up' | 'down'; by: number } | { direction: 'new' } | { direction: 'same' };

export function movement(rank: number, previousRank: number | null): Movement {
  if (previousRank === null) return { direction: 'new' };
  if (previousRank > rank) return { direction: 'up', by: previousRank - rank };
  if (previousRank < rank) return { direction: 'down', by: rank - previousRank };
  return { direction: 'same' };
}
