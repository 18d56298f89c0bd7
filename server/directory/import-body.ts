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
 * all of it old-generation garbage afterwards). Any body that is not plainly `{"users": [...], "groups": [...],
 * "devices": [...]}` with valid objects is read again whole, exactly as before, so every refusal is the one
 * `directoryImportSchema` gives.
 */
export function parseImportBody(bytes: Uint8Array): DirectoryImport {
  return splitImport(bytes) ?? parseOr400(directoryImportSchema, parseWhole(bytes));
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
 * moment that varied run to run, so the peak of an import of 100k users, 200k devices and 2k groups in 7 calls passed
 * or failed 200 MB by chance (178-219 MB on the group call alone).
 */
const COLLECT_EVERY = 4 * 1024 * 1024;

/** The validated import, or null when the body is anything but the plain shape with valid objects (see parseImportBody). */
function splitImport(bytes: Uint8Array): DirectoryImport | null {
  const out: DirectoryImport = { users: [], groups: [], devices: [] };
  const seen = new Set<string>();
  let collectAt = COLLECT_EVERY;
  const skip = (i: number) => {
    while (isSpace(bytes[i])) i++;
    return i;
  };
  // a UTF-8 byte order mark, which Request.json() drops too
  let i = skip(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
  if (bytes[i] !== OPEN_BRACE) return null;
  i = skip(i + 1);
  if (bytes[i] !== CLOSE_BRACE)
    for (;;) {
      if (bytes[i] !== QUOTE) return null;
      const keyEnd = bytes.indexOf(QUOTE, i + 1);
      // an escaped key reads as none of the three, and so goes the long way
      const key = keyEnd < 0 ? '' : decoder.decode(bytes.subarray(i + 1, keyEnd));
      if (!Object.hasOwn(itemSchemas, key) || seen.has(key)) return null;
      seen.add(key);
      const list = out[key as keyof DirectoryImport] as unknown[];
      const schema = itemSchemas[key as keyof DirectoryImport];
      i = skip(keyEnd + 1);
      if (bytes[i] !== COLON) return null;
      i = skip(i + 1);
      if (bytes[i] !== OPEN_BRACKET) return null;
      i = skip(i + 1);
      if (bytes[i] !== CLOSE_BRACKET)
        for (;;) {
          const end = objectEnd(bytes, i);
          if (end < 0) return null;
          let value: unknown;
          try {
            value = JSON.parse(decoder.decode(bytes.subarray(i, end)));
          } catch {
            return null;
          }
          const item = schema.safeParse(value);
          if (!item.success) return null;
          list.push(item.data);
          if (end >= collectAt) {
            collectGarbage();
            collectAt = end + COLLECT_EVERY;
          }
          i = skip(end);
          if (bytes[i] === CLOSE_BRACKET) break;
          if (bytes[i] !== COMMA) return null;
          i = skip(i + 1);
        }
      i = skip(i + 1);
      if (bytes[i] === CLOSE_BRACE) break;
      if (bytes[i] !== COMMA) return null;
      i = skip(i + 1);
    }
  return skip(i + 1) === bytes.length ? out : null;
}

/** The index just past the JSON object starting at `start`, or -1 if none starts there or it never closes. */
function objectEnd(bytes: Uint8Array, start: number): number {
  if (bytes[start] !== OPEN_BRACE) return -1;
  let depth = 0;
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === QUOTE) {
      // to the closing quote, over escaped characters
      for (i++; i < bytes.length && bytes[i] !== QUOTE; i++) if (bytes[i] === BACKSLASH) i++;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
    else if ((b === CLOSE_BRACE || b === CLOSE_BRACKET) && --depth === 0) return i + 1;
  }
  return -1;
}
