CREATE TABLE `device_sends` (
	`tenant_id` text NOT NULL,
	`device_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`notification_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `device_sends_quota` ON `device_sends` (`tenant_id`,`device_id`,`created_at`);--> statement-breakpoint
DROP INDEX `notifications_quota_device`;--> statement-breakpoint
ALTER TABLE `notifications` ADD `device_ids` text;--> statement-breakpoint
INSERT INTO `device_sends` (`tenant_id`, `device_id`, `created_at`, `notification_id`)
  SELECT `tenant_id`, `device_id`, `created_at`, `id` FROM `notifications` WHERE `kind` = 'device' AND `device_id` IS NOT NULL;
