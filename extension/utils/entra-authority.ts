/**
 * Where the extension lets Herald send a Microsoft sign-in: the authority `GET /v1/auth/entra` names carries the
 * user's credentials and the code, so a Herald server (or whoever answers for it) must not choose any host it likes.
 */

/** Microsoft Entra ID's sign-in hosts: the global cloud, US Government, and China (operated by 21Vianet). */
export const ENTRA_AUTHORITY_HOSTS: readonly string[] = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
];

/**
 * The tests' fake Entra ID on loopback (any port), only in `wxt build --mode e2e` builds and unit tests (mode `test`):
 * Vite replaces `import.meta.env.MODE` when the extension is built, so `wxt build` (and a development or any other
 * mode's build) leaves an empty list that no setting can change.
 */
export const TEST_AUTHORITY_HOSTS: readonly string[] =
  import.meta.env.MODE === 'e2e' || import.meta.env.MODE === 'test' ? ['127.0.0.1'] : [];

/** Why the extension will not sign in at `authority` (`https://<Entra host>/<tenant>`), in words; null when it may. */
export function authorityProblem(authority: string, testHosts: readonly string[] = TEST_AUTHORITY_HOSTS): string | null {
  let url: URL;
  try {
    url = new URL(authority);
  } catch {
    return 'Herald named a Microsoft sign-in address that is not a URL, so the extension did not sign in.';
  }
  const host = (ENTRA_AUTHORITY_HOSTS.includes(url.hostname) && url.port === '') || testHosts.includes(url.hostname);
  const tenantOnly = /^\/[A-Za-z0-9.-]+\/?$/.test(url.pathname) && !url.search && !url.hash && !url.username && !url.password;
  if (url.protocol === 'https:' && host && tenantOnly) return null;
  return `Herald named ${url.origin} as where to sign in with Microsoft, which is not Microsoft Entra ID (${ENTRA_AUTHORITY_HOSTS.join(', ')}), so the extension did not go there. Ask your Herald administrator to check HERALD_ENTRA_AUTHORITY_HOST.`;
}
