/** One chat completion through the control plane's playground pass-through, as any OpenAI client would send it. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatResult {
  status: number;
  headers: Record<string, string>;
  requestId: string | null;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
  error: string | null;
}

export async function streamChat(
  request: { apiKey: string; model: string; messages: ChatTurn[]; temperature?: number; stream: boolean },
  onDelta: (text: string) => void,
  signal?: AbortSignal,
): Promise<ChatResult> {
  const response = await fetch('/playground/v1/chat/completions', {
    method: 'POST',
    headers: { authorization: `Bearer ${request.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: request.model,
      messages: request.messages,
      temperature: request.temperature,
      stream: request.stream,
      ...(request.stream ? { stream_options: { include_usage: true } } : {}),
    }),
    signal,
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name.startsWith('x-tollgate-') || name === 'x-request-id' || name.startsWith('x-ratelimit-')) headers[name] = value;
  });
  const result: ChatResult = { status: response.status, headers, requestId: response.headers.get('x-request-id'), usage: null, error: null };
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.includes('text/event-stream')) {
    const body = (await response.json().catch(() => null)) as {
      error?: { message?: string };
      choices?: { message?: { content?: string } }[];
      usage?: ChatResult['usage'];
    } | null;
    if (!response.ok || body?.error) result.error = body?.error?.message ?? `HTTP ${response.status}`;
    else {
      onDelta(body?.choices?.[0]?.message?.content ?? '');
      result.usage = body?.usage ?? null;
    }
    return result;
  }
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let boundary: number;
    while ((boundary = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const data = frame
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (!data || data === '[DONE]') continue;
      const chunk = JSON.parse(data) as { error?: { message?: string }; choices?: { delta?: { content?: string } }[]; usage?: ChatResult['usage'] };
      if (chunk.error) result.error = chunk.error.message ?? 'stream failed';
      const text = chunk.choices?.[0]?.delta?.content;
      if (text) onDelta(text);
      if (chunk.usage) result.usage = chunk.usage;
    }
  }
  return result;
}
