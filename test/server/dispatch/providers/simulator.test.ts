import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../../../server/dispatch/providers/simulator';
import { pushMessage } from '../../../helpers/push';

describe('simulator', () => {
  it('answers ok for well-formed tokens and invalidToken for malformed ones, in order, as provider "simulator"', async () => {
    const fcm = createSimulator('fcm');
    expect([fcm.name, fcm.service]).toEqual(['simulator', 'fcm']);
    expect(await fcm.send([pushMessage('good'), pushMessage('bad token'), pushMessage('fine')])).toEqual([
      { outcome: 'ok' },
      { outcome: 'invalidToken', reason: 'malformedToken' },
      { outcome: 'ok' },
    ]);
  });
});
