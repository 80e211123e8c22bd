/** One usage row as the API returns it (usageRollup). */
export interface CsvRow {
  day?: string | null;
  model?: string | null;
  provider?: string | null;
  apiKeyId?: string | null;
  endUser?: string | null;
  requests: number;
  attempts: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cost: string;
}

const METRICS = ['requests', 'attempts', 'promptTokens', 'completionTokens', 'cachedTokens'] as const;

/**
 * CSV (RFC 4180: quoted where needed) of the grouped columns, then the metrics. Money stays exact:
 * integer micro-USD, as the API sends it.
 */
export function toCsv(rows: CsvRow[], groupColumns: readonly ('day' | 'model' | 'provider' | 'apiKeyId' | 'endUser')[]): string {
  const quote = (value: unknown) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const header = [...groupColumns, ...METRICS, 'costMicroUsd'];
  const lines = rows.map((row) => [...groupColumns.map((column) => row[column]), ...METRICS.map((metric) => row[metric]), row.cost].map(quote).join(','));
  return [header.join(','), ...lines].join('\n') + '\n';
}
