import { randomBytes } from 'node:crypto';

/**
 * A notification's id: a UUID version 7 (RFC 9562), the creation time in milliseconds followed by 74 random
 * bits. Every index keyed by it (the notifications' primary key, deliveries by notification) then grows at its
 * right edge: a busy minute's sends share a few index pages, where random ids would dirty (and make every
 * checkpoint write back) one page per send anywhere in the file.
 */
export function notificationId(now: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
