import type { UsageEvent } from '../../shared/events/usage-event.ts';
import { isUnstorableText } from '../../shared/text/storable-text.ts';
import { invalidRequest } from '../errors/client-errors.ts';
import { REQUEST_LIMITS as L } from '../validation/request-limits.ts';

export const TAGS_HEADER = 'x-tollgate-tags';

/** What every usage event of a request carries to split spend by: its tags and its metadata. */
export type RequestLabels = Pick<UsageEvent, 'tags' | 'metadata'>;

const NONE: RequestLabels = Object.freeze({});
// A tag is one item of a comma-separated header: no comma, no control character; and stored
// text, as every label: no unpaired surrogate (see isUnstorableText).
const FORBIDDEN_IN_TAG = /[,\p{Cc}\p{Cs}]/u;

/**
 * The request's tags and metadata, or a 400 naming the part at fault. Tags come from the
 * `x-tollgate-tags` header (comma-separated) and then the body's `metadata.tags` (a
 * comma-separated string, or an array of strings as LiteLLM clients send it), each trimmed,
 * empty items skipped (an HTTP list may have them), duplicates kept once: at most
 * REQUEST_LIMITS.tagsPerRequest tags of at most tagChars characters. `metadata` is the body's
 * (already validated as OpenAI's string pairs by the endpoint's schema) without `tags`.
 */
export function requestLabels(header: string | undefined, metadata: unknown): RequestLabels {
  if (header === undefined && (metadata === undefined || metadata === null)) return NONE;
  const tags: string[] = [];
  if (header !== undefined) addTags(tags, header.split(','), TAGS_HEADER);
  let pairs: Record<string, string> | undefined;
  if (metadata !== null && typeof metadata === 'object') {
    const { tags: bodyTags, ...rest } = metadata as Record<string, unknown>;
    if (typeof bodyTags === 'string') addTags(tags, bodyTags.split(','), 'metadata.tags');
    else if (Array.isArray(bodyTags)) addTags(tags, bodyTags as string[], 'metadata.tags');
    // A label the ledger cannot store failed its usage event's insert, and with it the batch's.
    for (const [key, value] of Object.entries(rest)) {
      if (isUnstorableText(key)) throw unstorable('A metadata key', 'metadata');
      if (isUnstorableText(value as string)) throw unstorable('A metadata value', `metadata.${key}`);
    }
    if (Object.keys(rest).length > 0) pairs = rest as Record<string, string>;
  }
  if (tags.length === 0 && pairs === undefined) return NONE;
  return { ...(tags.length > 0 ? { tags } : {}), ...(pairs ? { metadata: pairs } : {}) };
}

function addTags(tags: string[], items: readonly string[], param: string): void {
  for (const item of items) {
    const tag = item.trim();
    if (tag === '') continue;
    if (tag.length > L.tagChars) throw invalidTags(`A tag is at most ${L.tagChars} characters; \`${tag.slice(0, 16)}...\` has ${tag.length}.`, param);
    if (FORBIDDEN_IN_TAG.test(tag)) throw invalidTags('A tag cannot contain a comma, a control character or an unpaired surrogate.', param);
    if (tags.includes(tag)) continue;
    tags.push(tag);
    if (tags.length > L.tagsPerRequest)
      throw invalidTags(`At most ${L.tagsPerRequest} tags per request (\`${TAGS_HEADER}\` and \`metadata.tags\` together).`, param);
  }
}

/**
 * The end user every usage event of the request carries, when it can be stored; else a 400 naming
 * `param`, the field the client sent it in (`user`; `metadata.user_id` on /v1/messages).
 */
export function checkEndUser(user: unknown, param = 'user'): void {
  if (typeof user === 'string' && isUnstorableText(user)) throw unstorable(`\`${param}\``, param);
}

const invalidTags = (message: string, param: string) => invalidRequest(message, param, 'invalid_tags');
const unstorable = (what: string, param: string) => invalidRequest(`${what} cannot contain a NUL character or an unpaired surrogate.`, param, 'invalid_value');
