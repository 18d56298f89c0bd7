import { describe, expect, it } from 'vitest';
import { APNS_INTERRUPTION_LEVEL, apnsPayload, apnsPayloadAround } from '../../shared/push-payload';
import { urgencies } from '../../shared/urgency';

const ids = { notificationId: '0190a4b2-7c1d-7e3f-8a9b-0c1d2e3f4a5b', deliveryId: '0190a4b2-7c1d-7e3f-8a9b-000000000001' };
const texts = [
  ['Hi', 'there'],
  ['"quoted"\\', 'line\nbreak\ttab'],
  ['"\u0000"', '\u2028\u2029 </script>'],
  ['👩🏽‍💻', '\u00e9'.repeat(500)],
  ['', ''],
];

describe('the APNs body', () => {
  it('is the documented object through JSON.stringify, byte for byte, for any text, urgency and acknowledgement', () => {
    for (const [title, body] of texts)
      for (const urgency of [...urgencies, undefined])
        for (const requireAcknowledgement of [true, false, undefined]) {
          const content = { title: title!, body: body!, ...ids, urgency, requireAcknowledgement };
          expect(apnsPayload(content)).toBe(
            JSON.stringify({
              aps: {
                alert: { title, body },
                sound: 'default',
                'interruption-level': APNS_INTERRUPTION_LEVEL[urgency ?? 'normal'],
              },
              herald: { ...ids, ...(requireAcknowledgement ? { requireAcknowledgement: true } : {}) },
            }),
          );
        }
  });

  it("is built around the delivery id, so one notification's head and tail serve each of its devices", () => {
    const { head, tail } = apnsPayloadAround({
      title: 'Fire drill',
      body: 'Leave by the east stairs.',
      notificationId: ids.notificationId,
    });
    for (const deliveryId of [ids.deliveryId, '0190a4b2-7c1d-7e3f-8a9b-000000000002'])
      expect(JSON.parse(head + JSON.stringify(deliveryId) + tail)).toEqual({
        aps: { alert: { title: 'Fire drill', body: 'Leave by the east stairs.' }, sound: 'default', 'interruption-level': 'active' },
        herald: { notificationId: ids.notificationId, deliveryId },
      });
  });
});
