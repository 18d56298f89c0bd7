import { z } from 'zod';
import { filePath } from './db/file-url';

const port = z.coerce.number().int().min(0).max(65535);
const dbUrl = z
  .string()
  .regex(/^(file:.|libsql:\/\/|https?:\/\/|wss?:\/\/)/, 'must be file:PATH, libsql://HOST, http(s)://HOST or ws(s)://HOST')
  .superRefine((url, ctx) => {
    if (!url.startsWith('file:')) return;
    try {
      // each connection to :memory: is a database of its own: the writer's tables would be invisible to readers
      if (filePath(url) === ':memory:')
        ctx.addIssue({
          code: 'custom',
          message: "an in-memory database (file::memory:) cannot be shared by Herald's connections; name a file, e.g. file:data/herald.db",
        });
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });
const optionalPath = z.string().min(1).optional();
/** 32 bytes, as 64 hex digits or base64: the AES-256-GCM key of the directory connection's secret. */
const secretKey = z
  .string()
  .transform((value, ctx) => {
    const bytes = /^[0-9a-fA-F]{64}$/.test(value)
      ? Buffer.from(value, 'hex')
      : /^[A-Za-z0-9+/_-]+={0,2}$/.test(value)
        ? Buffer.from(value, 'base64')
        : null;
    if (bytes?.length === 32) return bytes;
    ctx.addIssue({ code: 'custom', message: 'must be 32 bytes as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)' });
    return z.NEVER;
  })
  .optional();
/** An https origin (no path): Microsoft's, a national cloud's, or a test double's. */
const origin = z.url({ protocol: /^https$/ }).transform((url) => url.replace(/\/+$/, ''));

export const configSchema = z
  .object({
    HERALD_DB_URL: dbUrl.default('file:data/herald.db'),
    HERALD_DB_AUTH_TOKEN: z.string().min(1).optional(),
    /** `libsql` opens a file through @libsql/client, as a libSQL server is reached (the tests' second run); `local`: Herald's own. */
    HERALD_DB_CLIENT: z.enum(['local', 'libsql']).default('local'),
    HERALD_HOST: z.string().min(1).default('127.0.0.1'),
    HERALD_PORT: port.default(8787),
    HERALD_LOG: z.enum(['json', 'silent']).default('json'),
    HERALD_APNS_KEY_FILE: optionalPath,
    HERALD_APNS_KEY_ID: z.string().min(1).optional(),
    HERALD_APNS_TEAM_ID: z.string().min(1).optional(),
    HERALD_APNS_TOPIC: z.string().min(1).optional(),
    HERALD_APNS_ORIGIN: z.url().default('https://api.push.apple.com'),
    HERALD_FCM_SERVICE_ACCOUNT_FILE: optionalPath,
    HERALD_FCM_ORIGIN: z.url().optional(),
    /** How long a dispatcher holds claimed deliveries; a crashed one's come back after this. Longer than any push takes. */
    /** `off` runs an API-only server: pushes are left to `herald worker` processes on the same database. */
    HERALD_DISPATCHER: z.enum(['on', 'off']).default('on'),
    /** `on` serves the device simulator page at /simulator (npm start turns it on). */
    HERALD_DEVICE_SIMULATOR: z.enum(['on', 'off']).default('off'),
    HERALD_DISPATCH_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
    /** Encrypts the directory connection's secret at rest; unset on a file database, a key file is made beside it. */
    HERALD_SECRET_KEY: secretKey,
    HERALD_ENTRA_AUTHORITY_HOST: origin.default('https://login.microsoftonline.com'),
    HERALD_GRAPH_BASE_URL: origin.default('https://graph.microsoft.com'),
  })
  // a misspelt HERALD_ variable is an error, not a setting silently ignored
  .strict();

export type Config = z.output<typeof configSchema>;

/** Parses the environment; a bad value throws an error that names the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('HERALD_') && v !== ''));
  const parsed = configSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) =>
    i.code === 'unrecognized_keys' ? `  ${i.keys.join(', ')}: not a Herald setting` : `  ${i.path.join('.')}: ${i.message}`,
  );
  throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
}
