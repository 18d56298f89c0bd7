import { z } from 'zod';

export { entraScopes, HERALD_API_SCOPE } from './entra-scopes';

/** `GET /v1/auth/entra?tenant=`: the Entra tenant to sign in to, by its id (GUID) or one of its verified domains. */
export const entraSignInQuerySchema = z.strictObject({
  tenant: z
    .string()
    .trim()
    .min(1)
    .max(256)
    .regex(/^[A-Za-z0-9.-]+$/, 'must be an Entra tenant id (GUID) or verified domain'),
});

/**
 * What a client needs to sign a user in with Microsoft Entra ID (authorization code flow with PKCE):
 * `authority` is `<HERALD_ENTRA_AUTHORITY_HOST>/<Entra tenant id>`; `scopes` are exactly
 * `api://<clientId>/Notifications.Send` (Herald's API) and `offline_access` (a refresh token).
 */
export const entraSignInSchema = z.strictObject({
  authority: z.string(),
  clientId: z.string(),
  scopes: z.array(z.string()),
});
export type EntraSignIn = z.output<typeof entraSignInSchema>;
