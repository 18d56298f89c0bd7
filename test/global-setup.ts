import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTls } from './fakes/tls';

/**
 * One test CA for the whole run, trusted by every test process through NODE_EXTRA_CA_CERTS (read when a process
 * starts, so it is set here, before vitest starts its workers): code that verifies TLS the production way
 * (global fetch, MSAL, jose) reaches the local fakes of Entra ID and Graph over verified HTTPS.
 */
export default function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'herald-test-tls-'));
  const tls = makeTls(dir);
  process.env.TEST_TLS_DIR = dir;
  process.env.NODE_EXTRA_CA_CERTS = tls.caFile;
  return () => rmSync(dir, { recursive: true, force: true });
}
