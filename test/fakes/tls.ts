import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempFile } from './files';

export interface TestTls {
  /** PEM of the CA that signed `cert`: trust it (ApnsOptions.ca, the FCM agent, or NODE_EXTRA_CA_CERTS=caFile). */
  ca: string;
  caFile: string;
  /** The server's certificate and key, valid for every name a fake stands in for. */
  cert: string;
  key: string;
}

const NAMES = [
  'IP:127.0.0.1',
  'DNS:localhost',
  'DNS:api.push.apple.com',
  'DNS:api.sandbox.push.apple.com',
  'DNS:fcm.googleapis.com',
  'DNS:oauth2.googleapis.com',
];

let made: TestTls | undefined;

/**
 * A CA and a server certificate made once per process with the `openssl` CLI (in Debian's base image). Nothing
 * trusts this CA unless told to (ApnsOptions.ca, the FCM agent), so a test can also show that TLS stays verified.
 */
export function testTls(): TestTls {
  return (made ??= makeTls(dirname(tempFile('tls.cnf', ''))));
}

/**
 * The run's CA that every test process trusts the production way, through NODE_EXTRA_CA_CERTS (set by
 * test/global-setup.ts before vitest starts its workers): for fakes reached through code that takes no CA of
 * its own (global fetch, MSAL, jose), such as Entra ID and Graph.
 */
export function trustedTls(): TestTls {
  const dir = process.env.TEST_TLS_DIR;
  if (!dir || !existsSync(join(dir, 'server.pem')))
    throw new Error('No trusted test CA: run the tests through test/vitest.config.ts, whose global setup makes it.');
  return readTls(dir);
}

/** Makes a CA and a server certificate in `dir`. */
export function makeTls(dir: string): TestTls {
  writeFileSync(
    join(dir, 'tls.cnf'),
    `subjectAltName=${NAMES.join(',')}\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\n`,
  );
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.pem'),
    '-days',
    '3',
    '-subj',
    '/CN=Herald test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  openssl('req', ...ec, '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=localhost');
  openssl(
    'x509',
    '-req',
    '-in',
    at('server.csr'),
    '-CA',
    at('ca.pem'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-days',
    '3',
    '-extfile',
    at('tls.cnf'),
    '-out',
    at('server.pem'),
  );
  return readTls(dir);
}

function readTls(dir: string): TestTls {
  const at = (name: string) => join(dir, name);
  return {
    ca: readFileSync(at('ca.pem'), 'utf8'),
    caFile: at('ca.pem'),
    cert: readFileSync(at('server.pem'), 'utf8'),
    key: readFileSync(at('server.key'), 'utf8'),
  };
}
