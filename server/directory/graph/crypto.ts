import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { AppError } from '../../core/errors';

const VERSION = 'v1';

/**
 * AES-256-GCM with a random 96-bit IV; the tenant id is authenticated with it, so a ciphertext copied
 * to another tenant's row does not decrypt. Stored as `v1:<base64 iv|tag|ciphertext>`.
 */
export function encryptSecret(key: Buffer, tenantId: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(tenantId));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

export function decryptSecret(key: Buffer, tenantId: string, stored: string): string {
  const [version, data] = stored.split(':');
  if (version !== VERSION || !data) throw secretUnreadable();
  const bytes = Buffer.from(data, 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(tenantId));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw secretUnreadable();
  }
}

const secretUnreadable = () =>
  new AppError(
    500,
    'secretUnreadable',
    'The stored directory credential cannot be decrypted with this key (was HERALD_SECRET_KEY or the key file changed?); set the connection again.',
  );

/** The name of the key file made beside a database file when HERALD_SECRET_KEY is unset. */
export const keyFileFor = (databaseFile: string) => `${databaseFile}.secret-key`;

/**
 * The encryption key: `HERALD_SECRET_KEY` when set; otherwise, on a database file, a key generated on
 * first use into a 0600 file beside it (created exclusively, so two processes agree on one key).
 */
export function secretKeySource(database: Database, configured?: Buffer): () => Promise<Buffer> {
  let key: Promise<Buffer> | undefined = configured ? Promise.resolve(configured) : undefined;
  return () => {
    key ??= keyFromFile(database).catch((error: unknown) => {
      key = undefined;
      throw error;
    });
    return key;
  };
}

async function keyFromFile(database: Database): Promise<Buffer> {
  const [main] =
    database.client.protocol === 'file'
      ? await database.db.all<{ file: string }>(sql`SELECT file FROM pragma_database_list WHERE name = 'main'`)
      : [];
  if (!main?.file)
    throw new AppError(
      500,
      'secretKeyMissing',
      'Set HERALD_SECRET_KEY (32 bytes, base64 or hex) to store directory credentials on a database server.',
    );
  const path = keyFileFor(main.file);
  try {
    const handle = await open(path, 'wx', 0o600);
    const fresh = randomBytes(32);
    try {
      await handle.writeFile(`${fresh.toString('base64')}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // made by another process, which may still be writing it
  for (let attempt = 0; ; attempt++) {
    const bytes = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
    if (bytes.length === 32) return bytes;
    if (attempt === 20) throw new AppError(500, 'secretKeyInvalid', `The key file ${path} does not hold a 32-byte base64 key.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
