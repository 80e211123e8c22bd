import { slotOf, slotTag } from '../bus/redis-client.ts';
import { MONEY_EPOCH_KEY } from './money-counters.ts';

/**
 * Where the money counters live in Redis. One server: `<prefix>:<counter>`, as always. A cluster:
 * every key carries its counter group as a hash tag, `<prefix>:{<group>}:<counter>`, so a team's
 * counters and its keys' share one slot (one script admits them atomically) while different
 * teams, deployments and models spread over the slots. The admission marker (`res:`) and the
 * charge marker (`charged:`) sit beside their group's counters. The epoch has one copy per slot
 * (`<prefix>:money:epoch:{<slot tag>}`), so each slot's script can check it; the control plane
 * writes all of them when it re-seeds.
 */
export interface MoneyKeys {
  readonly cluster: boolean;
  counter(group: string, counter: string): string;
  admission(group: string, admissionId: string): string;
  charge(group: string, chargeId: string): string;
  /** The epoch key a script on `group`'s slot checks. */
  epochFor(group: string): string;
  /** The epoch key of one slot (cluster); the only epoch key otherwise. */
  epochOfSlot(slot: number): string;
  /** Calls of one slot may share a script call; 0 for every group on one server. */
  slotOf(group: string): number;
}

export function moneyKeys(prefix: string, cluster: boolean): MoneyKeys {
  const pre = `${prefix}:`;
  if (!cluster) {
    return {
      cluster,
      counter: (_group, counter) => pre + counter,
      admission: (_group, id) => `${pre}res:${id}`,
      charge: (_group, id) => `${pre}charged:${id}`,
      epochFor: () => pre + MONEY_EPOCH_KEY,
      epochOfSlot: () => pre + MONEY_EPOCH_KEY,
      slotOf: () => 0,
    };
  }
  const tagged = (group: string) => `${pre}{${group}}:`;
  const epochOfSlot = (slot: number) => `${pre}${MONEY_EPOCH_KEY}:{${slotTag(slot)}}`;
  return {
    cluster,
    counter: (group, counter) => tagged(group) + counter,
    admission: (group, id) => `${tagged(group)}res:${id}`,
    charge: (group, id) => `${tagged(group)}charged:${id}`,
    epochFor: (group) => epochOfSlot(slotOf(`{${group}}`)),
    epochOfSlot,
    slotOf: (group) => slotOf(`{${group}}`),
  };
}
