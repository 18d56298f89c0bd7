/**
 * The environment a worker thread of Herald's is given: the process's, without Herald's own settings. A thread gets
 * what it needs through its workerData, and Node would otherwise copy every variable into it, the secret key
 * (HERALD_SECRET_KEY) and the database's token (HERALD_DB_AUTH_TOKEN) among them.
 */
export const threadEnv = (env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('HERALD_')));
