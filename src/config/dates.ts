// Calendar dates as suppressions write them (YYYY-MM-DD) and today's, in UTC so that a suppression
// expires on the same day on every machine of a team.

/** True for a real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Today's date in UTC, YYYY-MM-DD. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** A suppression valid `until` a day stops suppressing the day after. */
export function isExpired(until: string, today: string): boolean {
  return today > until;
}
