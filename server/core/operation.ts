import type { z } from 'zod';
import type { Permission } from '../../shared/permissions';
import { errorSchema } from '../../shared/schemas';

/** One answer of a route: what it means and, unless it has no body (204), the zod schema of its JSON. */
export interface OperationResponse {
  description: string;
  schema?: z.ZodType;
}

/**
 * A route as the API description (`/openapi.json`) tells it, declared by its feature beside its routes from the
 * same zod schemas the route validates with and answers in.
 */
export interface Operation {
  summary: string;
  /** The permission the route checks; absent for routes any valid token may call. */
  permission?: Permission | `${Permission} and ${Permission}`;
  body?: z.ZodType;
  /** The body may be left out (then it reads as `{}`). */
  optionalBody?: true;
  query?: z.ZodType;
  /** The path parameters; `{id}` alone is the shared `idParam` unless given. */
  params?: z.ZodType;
  /** Status -> the answer; errors other than those listed answer with `errorSchema` too. */
  responses: Record<number, OperationResponse>;
  /** Authentication other than a bearer token (a Herald API token or an Entra ID access token); `none`: public. */
  auth?: 'device' | 'none';
}

/** Operations keyed `METHOD /hono/path`. */
export type Operations = Record<string, Operation>;

/** A success answer with a JSON body. */
export const answer = (description: string, schema: z.ZodType): OperationResponse => ({ description, schema });
/** An error answer worth naming (every route may also answer others); its body is `errorSchema`. */
export const failure = (description: string): OperationResponse => ({ description, schema: errorSchema });
/** 204, no body. */
export const noContent = (description: string): OperationResponse => ({ description });
