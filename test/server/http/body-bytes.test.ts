import { describe, expect, it } from 'vitest';
import { bodyBytes } from '../../../server/http/body-bytes';

/** A POST whose body arrives as `chunks`, with or without its Content-Length. */
function request(chunks: Uint8Array[], declareLength: boolean) {
  const length = chunks.reduce((n, c) => n + c.length, 0);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return new Request('http://herald.test/v1/directory/import', {
    method: 'POST',
    body,
    headers: declareLength ? { 'content-length': String(length) } : {},
    duplex: 'half',
  } as RequestInit);
}

/** `count` chunks of `size` bytes, each byte telling its position. */
const chunksOf = (count: number, size: number) =>
  Array.from({ length: count }, (_, c) => Uint8Array.from({ length: size }, (_, i) => (c * size + i) % 251));

describe('reading a request body into one buffer', () => {
  it('copies a body of declared length into one buffer of exactly that length', async () => {
    const chunks = chunksOf(40, 16 * 1024);
    const bytes = await bodyBytes(request(chunks, true));
    expect(bytes.length).toBe(40 * 16 * 1024);
    // one allocation, no slack and no second copy
    expect(bytes.buffer.byteLength).toBe(bytes.length);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.every((b, i) => b === i % 251)).toBe(true);
  });

  it('grows its buffer for a body without a length (chunked), keeping every byte in order', async () => {
    const chunks = chunksOf(50, 10_000);
    const bytes = await bodyBytes(request(chunks, false));
    expect(bytes.length).toBe(500_000);
    expect(bytes.every((b, i) => b === i % 251)).toBe(true);
  });

  it('reads an empty body as no bytes', async () => {
    expect((await bodyBytes(new Request('http://herald.test/', { method: 'POST' }))).length).toBe(0);
    expect((await bodyBytes(request([], false))).length).toBe(0);
  });
});
