import { expect, it } from 'vitest';
import { writtenRange } from '../../../server/notifications/deliveries-of';

it("takes a snapshot's row-id range from the INSERT's last row id and row count", () => {
  expect(writtenRange(3, 12n)).toEqual({ firstDeliveryId: 10, lastDeliveryId: 12 });
  expect(writtenRange(1, 7)).toEqual({ firstDeliveryId: 7, lastDeliveryId: 7 });
  // no rows: no range, whatever row id the connection last gave (another statement's)
  expect(writtenRange(0, 99n)).toEqual({ firstDeliveryId: null, lastDeliveryId: null });
});

it('refuses rows written without a row id to find them by, rather than record a range matching none', () => {
  expect(() => writtenRange(2, undefined)).toThrow('No row id for the 2 deliveries just written.');
  expect(() => writtenRange(5, 3n)).toThrow('No row id for the 5 deliveries just written.');
});
