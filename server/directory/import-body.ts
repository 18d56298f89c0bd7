import type { z } from 'zod';
import {
  directoryDeviceSchema,
  directoryGroupSchema,
  directoryImportSchema,
  directoryUserSchema,
  type DirectoryImport,
} from '../../shared/directory';
import { invalidRequest } from '../core/errors';
import { collectGarbage } from '../core/memory';
import { parseOr400 } from '../core/parse';

/**
 * The body of `POST /v1/directory/import`, read from its bytes one object at a time: each user, device and group is
 * parsed and validated alone, so the process never holds the whole body as a string and as a tree of parsed objects
 * beside the validated copy (a 200,000-device directory is tens of MB of JSON, several times that once parsed, and
 * all of it old-generation garbage afterwards). The bytes are read across the chunks they arrived in, never copied
 * into one buffer: that was a second copy of the whole body beside its chunks (16 MB for 50,000 devices), a block
 * allocated and freed again by every import, and without it a server that imported 200,000 devices in 7 calls kept
 * 133-137 MB rather than 157-164 MB. Any body that is not plainly `{"users": [...], "groups": [...], "devices": [...]}`
 * with valid objects is read again whole, exactly as before, so every refusal is the one `directoryImportSchema` gives.
 */
export function parseImportBody(chunks: readonly Uint8Array[]): DirectoryImport {
  return splitImport(chunks) ?? parseOr400(directoryImportSchema, parseWhole(joined(chunks)));
}

