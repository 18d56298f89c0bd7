DROP INDEX `notifications_quota_groups`;--> statement-breakpoint
DROP INDEX `notifications_quota_device`;--> statement-breakpoint
CREATE INDEX `notifications_quota_groups` ON `notifications` (`tenant_id`,`created_at`) WHERE kind = 'groups';--> statement-breakpoint
CREATE INDEX `notifications_quota_device` ON `notifications` (`tenant_id`,`device_id`,`created_at`) WHERE kind = 'device';