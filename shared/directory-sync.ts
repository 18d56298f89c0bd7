import { z } from 'zod';
import { pageLimit, timestamp } from './schemas';

const guidOrName = z.string().trim().min(1).max(256);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const guid = z
  .string()
  .trim()
  .regex(GUID, 'must be an application (client) id (GUID)')
  .transform((id) => id.toLowerCase());

/**
 * `PUT /v1/directory/connection`: the Entra app registration, with a client secret or a certificate
 * (`pem` holding the certificate and its private key), exactly one of them. `allowedClientIds`, when given, are
 * the only client applications whose access tokens for Herald sign in (their `azp`, or `appid` in v1.0 tokens);
 * `null` lifts that restriction, and leaving it out keeps the connection's list while its tenant and app stay the
 * same, so a script that only rotates the secret cannot turn the restriction off.
 */
export const directoryConnectionSchema = z
  .object({
    entraTenantId: guidOrName.regex(/^[A-Za-z0-9.-]+$/, 'must be a tenant id (GUID) or domain'),
    /** Kept in lower case when a GUID, as Entra writes it in a token's `aud` (so the same app is never taken for another). */
    clientId: guidOrName.transform((id) => (GUID.test(id) ? id.toLowerCase() : id)),
    clientSecret: z.string().min(1).max(1024).optional(),
    clientCertificate: z
      .object({
        pem: z
          .string()
          .min(1)
          .max(64 * 1024),
      })
      .strict()
      .optional(),
    allowedClientIds: z
      .array(guid)
      .min(1)
      .max(50)
      .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id')
      .nullable()
      .optional(),
  })
  .strict()
  .refine((c) => (c.clientSecret === undefined) !== (c.clientCertificate === undefined), {
    message: 'Give exactly one credential: clientSecret or clientCertificate.',
    path: ['clientSecret'],
  });

export type DirectoryConnectionInput = z.input<typeof directoryConnectionSchema>;

/** `GET /v1/directory/connection`: never the secret or the key, only what kind is set and when. */
export const directoryConnectionViewSchema = z.strictObject({
  entraTenantId: z.string(),
  clientId: z.string(),
  /** Null: tokens of any client application the Entra tenant consented to sign in. */
  allowedClientIds: z.array(z.string()).nullable(),
  credential: z.strictObject({ type: z.enum(['secret', 'certificate']), setAt: timestamp, thumbprintSha256: z.string().nullable() }),
  updatedAt: timestamp,
});
export type DirectoryConnection = z.output<typeof directoryConnectionViewSchema>;

/** `POST /v1/directory/sync`: the body is optional; `full` asks for a full round instead of the stored delta links. */
export const directorySyncRequestSchema = z.object({ full: z.boolean().default(false) }).strict();

/** `GET /v1/directory/syncs?limit=`: the newest syncs first. */
export const directorySyncListQuerySchema = z.object({ limit: pageLimit }).strict();

export const syncKinds = ['full', 'incremental'] as const;
export const syncStatuses = ['running', 'succeeded', 'failed'] as const;
export type SyncKind = (typeof syncKinds)[number];
export type SyncStatus = (typeof syncStatuses)[number];

const changeCounts = z.strictObject({ added: z.number().int(), updated: z.number().int(), removed: z.number().int() });
export type SyncChangeCounts = z.output<typeof changeCounts>;

const syncCounts = z.strictObject({ users: changeCounts, groups: changeCounts, devices: changeCounts });
export type SyncCounts = z.output<typeof syncCounts>;

/** One sync as `GET /v1/directory/syncs[/{id}]` shows it. */
export const directorySyncViewSchema = z.strictObject({
  id: z.string(),
  kind: z.enum(syncKinds),
  status: z.enum(syncStatuses),
  startedAt: timestamp,
  finishedAt: timestamp.nullable(),
  counts: syncCounts.nullable(),
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
});
export type DirectorySync = z.output<typeof directorySyncViewSchema>;

/** The 202 answer of `POST /v1/directory/sync`. */
export const directorySyncStartedSchema = directorySyncViewSchema.pick({ id: true, status: true, kind: true });

/** `GET /v1/directory/status`: where the directory comes from, how fresh it is, and how large. */
export const directoryStatusSchema = z.strictObject({
  /** `entra` once a connection to Microsoft Entra ID is set, else `import` (hand imports only). */
  source: z.enum(['entra', 'import']),
  /** The newest sync, whatever its outcome; null before the first. */
  lastSync: directorySyncViewSchema.nullable(),
  /** When the newest successful sync finished; null before the first. */
  lastSuccessAt: timestamp.nullable(),
  totals: z.strictObject({ users: z.number().int(), groups: z.number().int(), devices: z.number().int() }),
});
export type DirectoryStatus = z.output<typeof directoryStatusSchema>;
