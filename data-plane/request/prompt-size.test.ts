import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '../../shared/openai/chat-request.ts';
import { promptSizeOf, stringifyWithMessages } from './prompt-size.ts';

const request = (): ChatCompletionRequest =>
  ({
    model: 'demo',
    messages: [
      { role: 'system', content: 'Be "brief".' },
      { role: 'user', content: 'héllo\n' },
    ],
    temperature: 0.2,
  }) as ChatCompletionRequest;

describe('stringifyWithMessages', () => {
  it('sends the same JSON as JSON.stringify, the measured messages spliced in', () => {
    const measured = request();
    expect(promptSizeOf(measured).bytes()).toBe(Buffer.byteLength(JSON.stringify(measured.messages)));
    const body = { ...measured, model: 'upstream-1' };
    const expected = JSON.parse(JSON.stringify(body));
    const wire = stringifyWithMessages(body, measured);
    expect(JSON.parse(wire)).toEqual(expected);
    expect(wire.endsWith(`"messages":${JSON.stringify(measured.messages)}}`)).toBe(true);
  });

  it('serialises the body whole when the request was not measured or its messages were replaced', () => {
    const unmeasured = request();
    expect(stringifyWithMessages({ ...unmeasured }, unmeasured)).toBe(JSON.stringify(unmeasured));
    const measured = request();
    promptSizeOf(measured).bytes();
    const replaced = { ...measured, messages: [{ role: 'user', content: 'other' }] };
    expect(stringifyWithMessages(replaced, measured)).toBe(JSON.stringify(replaced));
  });

  it('a body of messages only', () => {
    const measured = request();
    promptSizeOf(measured).bytes();
    expect(JSON.parse(stringifyWithMessages({ messages: measured.messages }, measured))).toEqual({ messages: JSON.parse(JSON.stringify(measured.messages)) });
  });
});
