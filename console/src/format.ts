/** Money arrives as integer micro-USD strings (the MicroUSD scalar); display only, never arithmetic on floats for storage. */
export function usd(micro: string | number | bigint | null | undefined, digits = 4): string {
  if (micro === null || micro === undefined) return '—';
  const value = Number(micro) / 1_000_000;
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: digits })}`;
}

/** Dollars typed by a person -> integer micro-USD string for the API. */
export function toMicroUsd(dollars: string): string {
  const trimmed = dollars.trim();
  if (!/^\d+(\.\d{0,6})?$/.test(trimmed)) throw new Error('Enter an amount in dollars, e.g. 12.50');
  const [whole, fraction = ''] = trimmed.split('.');
  return (BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'))).toString();
}

export function count(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toLocaleString('en-US');
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' }) + ' UTC';
}

export function startOfUtcDay(date = new Date()): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

export function startOfUtcMonth(date = new Date()): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

/** Nearest-rank percentile of already numeric samples. */
export function percentile(samples: number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
