-- Audit entries get a number within their tenant (their public id), replacing the global row id in responses
-- and cursors. SQLite cannot add a NOT NULL column without a default, so the table is rebuilt, numbering the
-- existing entries of each tenant in their order.
CREATE TABLE `__new_audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant_id` text NOT NULL,
	`seq` integer NOT NULL,
	`actor_account_id` text,
	`action` text NOT NULL,
	`target` text,
	`outcome` text NOT NULL,
	`details` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_audit_log` (`id`, `tenant_id`, `seq`, `actor_account_id`, `action`, `target`, `outcome`, `details`, `at`)
	SELECT `id`, `tenant_id`, row_number() OVER (PARTITION BY `tenant_id` ORDER BY `id`), `actor_account_id`, `action`, `target`, `outcome`, `details`, `at`
	FROM `audit_log`;--> statement-breakpoint
DROP TABLE `audit_log`;--> statement-breakpoint
ALTER TABLE `__new_audit_log` RENAME TO `audit_log`;--> statement-breakpoint
CREATE UNIQUE INDEX `audit_tenant_seq` ON `audit_log` (`tenant_id`,`seq`);
