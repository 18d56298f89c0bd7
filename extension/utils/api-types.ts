import type { DeliveryReasons } from '../../shared/reasons';
import type { AudienceSummary, DeliveryStatus, Target } from '../../shared/schemas';

/** The shapes of Herald's HTTP API that the extension reads; those the server declares in shared/ come from there. */
export type { DirectoryDevice as Device, DirectoryGroup as Group, Page } from '../../shared/directory';
export type { Me } from '../../shared/rbac';
export type { DeliveryReasons } from '../../shared/reasons';
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
  /** Why deliveries failed, expired, were skipped or wait to retry; absent from a server older than the field. */
  reasons?: DeliveryReasons;
}

/** One row of `GET /v1/notifications/{id}/deliveries`. */
export interface Delivery {
  deviceId: string;
  /** Null once the device left the directory. */
  deviceName: string | null;
  status: DeliveryStatus;
  reason: string | null;
}
