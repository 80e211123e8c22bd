import { describe, expect, it } from 'vitest';
import { MessagesRequest } from './messages-request.ts';
import { messagesToChat } from './to-chat.ts';

const translate = (body: Record<string, unknown>) => messagesToChat(MessagesRequest.parse({ model: 'm', max_tokens: 100, ...body }));

describe('Anthropic Messages -> chat', () => {
  it('system blocks, images, tool results before the rest of their turn, errors flagged in text', () => {
    const { chat, untranslatable } = translate({
      system: [
        { type: 'text', text: 'One.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Two.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look: ' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
            { type: 'image', source: { type: 'url', url: 'https://x.test/a.png' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'text', text: 'Calling.' },
            { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } },
            { type: 'tool_use', id: 't2', name: 'g', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Here:' },
            { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'ok' }] },
            { type: 'tool_result', tool_use_id: 't2', content: 'boom', is_error: true },
          ],
        },
      ],
    });
    expect(untranslatable).toBeNull();
    expect(chat.messages).toEqual([
      { role: 'system', content: 'One.\nTwo.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look: ' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } },
          { type: 'image_url', image_url: { url: 'https://x.test/a.png' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Calling.',
        tool_calls: [
          { id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
          { id: 't2', type: 'function', function: { name: 'g', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 't1', content: 'ok' },
      { role: 'tool', tool_call_id: 't2', content: 'Error: boom' },
      { role: 'user', content: 'Here:' },
    ]);
  });

  it('parameters and tool choice', () => {
    const { chat } = translate({
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      temperature: 0.3,
      top_p: 0.9,
      top_k: 5,
      stop_sequences: ['END'],
      metadata: { user_id: 'u' },
      thinking: { type: 'enabled', budget_tokens: 1024 },
      tools: [{ name: 'f', description: 'does f', input_schema: { type: 'object', properties: { a: { type: 'number' } } } }],
      tool_choice: { type: 'tool', name: 'f', disable_parallel_tool_use: true },
    });
    expect(chat).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 100,
      stream: true,
      temperature: 0.3,
      top_p: 0.9,
      stop: ['END'],
      user: 'u',
      tools: [{ type: 'function', function: { name: 'f', description: 'does f', parameters: { type: 'object', properties: { a: { type: 'number' } } } } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: false,
    });
    expect(translate({ messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 'f' }], tool_choice: { type: 'any' } }).chat.tool_choice).toBe('required');
  });

  it('documents, server tools and their blocks only go to Anthropic: the first is named', () => {
    expect(translate({ messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] }).untranslatable).toMatchObject({
      status: 400,
      param: 'messages[0].content[0]',
      code: 'unsupported_parameter',
    });
    expect(
      translate({ messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'web_search_20250305', name: 'web_search' }] }).untranslatable,
    ).toMatchObject({ param: 'tools[0]' });
    expect(
      translate({ messages: [{ role: 'assistant', content: [{ type: 'server_tool_use', id: 's', name: 'web_search', input: {} }] }] }).untranslatable,
    ).toMatchObject({ param: 'messages[0].content[0]' });
  });
});
