import type { Principal } from '../core/principal';
import type { EntraVerifier } from '../identity/entra-token';

/** Hono environment shared by every route: what middleware puts in `c.var`. */
export interface AppEnv {
  Variables: {
    principal: Principal;
    /** Verifies Entra ID access tokens (one per app, so its key cache serves every request). */
    entraVerifier: EntraVerifier;
    requestId: string;
    /** The bytes of a large chunked body, read as they arrived by the body limit of a route that reads its body as bytes (app.ts). */
    body?: Uint8Array;
  };
}
