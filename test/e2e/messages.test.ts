import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchWithExtension, useConnection, type ExtensionBrowser } from './browser';
import { IDS } from './directory';
import { startHeraldWithDirectory, type E2eHerald } from './herald-server';
import { PopupPage } from './pages/popup-page';

let herald: E2eHerald;
let browser: ExtensionBrowser;

beforeAll(async () => {
  herald = await startHeraldWithDirectory();
  // Ben reads French: his Pixel gets the fr-FR variant, Ana's iPhone the default text.
  const ben = await herald.api('POST', '/v1/directory/import', {
    users: [{ id: 'u-ben', upn: 'ben@contoso.example', displayName: 'Ben Okafor', preferredLanguage: 'fr-FR' }],
  });
  expect(ben.status).toBe(200);
  browser = await launchWithExtension();
  await useConnection(browser, herald.url, herald.token);
});

afterAll(async () => {
  await browser?.close();
  await herald?.close();
});

describe('issue #16 in Chromium against a real Herald', () => {
  it('sends from a template with a second language and high urgency, then reminds from history those who have not acknowledged', async () => {
    const created = await herald.api('POST', '/v1/templates', {
      name: 'Restart needed',
      title: 'Restart your phone',
      body: 'Restart today to finish the update.',
      requireAcknowledgement: true,
    });
    expect(created.status).toBe(201);
    const templateId = (created.body as { id: string }).id;

    const popup = await PopupPage.open(browser);
    const { page } = popup;
    await popup.target('Groups');
    await popup.chooseTemplate('restart', 'Restart needed');
    await expect.poll(() => popup.title.inputValue()).toBe('Restart your phone');
    expect(await page.getByLabel('Require acknowledgement').isChecked()).toBe(true);

    await popup.addLanguage('fr-FR');
    await page.getByLabel('fr-FR title', { exact: true }).fill('Redémarrez votre téléphone');
    expect(await page.locator('#field-title-fr-FR-counter').textContent()).toBe('26/50');
    await page.getByLabel('fr-FR body', { exact: true }).fill('Redémarrez aujourd’hui pour finir la mise à jour.');
    await page.getByRole('radio', { name: 'High' }).check();
    await popup.chooseGroup('sal', 'Sales');

    await popup.review.click();
    await page.getByRole('heading', { name: 'Review' }).waitFor();
    await expect.poll(() => page.getByTestId('reach-languages').textContent()).toBe('1 device fr-FR, 1 device the default text.');
    expect(await page.getByTestId('review-urgency').textContent()).toBe('High (time-sensitive), acknowledgement required');
    await page.screenshot({ path: join(ARTIFACTS, 'messages-review.png') });
    await popup.send.click();
    await popup.sentId.waitFor();
    const id = (await popup.sentId.textContent())!;
    await page.getByText('Delivery settled.').waitFor();
    expect(await page.locator('[data-testid="sent-counts"] [data-stage="acknowledged"] .stage-count').textContent()).toBe('0');

    const sent = (await herald.api('GET', `/v1/notifications/${id}`)).body as Record<string, unknown>;
    expect(sent).toMatchObject({
      templateId,
      title: 'Restart your phone',
      urgency: 'high',
      requireAcknowledgement: true,
      translations: { 'fr-FR': { title: 'Redémarrez votre téléphone' } },
      target: { type: 'groups', groupIds: [IDS.sales] },
    });
    expect(sent.languages).toEqual(
      expect.arrayContaining([
        { language: 'fr-FR', devices: 1 },
        { language: null, devices: 1 },
      ]),
    );

    await page.getByRole('button', { name: 'History' }).click();
    const newest = page.getByTestId('history-item').first();
    await expect.poll(() => newest.locator('h3').textContent()).toBe('Restart your phone');
    await newest.getByRole('button', { name: 'Remind 2 who have not acknowledged' }).click();
    await newest.getByRole('button', { name: 'Send reminder' }).click();
    await expect
      .poll(() => newest.getByTestId('remind-result').textContent())
      .toMatch(/^Reminder sent to 2 devices \(notification .+\)\.$/);
    await page.screenshot({ path: join(ARTIFACTS, 'messages-reminder.png') });

    const list = (await herald.api('GET', '/v1/notifications?limit=1')).body as { items: Record<string, unknown>[] };
    expect(list.items[0]).toMatchObject({ reminderOf: id, urgency: 'high', requireAcknowledgement: true, audience: { devices: 2 } });
    await page.close();
  });
});
