import { request } from 'node:https';

export interface HttpsResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or the raw text when the body is not JSON (or `text` was asked for). */
  body: unknown;
}

/**
 * One HTTPS request with a JSON (or text) answer; `text: true` leaves the body text for the caller to parse. TLS is
 * always verified, against Node's roots and NODE_EXTRA_CA_CERTS.
 */
export function httpsRequest(
  url: string,
  options: {
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: string;
    timeoutMs?: number;
    text?: boolean;
  } = {},
): Promise<HttpsResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, timeout: options.timeoutMs ?? 60_000 }, (res) => {
      // decoded chunk by chunk: joining a page of managed devices (~300 kB) into one Buffer first cost more CPU than decoding it
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('error', reject);
      res.on('end', () => {
        let body: unknown = text;
        if (!options.text)
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            /* not JSON: keep the text */
          }
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers))
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        resolve({ status: res.statusCode ?? 0, headers, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`No answer from ${new URL(url).origin} within ${options.timeoutMs ?? 60_000} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
