import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../../helpers/herald';

let on: TestHerald;
let off: TestHerald;

beforeAll(async () => {
  [on, off] = await Promise.all([startTestHerald({ deps: { deviceSimulator: true } }), startTestHerald()]);
});
afterAll(async () => {
  await Promise.all([on?.close(), off?.close()]);
});

describe('the device simulator page', () => {
  it('is served at /simulator with its script when HERALD_DEVICE_SIMULATOR is on, limited to its own origin', async () => {
    const page = await fetch(`${on.url}/simulator`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="/simulator/simulator.js">');
    const script = await fetch(`${on.url}/simulator/simulator.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain('/v1/device/checkin');
  });

  it('does not exist when it is off, as on a server started with herald serve', async () => {
    const page = await off.api()('GET', '/simulator');
    expect(page.status).toBe(404);
    expect(page.body.error.code).toBe('notFound');
  });
});
