import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildInSlices, RankTable } from './rank-table.ts';

const file = readFileSync(createRequire(import.meta.url).resolve('gpt-tokenizer/data/o200k_base.tiktoken'));

/** Every token of the file as its bytes, in rank order. */
const tokens = () =>
  file
    .toString('latin1')
    .split('\n')
    .filter(Boolean)
    .map((line) => Buffer.from(line.slice(0, line.indexOf(' ')), 'base64'));

describe('RankTable built in slices', () => {
  it('lets the event loop turn between slices and gives the table a build at once gives', async () => {
    let turns = 0;
    let building = true;
    const count = () => {
      turns++;
      if (building) setImmediate(count);
    };
    setImmediate(count);
    const sliced = await buildInSlices(RankTable.building(file), 1);
    building = false;
    // 200,000 lines and tokens in slices of 1 ms: the loop turned between them.
    expect(turns).toBeGreaterThan(2);

    const whole = RankTable.fromTiktoken(file);
    const all = tokens();
    expect(sliced.size).toBe(whole.size);
    const differing = all.filter((bytes) => sliced.rankOf(bytes, 0, bytes.length) !== whole.rankOf(bytes, 0, bytes.length));
    expect(differing).toEqual([]);
    expect(sliced.rankOf(all[1000], 0, all[1000].length)).toBe(1000);
  });

  it('resolves with the table a count finished at once while the slices waited', async () => {
    const build = RankTable.building(file);
    const sliced = buildInSlices(build, 1);
    const finished = build.finish();
    expect(await sliced).toBe(finished);
  });

  it('refuses a file that is not a rank table', async () => {
    await expect(buildInSlices(RankTable.building(Buffer.from('aGk= 0\nbm8= 7\n')), 1)).rejects.toThrow(/line 2/);
  });
});
