import { z } from 'zod';
import { pageLimit } from './schemas';

const guidOrName = z.string().trim().min(1).max(256);

/**
 * `PUT /v1/directory/connection`: the Entra app registration, with a client secret or a certificate
 * (`pem` holding the certificate and its private key), exactly one of them.
 */
export const directoryConnectionSchema = z
  .object({
    entraTenantId: guidOrName.regex(/^[A-Za-z0-9.-]+$/, 'must be a tenant id (GUID) or domain'),
    clientId: guidOrName,
    clientSecret: z.string().min(1).max(1024).optional(),
    clientCertificate: z.object({ pem: z.string().min(1).max(64 * 1024) }).strict().optional(),
  })
  .strict()
  .refine((c) => (c.clientSecret === undefined) !== (c.clientCertificate === undefined), {
    message: 'Give exactly one credential: clientSecret or clientCertificate.',
    path: ['clientSecret'],
  });

export type DirectoryConnectionInput = z.input<typeof directoryConnectionSchema>;

/** `GET /v1/directory/connection`: never the secret or the key, only what kind is set and when. */
export interface DirectoryConnection {
  entraTenantId: string;
  clientId: string;
  credential: { type: 'secret' | 'certificate'; setAt: string; thumbprintSha256: string | null };
  updatedAt: string;
}

/** `POST /v1/directory/sync`: the body is optional; `full` asks for a full round instead of the stored delta links. */
export const directorySyncRequestSchema = z.object({ full: z.boolean().default(false) }).strict();

/** `GET /v1/directory/syncs?limit=`: the newest syncs first. */
export const directorySyncListQuerySchema = z.object({ limit: pageLimit }).strict();

export const syncKinds = ['full', 'incremental'] as const;
export const syncStatuses = ['running', 'succeeded', 'failed'] as const;
export type SyncKind = (typeof syncKinds)[number];
export type SyncStatus = (typeof syncStatuses)[number];

export interface SyncChangeCounts {
  added: number;
  updated: number;
  removed: number;
}

export type SyncCounts = Record<'users' | 'groups' | 'devices', SyncChangeCounts>;

/** One sync as `GET /v1/directory/syncs[/{id}]` shows it. */
export interface DirectorySync {
  id: string;
  kind: SyncKind;
  status: SyncStatus;
  startedAt: string;
  finishedAt: string | null;
  counts: SyncCounts | null;
  error: { code: string; message: string } | null;
}

/** `GET /v1/directory/status`: where the directory comes from, how fresh it is, and how large. */
export interface DirectoryStatus {
  /** `entra` once a connection to Microsoft Entra ID is set, else `import` (hand imports only). */
  source: 'entra' | 'import';
  /** The newest sync, whatever its outcome; null before the first. */
  lastSync: DirectorySync | null;
  /** When the newest successful sync finished; null before the first. */
  lastSuccessAt: string | null;
  totals: { users: number; groups: number; devices: number };
}
