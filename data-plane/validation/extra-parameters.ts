import type { CompiledTarget } from '../snapshot/compiled-snapshot.ts';
import { unknownParameter } from './request-validator.ts';

/**
 * Refuses (400 `unknown_parameter`) a top-level field the endpoint does not define unless at
 * least one deployment the request may go to allow-lists it (`extraParameters`): a vLLM model
 * takes `top_k`, an OpenAI one refuses it as OpenAI would. Fallback deployments that do not list
 * a field are sent the request without it (withoutUnlisted).
 */
export function refuseUnknownParameters(names: readonly string[] | undefined, targets: readonly CompiledTarget[]): void {
  if (!names || names.length === 0) return;
  for (const name of names) {
    if (!targets.some((target) => target.deployment.extraParameters.includes(name))) throw unknownParameter(name);
  }
}

/**
 * `body` (a fresh copy the caller owns) without the top-level fields that are neither defined by
 * the endpoint (`known`) nor allow-listed by the deployment (`allowed`): nothing else reaches an
 * upstream, whatever a router there would make of it.
 */
export function withoutUnlisted<T extends object>(body: T, known: ReadonlySet<string>, allowed: readonly string[] | undefined): T {
  for (const key in body) {
    if (!known.has(key) && !allowed?.includes(key)) delete (body as Record<string, unknown>)[key];
  }
  return body;
}
