/**
 * Money rounded to 2 decimals, half away from zero. Binary doubles hold most cent values
 * inexactly (1.005 is 1.00499999…), so the scaled value is first cut to 12 significant
 * digits: that removes representation noise without touching any real third decimal.
 */
export function roundMoney(value: number): number {
  if (!Number.isFinite(value) || value === 0) return 0;
  const scaled = Number((Math.abs(value) * 100).toPrecision(12));
  const cents = Math.round(scaled); // on a non-negative value Math.round's half-up is away from zero
  return (Math.sign(value) * cents) / 100;
}

/** Sum of amounts that are already whole cents, without float drift (0.1 + 0.2). */
export function sumMoney(amounts: Iterable<number>): number {
  let cents = 0;
  for (const amount of amounts) cents += Math.round(amount * 100);
  return cents / 100;
}
