import { createHash } from 'node:crypto';
import type { RE2JS } from 're2js';
import { findPii, maskPii } from '../../shared/logging/pii-mask.ts';
import { canonicalJson } from '../../shared/snapshot/canonical-json.ts';
import { type GuardrailStreamMode, guardrailSecretBinding, type PiiEntity, type SnapshotGuardrail } from '../../shared/snapshot/guardrail.ts';
import { compileDenyPattern, keywordPattern } from '../../shared/snapshot/guardrail-pattern.ts';
import type { SnapshotTeam } from '../../shared/snapshot/schema.ts';
import type { WebhookTarget } from './webhook-guard.ts';

/** One text check, the same on prompts and answers: the reason it blocks, or null. */
export type TextCheck = (text: string) => string | null;

/** A guardrail as requests use it: its checks built once per snapshot. */
export type CompiledGuardrail = {
  readonly id: string;
  /** A hash of its snapshot entry: changes whenever the guardrail does (the response cache keys on it). */
  readonly fingerprint: string;
  readonly name: string;
  readonly pre: boolean;
  readonly post: boolean;
  readonly streamMode: GuardrailStreamMode;
} & (
  | { readonly kind: 'deny_list'; readonly check: TextCheck }
  | {
      readonly kind: 'pii';
      readonly action: 'mask' | 'block';
      readonly entities: ReadonlySet<PiiEntity>;
      readonly check: TextCheck;
      mask(text: string): string;
    }
  | { readonly kind: 'max_prompt_tokens'; readonly maxTokens: number }
  | { readonly kind: 'image_models'; readonly allowedModels: ReadonlySet<string> }
  | { readonly kind: 'webhook'; readonly target: WebhookTarget | null; readonly failOpen: boolean; readonly unusableReason: string | null }
);

/** Every team's guardrails, plan's first, then the team's own, each in name order. */
export interface GuardrailIndex {
  forTeam(team: SnapshotTeam): readonly CompiledGuardrail[];
}

/**
 * Compiles the snapshot's guardrails. Never throws: a pattern the control plane would have refused
 * is skipped with a warning, and a webhook whose secret does not open fails as its `failOpen` says.
 */
export function compileGuardrails(
  guardrails: readonly SnapshotGuardrail[],
  open: (sealed: string, binding: string) => string,
  warnings: string[],
): GuardrailIndex {
  const byOwner = new Map<string, CompiledGuardrail[]>();
  const sorted = [...guardrails].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const guardrail of sorted) {
    const owner = guardrail.teamId !== null ? `team:${guardrail.teamId}` : `plan:${guardrail.planId}`;
    let list = byOwner.get(owner);
    if (!list) byOwner.set(owner, (list = []));
    list.push(compileOne(guardrail, open, warnings));
  }
  const none: readonly CompiledGuardrail[] = [];
  const perTeam = new Map<string, readonly CompiledGuardrail[]>();
  return {
    forTeam(team) {
      let list = perTeam.get(team.id);
      if (!list) {
        const joined = [...(team.planId ? (byOwner.get(`plan:${team.planId}`) ?? none) : none), ...(byOwner.get(`team:${team.id}`) ?? none)];
        perTeam.set(team.id, (list = joined.length > 0 ? joined : none));
      }
      return list;
    },
  };
}

function compileOne(guardrail: SnapshotGuardrail, open: (sealed: string, binding: string) => string, warnings: string[]): CompiledGuardrail {
  const base = {
    id: guardrail.id,
    fingerprint: createHash('sha256').update(canonicalJson(guardrail)).digest('hex').slice(0, 32),
    name: guardrail.name,
    pre: guardrail.stage !== 'post',
    post: guardrail.stage !== 'pre',
    streamMode: guardrail.streamMode,
  };
  const { check } = guardrail;
  switch (check.kind) {
    case 'deny_list': {
      const patterns: { label: string; regex: RE2JS }[] = [];
      for (const source of check.patterns) {
        const compiled = compileDenyPattern(source);
        if (compiled.ok) patterns.push({ label: 'a denied pattern', regex: compiled.regex });
        else warnings.push(`guardrail ${guardrail.name}: pattern ${JSON.stringify(source)} skipped: ${compiled.reason}`);
      }
      for (const keyword of check.keywords) if (keyword.trim()) patterns.push({ label: 'a denied keyword', regex: keywordPattern(keyword) });
      return {
        ...base,
        kind: 'deny_list',
        // The reason names what matched (pattern or keyword) but never echoes the text.
        check: (text) => patterns.find((pattern) => pattern.regex.test(text))?.label.concat(' was found') ?? null,
      };
    }
    case 'pii': {
      const entities = new Set(check.entities);
      return {
        ...base,
        kind: 'pii',
        action: check.action,
        entities,
        check: (text) => {
          const found = findPii(text, entities);
          return found.length > 0 ? `personal data was found (${found.join(', ')})` : null;
        },
        mask: (text) => maskPii(text, entities),
      };
    }
    case 'max_prompt_tokens':
      return { ...base, kind: 'max_prompt_tokens', maxTokens: check.maxTokens };
    case 'image_models':
      return { ...base, kind: 'image_models', allowedModels: new Set(check.allowedModels) };
    case 'webhook': {
      let secret: string | null = null;
      let unusableReason: string | null = null;
      try {
        secret = open(check.secret, guardrailSecretBinding(guardrail.id));
      } catch (error) {
        unusableReason = `its secret does not open: ${(error as Error).message}`;
        warnings.push(`guardrail ${guardrail.name}: ${unusableReason}`);
      }
      return {
        ...base,
        kind: 'webhook',
        failOpen: check.failOpen,
        unusableReason,
        target: secret === null ? null : { url: check.url, secret, timeoutMs: check.timeoutMs, reach: guardrail.teamId !== null ? 'public-only' : 'any' },
      };
    }
  }
}
