import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '../../shared/openai/chat-request.ts';
import { Cancellation } from '../http/cancellation.ts';
import type { CompiledProvider } from '../snapshot/compiled-snapshot.ts';
import type { UpstreamCall } from './adapter.ts';
import { toAnthropicRequest } from './anthropic/map-request.ts';
import { toGeminiRequest } from './gemini/map-request.ts';

/** A whole tool-using conversation, as an OpenAI client sends it on its second turn. */
const conversation: ChatCompletionRequest = {
  model: 'm',
  messages: [
    { role: 'system', content: 'Be brief.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather here?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
    },
    { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
    { role: 'user', content: 'Thanks. In Fahrenheit?' },
  ],
  tool_choice: 'required',
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
  stop: 'END',
  max_tokens: 100,
};

const provider = (kind: CompiledProvider['kind']): CompiledProvider => ({
  id: 'p',
  name: 'p',
  kind,
  baseUrl: null,
  apiVersion: null,
  region: null,
  credential: 'k',
  teamId: null,
  unusableReason: null,
});
const call = (kind: CompiledProvider['kind']): UpstreamCall => ({
  request: conversation,
  upstreamModel: 'up',
  provider: provider(kind),
  cancellation: new Cancellation(),
});

describe('conversation mapping', () => {
  it('anthropic: system on top, tool_use and tool_result blocks, merged user turns', () => {
    const wire = toAnthropicRequest(call('anthropic'), false);
    expect(wire.url).toBe('https://api.anthropic.com/v1/messages');
    expect(JSON.parse(wire.body!)).toEqual({
      model: 'up',
      max_tokens: 100,
      system: [{ type: 'text', text: 'Be brief.' }],
      stop_sequences: ['END'],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { location: 'Paris' } }] },
        // The tool result and the next user message are one user turn.
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: '{"temp":21}' },
            { type: 'text', text: 'Thanks. In Fahrenheit?' },
          ],
        },
      ],
      tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any' },
    });
  });

  it('gemini: systemInstruction, model turns with functionCall, functionResponse by name', () => {
    const wire = toGeminiRequest(call('gemini'), true);
    expect(wire.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/up:streamGenerateContent?alt=sse');
    expect(JSON.parse(wire.body!)).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Weather here?' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { location: 'Paris' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 21 } } }, { text: 'Thanks. In Fahrenheit?' }] },
      ],
      generationConfig: { maxOutputTokens: 100, stopSequences: ['END'] },
      tools: [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object' } }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
    });
  });
});
