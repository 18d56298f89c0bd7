import type { Principal } from '../core/principal';

/** Hono environment shared by every route: what middleware puts in `c.var`. */
export interface AppEnv {
  Variables: {
    principal: Principal;
    requestId: string;
  };
}
