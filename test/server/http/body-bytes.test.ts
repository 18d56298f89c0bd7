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

const LIMIT = 1024 * 1024;

describe('reading a request body into one buffer', () => {
  it('copies a body of declared length into one buffer of exactly that length', async () => {
    const chunks = chunksOf(40, 16 * 1024);
    const bytes = await bodyBytes(request(chunks, true), LIMIT);
    expect(bytes.length).toBe(40 * 16 * 1024);
    // one allocation, no slack and no second copy
    expect(bytes.buffer.byteLength).toBe(bytes.length);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.every((b, i) => b === i % 251)).toBe(true);
  });

  it('grows its buffer for a body without a length (chunked), keeping every byte in order', async () => {
    const chunks = chunksOf(50, 10_000);
    const bytes = await bodyBytes(request(chunks, false), LIMIT);
    expect(bytes.length).toBe(500_000);
    expect(bytes.every((b, i) => b === i % 251)).toBe(true);
  });

  it('reads an empty body as no bytes', async () => {
    expect((await bodyBytes(new Request('http://herald.test/', { method: 'POST' }), LIMIT)).length).toBe(0);
    expect((await bodyBytes(request([], false), LIMIT)).length).toBe(0);
  });

  it('refuses a chunked body as soon as it passes the limit, its buffer never larger than the limit', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        // 3 MB in all, should it be read to the end
        if (++pulled > 30) controller.close();
        else controller.enqueue(new Uint8Array(100_000));
      },
    });
    const req = new Request('http://herald.test/v1/directory/import', { method: 'POST', body: endless, duplex: 'half' } as RequestInit);
    await expect(bodyBytes(req, LIMIT)).rejects.toMatchObject({ status: 413, code: 'payloadTooLarge' });
    // 11 chunks of 100,000 bytes pass 1 MiB: read no further than that
    expect(pulled).toBeLessThanOrEqual(12);
  });

  it('refuses a body whose declared length is over the limit without reading it', async () => {
    await expect(bodyBytes(request(chunksOf(1, 10), false), 5)).rejects.toMatchObject({ status: 413 });
    const declared = new Request('http://herald.test/', {
      method: 'POST',
      body: new Uint8Array(2 * LIMIT),
      headers: { 'content-length': String(2 * LIMIT) },
    });
    await expect(bodyBytes(declared, LIMIT)).rejects.toMatchObject({ status: 413, code: 'payloadTooLarge' });
  });

  it('takes a chunked body of exactly the limit, in a buffer no larger than the limit', async () => {
    const bytes = await bodyBytes(request(chunksOf(16, 64 * 1024), false), LIMIT);
    expect(bytes.length).toBe(LIMIT);
    expect(bytes.buffer.byteLength).toBe(LIMIT);
  });
});
