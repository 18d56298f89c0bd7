ALTER TABLE `accounts` ADD `entra_object_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_tenant_entra_oid` ON `accounts` (`tenant_id`,`entra_object_id`);--> statement-breakpoint
ALTER TABLE `directory_connections` ADD `entra_organization_id` text;--> statement-breakpoint
ALTER TABLE `directory_connections` ADD `verified_domains` text;