import { describe, expect, it } from 'vitest';
import { OK } from '../../../server/dispatch/providers/results';
import { packBatch, packResults, unpackBatch, unpackResults } from '../../../server/dispatch/push-batch';
import { pushMessage } from '../../helpers/push';

describe('a batch crossing to the push thread', () => {
  it('comes back as the same pushes, in order, each notification text sent once per run', () => {
    const first = pushMessage('a', { urgency: 'high', requireAcknowledgement: true });
    const second = pushMessage('c', { title: 'Another', body: 'Other text', expiresAt: first.expiresAt + 1 });
    const again = (token: string, of: typeof first) => pushMessage(token, { ...of, token, deliveryId: crypto.randomUUID() });
    // runs: first (2), second (1), first again (1): a text returning after another is a run of its own
    const messages = [first, again('b', first), second, again('d', first)];

    const packed = structuredClone(packBatch(messages));

    expect(packed.runs).toEqual([2, 1, 1]);
    expect(packed.texts.map((t) => t.title)).toEqual([first.title, 'Another', first.title]);
    expect(unpackBatch(packed)).toEqual(messages);
  });

  it('sends the usual ok result as 0 and any other as itself', () => {
    const refused = { outcome: 'invalidToken', reason: 'BadDeviceToken' } as const;
    const packed = packResults([OK, refused, OK]);

    expect(packed).toEqual([0, refused, 0]);
    expect(unpackResults(structuredClone(packed))).toEqual([OK, refused, OK]);
  });
});
