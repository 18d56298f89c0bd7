import type { AudienceSummary, DeliveryStatus } from '../../shared/schemas';

/** The shapes of Herald's HTTP API that the extension reads; directory and account types come from shared/. */
export type { DirectoryDevice as Device, DirectoryGroup as Group, Page } from '../../shared/directory';
export type { Me } from '../../shared/rbac';

export type Target = { type: 'groups'; groupIds: string[] } | { type: 'device'; deviceId: string };

export interface Accepted {
  id: string;
  status: 'queued';
  target: Target;
  audience: AudienceSummary;
}

export interface Preview {
  target: Target;
  audience: AudienceSummary;
}

export interface Quotas {
  groupSends: { limit: number; used: number; resetsAt: string | null };
  deviceSends: { limitPerDevice: number };
  device?: { used: number; resetsAt: string | null };
}

export type Counts = Record<DeliveryStatus, number>;

export interface NotificationItem {
  id: string;
  createdAt: string;
  sender: { accountId: string; email: string };
  target: Target;
  title: string | null;
  audience: AudienceSummary;
  counts: Counts;
}
