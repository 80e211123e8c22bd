import { GatewayError } from '../errors/gateway-error.ts';

/**
 * Message framing checks uWebSockets.js 20.30 does not make (RFC 9112 section 6). It frames a body
 * by the first `Content-Length` and de-chunks any `Transfer-Encoding` value at all, so a proxy
 * that frames differently (the last Content-Length, or an unknown coding as no body) would let a
 * second request hide in the first one's body: request smuggling. Collected header by header
 * while the request is copied; `check()` gives the refusal, if any.
 */
export class FramingCheck {
  private contentLength: string | null = null;
  private conflictingLength = false;
  private transferEncoding: string | null = null;

  /** Feed every header occurrence (uWS lists repeated headers one by one, lower-cased). */
  header(name: string, value: string): void {
    if (name === 'content-length') {
      // A list (`5, 5`) or repeats are allowed only when every member is the same number (RFC 9110 8.6).
      for (const member of value.split(',')) {
        const length = member.trim();
        if (this.contentLength === null) this.contentLength = length;
        else if (length !== this.contentLength) this.conflictingLength = true;
      }
    } else if (name === 'transfer-encoding') {
      this.transferEncoding = this.transferEncoding === null ? value : `${this.transferEncoding},${value}`;
    }
  }

  /** The 400/501 to answer (then close the connection), or null when the framing is sound. */
  check(): GatewayError | null {
    if (this.conflictingLength || (this.contentLength !== null && !/^\d{1,15}$/.test(this.contentLength))) {
      return framingError(400, 'invalid_content_length', 'The request has an invalid or conflicting Content-Length.');
    }
    if (this.transferEncoding === null) return null;
    if (this.contentLength !== null) {
      // uWS closes such requests before we see them; refused here too should that change.
      return framingError(400, 'invalid_transfer_encoding', 'The request has both Content-Length and Transfer-Encoding.');
    }
    const codings = this.transferEncoding
      .split(',')
      .map((coding) => coding.trim().toLowerCase())
      .filter((coding) => coding !== '');
    if (codings.at(-1) !== 'chunked') {
      // Without chunked last the body length cannot be determined: 400 and close (RFC 9112 6.3).
      return framingError(400, 'invalid_transfer_encoding', 'The request Transfer-Encoding must end with chunked.');
    }
    if (codings.length > 1) {
      return framingError(
        501,
        'unsupported_transfer_encoding',
        `Transfer-Encoding ${codings.slice(0, -1).join(', ')} is not supported; send the body uncompressed, chunked or with a Content-Length.`,
      );
    }
    return null;
  }
}

function framingError(status: number, code: string, message: string): GatewayError {
  return new GatewayError({ status, type: 'invalid_request_error', code, message });
}
