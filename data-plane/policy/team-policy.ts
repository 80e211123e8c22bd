import type { ChatCompletionRequest } from '../../shared/openai/chat-request.ts';
import type { SnapshotTeam } from '../../shared/snapshot/schema.ts';

/** The request as the team's policy shapes it: its system prompt, when set, goes first. */
export function applyTeamPolicy(request: ChatCompletionRequest, team: SnapshotTeam): ChatCompletionRequest {
  if (!team.systemPrompt) return request;
  return { ...request, messages: [{ role: 'system', content: team.systemPrompt }, ...request.messages] };
}
