import { spawnHerald, type HeraldProcess } from '../helpers/process';

/**
 * The server a bench measures: the production build (`dist/cli.js` under plain node, as `npm run herald:prod`
 * runs it), which run.ts builds before the first bench. tsx's on-the-fly transform is for development only.
 */
export const spawnCompiledHerald = (env: Record<string, string> = {}, args: string[] = ['serve']): Promise<HeraldProcess> =>
  spawnHerald(env, args, { compiled: true });
