import { createApi, type HeraldApi } from './api';
import { serverUrlItem, tokenItem } from './storage';

/** The API for the server and token saved in Options. */
export async function savedApi(): Promise<HeraldApi> {
  const [serverUrl, token] = await Promise.all([serverUrlItem.getValue(), tokenItem.getValue()]);
  return createApi({ serverUrl, token });
}
