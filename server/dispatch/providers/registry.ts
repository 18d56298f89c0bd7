import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../../config';
import type { Logger } from '../../core/logger';
import { createApnsProvider } from './apns';
import { createFcmProvider } from './fcm';
import { createSimulator } from './simulator';
import type { PushProvider, PushService } from './types';

export interface Providers {
  /** The provider that handles a service: the real one when configured, else the simulator. */
  for(service: PushService): PushProvider;
  /** One line per service saying whether it is real or simulated, for the server's start-up message. */
  describe(): string[];
  close(): Promise<void>;
}

export interface ProvidersOptions {
  /** A CA to trust in addition to the system's (tests' fakes); a server uses NODE_EXTRA_CA_CERTS instead. */
  ca?: string;
}

const APNS_VARS = ['HERALD_APNS_KEY_FILE', 'HERALD_APNS_KEY_ID', 'HERALD_APNS_TEAM_ID', 'HERALD_APNS_TOPIC'] as const;
const PUSH_VARS = [...APNS_VARS, 'HERALD_APNS_ORIGIN', 'HERALD_FCM_SERVICE_ACCOUNT_FILE', 'HERALD_FCM_ORIGIN'] as const;

/** The configuration the push providers are built from: nothing else (no database token, no secret key). */
export type PushConfig = Pick<Config, (typeof PUSH_VARS)[number]>;

/** Only the push settings of `config`, for a place that needs no more (the push thread is given exactly these). */
export const pushConfigOf = (config: PushConfig): PushConfig =>
  Object.fromEntries(PUSH_VARS.map((name) => [name, config[name]])) as PushConfig;

/**
 * Builds every provider once from configuration. Throws an error naming the variable for a partial APNs
 * configuration, an unreadable or unusable key or service account file, or an FCM origin without credentials.
 */
export function createProviders(config: PushConfig, log: Logger, options: ProvidersOptions = {}): Providers {
  const apns = apnsProvider(config, log, options);
  const fcm = fcmProvider(config, log, options);
  const providers: Record<PushService, PushProvider> = { apns: apns.provider, fcm: fcm.provider };
  return {
    for: (service) => providers[service],
    describe: () => [`apns: ${apns.description}`, `fcm: ${fcm.description}`],
    close: async () => {
      await Promise.all([apns.provider.close(), fcm.provider.close()]);
    },
  };
}

function apnsProvider(config: PushConfig, log: Logger, options: ProvidersOptions) {
  const missing = APNS_VARS.filter((name) => !config[name]);
  if (missing.length === APNS_VARS.length) {
    return { provider: createSimulator('apns'), description: `simulated (set ${APNS_VARS.join(', ')} for real pushes)` };
  }
  if (missing.length > 0) {
    throw new Error(
      `Incomplete APNs configuration: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing (set all four APNs variables, or none to use the simulator).`,
    );
  }
  const { HERALD_APNS_KEY_ID: keyId, HERALD_APNS_TEAM_ID: teamId, HERALD_APNS_TOPIC: topic, HERALD_APNS_ORIGIN: origin } = config;
  const provider = createApnsProvider({
    key: apnsKey(config.HERALD_APNS_KEY_FILE!),
    keyId: keyId!,
    teamId: teamId!,
    topic: topic!,
    origin,
    ca: options.ca,
    log,
  });
  return { provider, description: `real (${origin}, topic ${topic})` };
}

function apnsKey(file: string): KeyObject {
  const pem = readConfigured('HERALD_APNS_KEY_FILE', file);
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (err) {
    throw new Error(`HERALD_APNS_KEY_FILE: ${file} is not a private key (${(err as Error).message}).`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`HERALD_APNS_KEY_FILE: ${file} is not an EC P-256 key (the .p8 file Apple issues).`);
  }
  return key;
}

function fcmProvider(config: PushConfig, log: Logger, options: ProvidersOptions) {
  const file = config.HERALD_FCM_SERVICE_ACCOUNT_FILE;
  if (!file) {
    if (config.HERALD_FCM_ORIGIN)
      throw new Error(
        'HERALD_FCM_ORIGIN is set but HERALD_FCM_SERVICE_ACCOUNT_FILE is not: set both for real pushes, or neither for the simulator.',
      );
    return { provider: createSimulator('fcm'), description: 'simulated (set HERALD_FCM_SERVICE_ACCOUNT_FILE for real pushes)' };
  }
  const projectId = serviceAccountProject(file);
  let provider: PushProvider;
  try {
    provider = createFcmProvider({ serviceAccountFile: file, origin: config.HERALD_FCM_ORIGIN, ca: options.ca, log });
  } catch (err) {
    throw new Error(`HERALD_FCM_SERVICE_ACCOUNT_FILE: ${file} is not a usable service account (${(err as Error).message}).`);
  }
  const via = config.HERALD_FCM_ORIGIN ? ` via ${config.HERALD_FCM_ORIGIN}` : '';
  return { provider, description: `real (project ${projectId}${via})` };
}

function serviceAccountProject(file: string): string {
  let json: unknown;
  try {
    json = JSON.parse(readConfigured('HERALD_FCM_SERVICE_ACCOUNT_FILE', file));
  } catch (err) {
    if (err instanceof SyntaxError) throw new Error(`HERALD_FCM_SERVICE_ACCOUNT_FILE: ${file} is not JSON.`);
    throw err;
  }
  const projectId = typeof json === 'object' && json !== null && 'project_id' in json ? json.project_id : undefined;
  if (typeof projectId !== 'string' || !projectId) throw new Error(`HERALD_FCM_SERVICE_ACCOUNT_FILE: ${file} has no project_id.`);
  return projectId;
}

function readConfigured(variable: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
}
