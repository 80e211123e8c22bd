import { readFileSync } from 'node:fs';
import path from 'node:path';

/** A V8 .cpuprofile as `node --cpu-prof` writes it. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Share of non-idle time by function (self time), top first. */
  topFunctions: { name: string; where: string; selfPct: number }[];
  /** Share of non-idle time by area: our code by folder, dependencies by package, V8/native buckets. */
  byArea: { area: string; selfPct: number }[];
  idlePct: number;
}

/** Self time per function and per area, from the samples of a CPU profile. */
export function summariseProfile(file: string, root: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  // Each sample counts as one sampling interval (the median gap between samples), not as its own
  // gap: on a loaded machine the process is descheduled between samples, and a gap of tens of ms
  // would all be charged to whatever ran last (a native call, typically), which it did not use.
  const deltas = [...profile.timeDeltas].sort((a, b) => a - b);
  const interval = deltas[deltas.length >> 1] ?? 0;
  const selfMicros = new Map<number, number>();
  for (const sample of profile.samples) selfMicros.set(sample, (selfMicros.get(sample) ?? 0) + interval);
  const byFunction = new Map<string, { name: string; where: string; micros: number }>();
  const byArea = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, micros] of selfMicros) {
    const { callFrame } = byId.get(id)!;
    total += micros;
    if (callFrame.functionName === '(idle)') {
      idle += micros;
      continue;
    }
    const where = callFrame.url ? `${shortUrl(callFrame.url, root)}:${callFrame.lineNumber + 1}` : '';
    const name = callFrame.functionName || '(anonymous)';
    const key = `${name} ${where}`;
    const entry = byFunction.get(key) ?? { name, where, micros: 0 };
    entry.micros += micros;
    byFunction.set(key, entry);
    const area = areaOf(callFrame.url, callFrame.functionName, root);
    byArea.set(area, (byArea.get(area) ?? 0) + micros);
  }
  const busy = total - idle || 1;
  return {
    totalMs: total / 1000,
    idlePct: (100 * idle) / (total || 1),
    topFunctions: [...byFunction.values()]
      .sort((a, b) => b.micros - a.micros)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfPct: (100 * f.micros) / busy })),
    byArea: [...byArea.entries()].sort((a, b) => b[1] - a[1]).map(([area, micros]) => ({ area, selfPct: (100 * micros) / busy })),
  };
}

function shortUrl(url: string, root: string): string {
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) return file.slice(nm + '/node_modules/'.length);
  // The gateway runs from dist/ (built JavaScript): name its files as the sources are named.
  return file.startsWith(root) ? path.relative(root, file).replace(/^dist\//, '') : file;
}

function areaOf(url: string, functionName: string, root: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native/V8 builtins)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const short = shortUrl(url, root);
  if (url.includes('/node_modules/')) {
    const parts = short.split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const parts = short.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0];
}

export function formatProfile(summary: ProfileSummary): string {
  const lines = [`profile: ${summary.totalMs.toFixed(0)} ms sampled, ${summary.idlePct.toFixed(1)} % idle; shares below are of busy time`];
  lines.push('  by area:');
  for (const a of summary.byArea.slice(0, 15)) lines.push(`    ${a.selfPct.toFixed(1).padStart(5)} %  ${a.area}`);
  lines.push('  top functions (self time):');
  for (const f of summary.topFunctions) lines.push(`    ${f.selfPct.toFixed(1).padStart(5)} %  ${f.name}  ${f.where}`);
  return lines.join('\n');
}