function joined(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

function parseWhole(bytes: Uint8Array): unknown {
  try {
    // as Request.json() decodes: UTF-8, a byte order mark dropped
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw invalidRequest('The request body is not valid JSON.');
  }
}

const itemSchemas: { [K in keyof DirectoryImport]: z.ZodType<DirectoryImport[K][number]> } = {
  users: directoryUserSchema,
  groups: directoryGroupSchema,
  devices: directoryDeviceSchema,
};

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const isSpace = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
const decoder = new TextDecoder();

/**
 * Body bytes read between two full garbage collections. Each object read leaves its text and its parsed form behind
 * (zod validates into a new object), and V8 let that garbage grow the heap until a major collection of its own, at a
 * moment that varied run to run: reading a 16 MB device body ended with 60-67 MB of heap (52-59 MB in use), and the
 * process's peak over an import of 100k users, 200k devices and 2k groups in 7 calls was 188-214 MB. With a collection
 * every 4 MB read (4 for 50,000 devices, 30-50 ms each, a few % of the import's CPU) the heap ended at 48-52 MB and the
 * peak was 179-189 MB over 7 runs (the build before: 186-219 MB).
 */
const COLLECT_EVERY = 4 * 1024 * 1024;

/**
 * The bytes of a body that arrived in `chunks`, in order, seen through a window: the chunk at hand or, when what is
 * being read runs on past its end, a scratch buffer holding its unread rest and as much of the next chunks as needed.
 * The window holds at most one object (or key) and one chunk more, not the body.
 */
class ChunkedBytes {
  /** The window's bytes are `window[pos, end)`. */
  window: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  private next = 0;
  private scratch: Uint8Array = new Uint8Array(0);

  constructor(private readonly chunks: readonly Uint8Array[]) {}

  /** Adds the next chunk to the window; false at the body's end. */
  more(): boolean {
    const chunk = this.chunks[this.next];
    if (chunk === undefined) return false;
    this.next++;
    const rest = this.end - this.pos;
    if (rest === 0) {
      this.window = chunk;
    } else {
      if (this.scratch.length < rest + chunk.length) {
        const grown = new Uint8Array(Math.max(rest + chunk.length, this.scratch.length * 2));
        grown.set(this.window.subarray(this.pos, this.end));
        this.scratch = grown;
      } else if (this.window === this.scratch) this.scratch.copyWithin(0, this.pos, this.end);
      else this.scratch.set(this.window.subarray(this.pos, this.end));
      this.scratch.set(chunk, rest);
      this.window = this.scratch;
    }
    this.pos = 0;
    this.end = rest + chunk.length;
    return true;
  }

  /** The byte at `pos`, or undefined at the body's end. */
  peek(): number | undefined {
    while (this.pos >= this.end) if (!this.more()) return undefined;
    return this.window[this.pos];
  }

  skipSpace(): void {
    while (isSpace(this.peek())) this.pos++;
  }

  /** Past the byte at `pos` (one already looked at) and the white space after it. */
  skipPast(): void {
    this.pos++;
    this.skipSpace();
  }

  /** At least `n` bytes from `pos` in the window, unless the body ends first. */
  want(n: number): void {
    while (this.end - this.pos < n && this.more());
  }

  /** The window index just past the token starting at `pos` that `endOf` finds, or -1 if the body ends first. */
  through(endOf: (bytes: Uint8Array, start: number, end: number) => number): number {
    for (;;) {
      const found = endOf(this.window, this.pos, this.end);
      if (found >= 0) return found;
      // at least twice as much to look through next time, so a token across many chunks is not scanned again for each
      const wanted = 2 * (this.end - this.pos);
      if (!this.more()) return -1;
      this.want(wanted);
    }
  }
}

/** The validated import, or null when the body is anything but the plain shape with valid objects (see parseImportBody). */
function splitImport(chunks: readonly Uint8Array[]): DirectoryImport | null {
  const out: DirectoryImport = { users: [], groups: [], devices: [] };
  const seen = new Set<string>();
  const bytes = new ChunkedBytes(chunks);
  let uncollected = 0;
  // a UTF-8 byte order mark, which Request.json() drops too
  bytes.want(3);
  const { window: w, pos: p } = bytes;
  if (bytes.end - p >= 3 && w[p] === 0xef && w[p + 1] === 0xbb && w[p + 2] === 0xbf) bytes.pos += 3;
  bytes.skipSpace();
  if (bytes.peek() !== OPEN_BRACE) return null;
  bytes.skipPast();
  if (bytes.peek() !== CLOSE_BRACE)
    for (;;) {
      if (bytes.peek() !== QUOTE) return null;
      const keyEnd = bytes.through(stringEnd);
      // an escaped key reads as none of the three, and so goes the long way
      const key = keyEnd < 0 ? '' : decoder.decode(bytes.window.subarray(bytes.pos + 1, keyEnd - 1));
      if (!Object.hasOwn(itemSchemas, key) || seen.has(key)) return null;
      seen.add(key);
      const list = out[key as keyof DirectoryImport] as unknown[];
      const schema = itemSchemas[key as keyof DirectoryImport];
      bytes.pos = keyEnd;
      bytes.skipSpace();
      if (bytes.peek() !== COLON) return null;
      bytes.skipPast();
      if (bytes.peek() !== OPEN_BRACKET) return null;
      bytes.skipPast();
      if (bytes.peek() !== CLOSE_BRACKET)
        for (;;) {
          const end = bytes.through(objectEnd);
          if (end < 0) return null;
          let value: unknown;
          try {
            value = JSON.parse(decoder.decode(bytes.window.subarray(bytes.pos, end)));
          } catch {
            return null;
          }
          const item = schema.safeParse(value);
          if (!item.success) return null;
          list.push(item.data);
          uncollected += end - bytes.pos;
          if (uncollected >= COLLECT_EVERY) {
            collectGarbage();
            uncollected = 0;
          }
          bytes.pos = end;
          bytes.skipSpace();
          if (bytes.peek() === CLOSE_BRACKET) break;
          if (bytes.peek() !== COMMA) return null;
          bytes.skipPast();
        }
      bytes.skipPast();
      if (bytes.peek() === CLOSE_BRACE) break;
      if (bytes.peek() !== COMMA) return null;
      bytes.skipPast();
    }
  bytes.skipPast();
  return bytes.peek() === undefined ? out : null;
}

/** The index just past the quoted key starting at `start` (its closing quote, escapes not read), or -1 if it does not close before `end`. */
function stringEnd(bytes: Uint8Array, start: number, end: number): number {
  const close = bytes.subarray(start + 1, end).indexOf(QUOTE);
  return close < 0 ? -1 : start + close + 2;
}

/** The index just past the JSON object starting at `start`, or -1 if none starts there or it does not close before `end`. */
function objectEnd(bytes: Uint8Array, start: number, end: number): number {
  if (bytes[start] !== OPEN_BRACE) return -1;
  let depth = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b === QUOTE) {
      // to the closing quote, over escaped characters
      for (i++; i < end && bytes[i] !== QUOTE; i++) if (bytes[i] === BACKSLASH) i++;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
    else if ((b === CLOSE_BRACE || b === CLOSE_BRACKET) && --depth === 0) return i + 1;
  }
  return -1;
}
