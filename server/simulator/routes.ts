import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { AppEnv } from '../http/env';

// Beside this file in the source, beside the bundle in dist/ (the build copies it).
const publicDir = new URL('./public/', import.meta.url);

/**
 * The device simulator at /simulator: a static page that enrols a device, checks in and reads its inbox
 * through the device API, as a phone would. Off unless HERALD_DEVICE_SIMULATOR=on (npm start turns it on):
 * on a real server it would only be a page that asks admins to paste their token.
 */
export function simulatorRoutes() {
  // read once at start; the page has no server-side state
  const page = readFileSync(new URL('index.html', publicDir), 'utf8');
  const script = readFileSync(new URL('simulator.js', publicDir), 'utf8');
  const headers = {
    'cache-control': 'no-store',
    // its own script and the API of this origin, nothing else
    'content-security-policy':
      "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  };
  return new Hono<AppEnv>()
    .get('/simulator', (c) => c.html(page, 200, headers))
    .get('/simulator/simulator.js', (c) => c.body(script, 200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }));
}
