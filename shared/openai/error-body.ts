import { z } from 'zod';

/**
 * The OpenAI error body, the only error shape a client of the data plane ever sees, as JSON or
 * as the data of a final SSE event.
 */
export interface OpenAIErrorBody {
  error: {
    message: string;
    /** Broad family, e.g. `invalid_request_error`, `authentication_error`, `rate_limit_error`. */
    type: string;
    /** The request field at fault, when one is. */
    param: string | null;
    /** Machine-readable reason, e.g. `invalid_api_key`, `model_not_found`. */
    code: string | null;
  };
}

/** What we read from an upstream's error body: only the message, the rest is ours to decide. */
export const UpstreamErrorBody = z.looseObject({
  error: z.union([z.looseObject({ message: z.string().optional(), type: z.string().nullish(), code: z.unknown().optional() }), z.string()]),
});
export type UpstreamErrorBody = z.infer<typeof UpstreamErrorBody>;
