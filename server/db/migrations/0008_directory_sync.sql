CREATE TABLE `directory_connections` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`entra_tenant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`credential_kind` text NOT NULL,
	`credential_cipher` text NOT NULL,
	`certificate_thumbprint` text,
	`credential_set_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`users_delta_link` text,
	`groups_delta_link` text
);
--> statement-breakpoint
CREATE TABLE `directory_syncs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`lease_until` integer,
	`counts` text,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `directory_syncs_tenant` ON `directory_syncs` (`tenant_id`,`started_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `directory_syncs_running` ON `directory_syncs` (`tenant_id`) WHERE status = 'running';--> statement-breakpoint
ALTER TABLE `devices` ADD `source` text DEFAULT 'import' NOT NULL;--> statement-breakpoint
ALTER TABLE `groups` ADD `source` text DEFAULT 'import' NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `directory_sync_minutes` integer DEFAULT 60 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `source` text DEFAULT 'import' NOT NULL;