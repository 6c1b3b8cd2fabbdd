/**
 * Money rounded to 2 decimals, half away from zero. Binary doubles hold most cent values
 * inexactly (1.005 × 100 is 100.49999999999999), so a fraction within 1e-9 of a cent's half
 * counts as the half: that absorbs representation noise and never a real third decimal.
 * Plain arithmetic: this runs for every discounted item of every offer of a checkout.
 */
export function roundMoney(value: number): number {
  if (!Number.isFinite(value) || value === 0) return 0;
  const scaled = Math.abs(value) * 100;
  const whole = Math.floor(scaled);
  const cents = scaled - whole >= 0.5 - 1e-9 ? whole + 1 : whole;
  return (Math.sign(value) * cents) / 100;
}
