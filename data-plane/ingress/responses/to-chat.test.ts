import { describe, expect, it } from 'vitest';
import { ResponsesRequest } from './responses-request.ts';
import { responsesToChat } from './to-chat.ts';

const translate = (body: Record<string, unknown>) => responsesToChat(ResponsesRequest.parse({ model: 'm', ...body }));

describe('Responses -> chat', () => {
  it('items: messages with parts, parallel function calls in one assistant turn, outputs, reasoning dropped', () => {
    const chat = translate({
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Use tools.' },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'See ' },
            { type: 'input_image', image_url: 'https://x.test/a.png', detail: 'low' },
          ],
        },
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { type: 'function_call', id: 'fc_1', call_id: 'c1', name: 'f', arguments: '{"a":1}', status: 'completed' },
        { type: 'function_call', id: 'fc_2', call_id: 'c2', name: 'g', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'one' },
        { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'two' }] },
        { role: 'assistant', content: [{ type: 'output_text', text: 'Done.' }] },
      ],
    });
    expect(chat.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: 'Use tools.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'See ' },
          { type: 'image_url', image_url: { url: 'https://x.test/a.png', detail: 'low' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
          { id: 'c2', type: 'function', function: { name: 'g', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'one' },
      { role: 'tool', tool_call_id: 'c2', content: 'two' },
      { role: 'assistant', content: 'Done.' },
    ]);
  });

  it('settings', () => {
    expect(
      translate({
        input: 'hi',
        stream: true,
        max_output_tokens: 50,
        temperature: 0.5,
        top_p: 0.8,
        safety_identifier: 'u',
        reasoning: { effort: 'low' },
        parallel_tool_calls: false,
        tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: true }],
        tool_choice: { type: 'function', name: 'f' },
        text: { format: { type: 'json_object' } },
        include: [],
        truncation: 'disabled',
        store: false,
      }),
    ).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      max_completion_tokens: 50,
      temperature: 0.5,
      top_p: 0.8,
      user: 'u',
      parallel_tool_calls: false,
      reasoning_effort: 'low',
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' }, strict: true } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      response_format: { type: 'json_object' },
    });
  });

  it.each([
    [{ store: true }, 'store'],
    [{ previous_response_id: 'resp_1' }, 'previous_response_id'],
    [{ background: true }, 'background'],
    [{ include: ['file_search_call.results'] }, 'include'],
    [{ tools: [{ type: 'file_search' }] }, 'tools[0].type'],
    [{ tool_choice: { type: 'web_search' } }, 'tool_choice'],
    [{ input: [{ type: 'item_reference', id: 'x' }] }, 'input[0].type'],
    [{ input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] }, 'input[0].content[0]'],
    [{ input: [] }, 'input'],
  ])('%j is refused with 400 naming %s', (body, param) => {
    expect(() => translate({ input: 'hi', ...body })).toThrow(expect.objectContaining({ status: 400, param }));
  });
});
