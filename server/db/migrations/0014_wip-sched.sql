ALTER TABLE `accounts` ADD `entra_app_roles` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `status` text DEFAULT 'queued' NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `send_at` integer;--> statement-breakpoint
ALTER TABLE `notifications` ADD `fired_at` integer;--> statement-breakpoint
ALTER TABLE `notifications` ADD `failure` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `sign_in` text;--> statement-breakpoint
CREATE INDEX `notifications_scheduled_due` ON `notifications` (`send_at`) WHERE status = 'scheduled';--> statement-breakpoint
CREATE INDEX `notifications_quota_scheduled` ON `notifications` (`tenant_id`,`send_at`) WHERE kind = 'groups' AND send_at IS NOT NULL;