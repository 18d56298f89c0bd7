import { AppError } from '../core/errors';

const MB = 1024 * 1024;

/** Capacity to start with when a body declares no length (chunked): doubled as chunks arrive. */
const UNDECLARED = 64 * 1024;

/** The answer to a body over `limit` bytes. The rest of the body is not read, so the connection cannot carry another request. */
export const payloadTooLarge = (limit: number) =>
  new AppError(413, 'payloadTooLarge', `The request body is larger than ${limit / MB} MB.`, undefined, { Connection: 'close' });

/**
 * The request body's bytes in one buffer, copied into it chunk by chunk as they arrive, refused with
 * payloadTooLarge as soon as they pass `limit`. `Request.arrayBuffer()` on Node's adapter holds the chunks, then
 * their concatenation, then a copy of that: three times a large body at once (48 MB for a 16 MB directory import).
 * With a Content-Length the buffer is allocated once at that size; without one (chunked) it doubles, never past `limit`.
 */
export async function bodyBytes(request: Request, limit: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) throw payloadTooLarge(limit);
  let buffer = new Uint8Array(Number.isSafeInteger(declared) && declared > 0 ? declared : Math.min(UNDECLARED, limit));
  let length = 0;
  const reader = request.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const chunk = read.value;
    if (length + chunk.length > limit) {
      await reader.cancel();
      throw payloadTooLarge(limit);
    }
    if (length + chunk.length > buffer.length) {
      const grown = new Uint8Array(Math.min(limit, Math.max(buffer.length * 2, length + chunk.length)));
      grown.set(buffer.subarray(0, length));
      buffer = grown;
    }
    buffer.set(chunk, length);
    length += chunk.length;
  }
  return buffer.subarray(0, length);
}
