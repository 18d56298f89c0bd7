import type { AudienceSummary, DeliveryStatus, Target } from '../../shared/schemas';

/** The shapes of Herald's HTTP API that the extension reads; those the server declares in shared/ come from there. */
export type { DirectoryDevice as Device, DirectoryGroup as Group, Page } from '../../shared/directory';
export type { Me } from '../../shared/rbac';
export type { Accepted, Target } from '../../shared/schemas';

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
