import { invalidRequest } from '../errors/client-errors.ts';

/**
 * The 400 for a request feature the routed provider cannot serve (`n` > 1 on Anthropic, JSON mode
 * where there is none...). Thrown by request mappings before any I/O: refusing clearly beats a
 * silently different answer.
 */
export function unsupportedParameter(provider: string, param: string, what: string) {
  return invalidRequest(`${what} is not supported by ${provider} providers.`, param, 'unsupported_parameter');
}
