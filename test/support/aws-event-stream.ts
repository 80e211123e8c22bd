import { crc32 } from 'node:zlib';

/**
 * One message of an AWS event stream (`application/vnd.amazon.eventstream`), as a fixture
 * describes it: an `event` with its type and JSON payload, or an `exception` with its type and
 * JSON payload (ConverseStream's mid-stream failures).
 */
export type EventStreamFixtureMessage = { event: string; payload: unknown } | { exception: string; payload: unknown };

/**
 * Encodes messages in AWS's event-stream binary framing, written here from the format's
 * documentation rather than with the library the gateway decodes with, so the test checks the
 * decoder against the format and not against itself. Each message:
 * total length (uint32 BE) | headers length (uint32 BE) | prelude CRC32 | headers | payload |
 * message CRC32, where a string header is name length (uint8) | name | type 7 | value length
 * (uint16 BE) | value.
 */
export function encodeEventStream(messages: EventStreamFixtureMessage[]): Buffer {
  return Buffer.concat(
    messages.map((message) => {
      const headers: Record<string, string> =
        'event' in message
          ? { ':message-type': 'event', ':event-type': message.event, ':content-type': 'application/json' }
          : { ':message-type': 'exception', ':exception-type': message.exception, ':content-type': 'application/json' };
      return encodeMessage(headers, Buffer.from(JSON.stringify(message.payload), 'utf8'));
    }),
  );
}

export function encodeMessage(headers: Record<string, string>, payload: Buffer): Buffer {
  const headerBytes = Buffer.concat(
    Object.entries(headers).map(([name, value]) => {
      const nameBytes = Buffer.from(name, 'utf8');
      const valueBytes = Buffer.from(value, 'utf8');
      const head = Buffer.alloc(1 + nameBytes.length + 1 + 2);
      head.writeUInt8(nameBytes.length, 0);
      nameBytes.copy(head, 1);
      head.writeUInt8(7, 1 + nameBytes.length);
      head.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
      return Buffer.concat([head, valueBytes]);
    }),
  );
  const total = 12 + headerBytes.length + payload.length + 4;
  const prelude = Buffer.alloc(12);
  prelude.writeUInt32BE(total, 0);
  prelude.writeUInt32BE(headerBytes.length, 4);
  prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8);
  const withoutCrc = Buffer.concat([prelude, headerBytes, payload]);
  const messageCrc = Buffer.alloc(4);
  messageCrc.writeUInt32BE(crc32(withoutCrc), 0);
  return Buffer.concat([withoutCrc, messageCrc]);
}
