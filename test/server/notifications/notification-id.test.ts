import { describe, expect, it } from 'vitest';
import { notificationId } from '../../../server/notifications/notification-id';

describe('notification ids', () => {
  it('are version 7 UUIDs that sort by creation time and differ within one millisecond', () => {
    const at = Date.UTC(2026, 10, 27, 2, 30);
    const id = notificationId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    const later = [at + 1, at + 1_000, at + 86_400_000].map(notificationId);
    expect([...later].reverse().concat(id).sort()).toEqual([id, ...later]);
    const sameMs = new Set(Array.from({ length: 1000 }, () => notificationId(at)));
    expect(sameMs.size).toBe(1000);
  });
});
