import type { AudienceSummary, DeliveryStatus, Platform } from '../../shared/schemas';

/** The shapes of Herald's HTTP API that the extension reads (the team's API contract). */
export interface Me {
  tenant: { id: string; name: string };
  account: { id: string; email: string };
  permissions: string[];
  scopes: unknown[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Group {
  id: string;
  displayName: string;
  memberCounts?: { users: number; devices: number; groups: number };
}

export interface Device {
  id: string;
  name: string;
  platform: Platform;
  user: { id: string; upn: string; displayName: string } | null;
  managementState: 'enrolled' | 'unenrolled';
  serialNumber?: string | null;
}

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
