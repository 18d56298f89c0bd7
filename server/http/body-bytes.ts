/** Capacity to start with when a body declares no length (chunked): doubled as chunks arrive. */
const UNDECLARED = 64 * 1024;

/**
 * The request body's bytes in one buffer, copied into it chunk by chunk as they arrive. `Request.arrayBuffer()` on
 * Node's adapter holds the chunks, then their concatenation, then a copy of that: three times a large body at once
 * (48 MB for a 16 MB directory import). With a Content-Length the buffer is allocated once at that size.
 */
export async function bodyBytes(request: Request): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  let buffer = new Uint8Array(Number.isSafeInteger(declared) && declared > 0 ? declared : UNDECLARED);
  let length = 0;
  const reader = request.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const chunk = read.value;
    if (length + chunk.length > buffer.length) {
      const grown = new Uint8Array(Math.max(buffer.length * 2, length + chunk.length));
      grown.set(buffer.subarray(0, length));
      buffer = grown;
    }
    buffer.set(chunk, length);
    length += chunk.length;
  }
  return buffer.subarray(0, length);
}
