import { AppError } from '../../core/errors';
import { httpsRequest } from './https';

/** What a sync reports as it reads (the CLI's progress line). */
export interface SyncProgress {
  objects: number;
  pages: number;
  throttleWaits: number;
  waitedMs: number;
}

export interface GraphClientOptions {
  graphBaseUrl: string;
  token: () => Promise<string>;
  /** All the waiting for 429/503 a sync may do before it fails (60 s). */
  throttleBudgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
  onProgress?: (progress: SyncProgress) => void;
}

export interface GraphPage {
  value: Record<string, unknown>[];
  nextLink: string | null;
  deltaLink: string | null;
}

/** Graph answered that a stored delta link is no longer valid (410 syncStateNotFound and its kin). */
export class DeltaExpired extends Error {}

const THROTTLED = new Set([429, 503]);
/**
 * How long one sync reuses a token before asking MSAL again. MSAL hands out a cached token until 5 minutes before
 * it expires, so one a minute old is still good; asking at every page cost about 1 ms of CPU each (100 pages of devices).
 */
const TOKEN_REUSE_MS = 60_000;
const FIRST_BACKOFF_MS = 1_000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reads pages of Microsoft Graph, honouring Retry-After on 429 and 503 within one budget of waiting per sync. */
export function graphClient(options: GraphClientOptions) {
  const budget = options.throttleBudgetMs ?? 60_000;
  const sleep = options.sleep ?? defaultSleep;
  const progress: SyncProgress = { objects: 0, pages: 0, throttleWaits: 0, waitedMs: 0 };
  let held: { token: string; at: number } | null = null;
  const token = async () => {
    if (!held || performance.now() - held.at > TOKEN_REUSE_MS) held = { token: await options.token(), at: performance.now() };
    return held.token;
  };

  /** The text of Graph's 200 answer to `url`, after any throttling waits. */
  async function get(url: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const res = await httpsRequest(url, {
        headers: { authorization: `Bearer ${await token()}`, accept: 'application/json' },
        text: true,
      });
      if (res.status === 200) return res.body as string;
      if (THROTTLED.has(res.status)) {
        const wait = retryAfterMs(res.headers['retry-after']) ?? backoff(attempt);
        if (progress.waitedMs + wait > budget)
          throw new AppError(
            503,
            'graphThrottled',
            `Microsoft Graph kept answering ${res.status} past the ${budget / 1000} s this sync may wait; nothing was changed.`,
          );
        progress.throttleWaits++;
        progress.waitedMs += wait;
        options.onProgress?.({ ...progress });
        await sleep(wait);
        continue;
      }
      const error = graphError(json(res.body as string));
      if (res.status === 410 || error.code === 'syncStateNotFound' || error.code === 'resyncRequired') throw new DeltaExpired(error.code);
      throw new AppError(
        502,
        res.status === 401 || res.status === 403 ? 'graphForbidden' : 'graphFailed',
        `Microsoft Graph answered ${res.status} to ${describe(url)}${error.code ? ` (${error.code}: ${error.message})` : ''}.`,
      );
    }
  }

  function page(text: string, url: string): GraphPage {
    const b = json(text) as { value?: unknown; '@odata.nextLink'?: unknown; '@odata.deltaLink'?: unknown } | null;
    if (!b || !Array.isArray(b.value))
      throw new AppError(502, 'graphFailed', `Microsoft Graph answered ${describe(url)} without a value list.`);
    progress.pages++;
    progress.objects += b.value.length;
    options.onProgress?.({ ...progress });
    return {
      value: b.value as Record<string, unknown>[],
      nextLink: typeof b['@odata.nextLink'] === 'string' ? b['@odata.nextLink'] : null,
      deltaLink: typeof b['@odata.deltaLink'] === 'string' ? b['@odata.deltaLink'] : null,
    };
  }

  return {
    progress,
    /**
     * Every page from `url` on, following `@odata.nextLink`; returns the final `@odata.deltaLink` (null for a plain list).
     * The next page is asked for as soon as its link is found in this page's text, so Graph prepares it while this
     * one is parsed and folded; the link the parsed page names is the one followed (a wrong guess is only a wasted read).
     */
    async readAll(path: string, onPage: (items: Record<string, unknown>[]) => void, startAt?: string): Promise<string | null> {
      let url: string | null = startAt ?? `${options.graphBaseUrl}${path}`;
      let ahead: { url: string; text: Promise<string> } | null = null;
      while (url) {
        const text: string = ahead?.url === url ? await ahead.text : await get(url);
        const guess = nextLinkIn(text, url);
        ahead = guess === null ? null : { url: guess, text: get(guess) };
        // awaited when its page is read; if it never is (a wrong guess, a failure meanwhile), its failure is nobody's
        ahead?.text.catch(() => undefined);
        const p = page(text, url);
        onPage(p.value);
        if (p.deltaLink) return p.deltaLink;
        url = p.nextLink;
      }
      return null;
    },
  };
}

const NEXT_LINK = '"@odata.nextLink":';
const stringLiteral = /\s*("(?:[^"\\]|\\.)*")/y;

/**
 * The `@odata.nextLink` of a page read from its text without parsing it all, or null when it is not plainly there
 * or leads away from the page's own origin (a guess sends the token only where the page came from).
 * Graph writes it after the value list or before it: the end of the page is searched first.
 */
function nextLinkIn(text: string, pageUrl: string): string | null {
  let at = text.indexOf(NEXT_LINK, text.length - 4096);
  if (at < 0) at = text.indexOf(NEXT_LINK);
  if (at < 0) return null;
  stringLiteral.lastIndex = at + NEXT_LINK.length;
  const literal = stringLiteral.exec(text)?.[1];
  const link = literal === undefined ? null : json(literal);
  return typeof link === 'string' && URL.canParse(link) && new URL(link).origin === new URL(pageUrl).origin ? link : null;
}

const json = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
};

function retryAfterMs(header: string | undefined): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/** 1 s, 2 s, 4 s... with full jitter on the upper half. */
const backoff = (attempt: number) => {
  const base = FIRST_BACKOFF_MS * 2 ** Math.min(attempt, 5);
  return Math.round(base / 2 + Math.random() * (base / 2));
};

function graphError(body: unknown): { code: string; message: string } {
  const e = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return { code: typeof e?.code === 'string' ? e.code : '', message: typeof e?.message === 'string' ? e.message.slice(0, 300) : '' };
}

/** A Graph URL without its query (delta tokens are long and say nothing to a reader). */
const describe = (url: string) => new URL(url).pathname;
