import { Hono } from 'hono';
import type { AppEnv } from '../http/env';
import { openApiDocument } from './document';

/** `GET /openapi.json`: public, like the API description of any serious HTTP API. Built once. */
export const openApiRoutes = () => {
  const document = openApiDocument();
  return new Hono<AppEnv>().get('/openapi.json', (c) => c.json(document));
};
