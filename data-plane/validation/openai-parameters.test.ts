import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHAT_COMPLETION_PARAMETERS, EMBEDDING_PARAMETERS, TEXT_COMPLETION_PARAMETERS } from './openai-parameters.ts';

type Schema = { $ref?: string; allOf?: Schema[]; properties?: Record<string, unknown> };
const spec = JSON.parse(readFileSync(new URL('../../test/fixtures/openapi/openai-openapi.json', import.meta.url), 'utf8')) as {
  components: { schemas: Record<string, Schema> };
};

/** The top-level properties of a request schema, its `allOf` parts and `$ref`s followed. */
function specParameters(name: string): string[] {
  const found = new Set<string>();
  const walk = (schema: Schema | undefined): void => {
    if (!schema) return;
    if (schema.$ref) return walk(spec.components.schemas[schema.$ref.split('/').pop()!]);
    schema.allOf?.forEach(walk);
    for (const key of Object.keys(schema.properties ?? {})) found.add(key);
  };
  walk(spec.components.schemas[name]);
  return [...found].sort();
}

describe('the known parameters', () => {
  it.each([
    ['CreateChatCompletionRequest', CHAT_COMPLETION_PARAMETERS],
    ['CreateCompletionRequest', TEXT_COMPLETION_PARAMETERS],
    ['CreateEmbeddingRequest', EMBEDDING_PARAMETERS],
  ])('are exactly those of %s in the OpenAI spec fixture', (schema, list) => {
    expect([...list]).toEqual(specParameters(schema));
  });
});
