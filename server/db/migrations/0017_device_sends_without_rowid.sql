-- Edited by hand: WITHOUT ROWID (drizzle cannot say it; see device_sends in schema.ts), and OR IGNORE since a device is
-- charged once per send, so a duplicate row could only count that send twice.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_device_sends` (
	`tenant_id` text NOT NULL,
	`device_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`notification_id` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `device_id`, `created_at`, `notification_id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT OR IGNORE INTO `__new_device_sends`("tenant_id", "device_id", "created_at", "notification_id") SELECT "tenant_id", "device_id", "created_at", "notification_id" FROM `device_sends`;--> statement-breakpoint
DROP TABLE `device_sends`;--> statement-breakpoint
ALTER TABLE `__new_device_sends` RENAME TO `device_sends`;--> statement-breakpoint
PRAGMA foreign_keys=ON;