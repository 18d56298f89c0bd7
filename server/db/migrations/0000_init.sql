CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`email` text NOT NULL,
	`display_name` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_tenant_email` ON `accounts` (`tenant_id`,`email`);--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`account_id` text NOT NULL,
	`name` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash` ON `api_tokens` (`hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_account` ON `api_tokens` (`tenant_id`,`account_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant_id` text NOT NULL,
	`actor_account_id` text,
	`action` text NOT NULL,
	`target` text,
	`outcome` text NOT NULL,
	`details` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_tenant_id` ON `audit_log` (`tenant_id`,`id`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant_id` text NOT NULL,
	`notification_id` text NOT NULL,
	`device_id` text NOT NULL,
	`user_id` text,
	`status` text NOT NULL,
	`reason` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`provider` text,
	`fallback` text,
	`next_attempt_at` integer,
	`lease_until` integer,
	`updated_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE INDEX `deliveries_due` ON `deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `deliveries_notification` ON `deliveries` (`notification_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `deliveries_device` ON `deliveries` (`tenant_id`,`device_id`,`id`);--> statement-breakpoint
CREATE TABLE `devices` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`platform` text NOT NULL,
	`enrolled_by_user_id` text,
	`management_state` text NOT NULL,
	`app` text,
	`app_version` text,
	`push_service` text,
	`push_token` text,
	`push_token_invalid_at` integer,
	`notifications_permitted` integer DEFAULT true NOT NULL,
	`serial_number` text,
	`credential_hash` text,
	`last_checkin_at` integer,
	PRIMARY KEY(`tenant_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `devices_audience` ON `devices` (`tenant_id`,`enrolled_by_user_id`,`management_state`,`notifications_permitted`,`push_service`,`platform`);--> statement-breakpoint
CREATE INDEX `devices_name` ON `devices` (`tenant_id`,`name`);--> statement-breakpoint
CREATE INDEX `devices_serial` ON `devices` (`tenant_id`,`serial_number`);--> statement-breakpoint
CREATE TABLE `group_members` (
	`tenant_id` text NOT NULL,
	`group_id` text NOT NULL,
	`member_type` text NOT NULL,
	`member_id` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `group_id`, `member_type`, `member_id`)
);
--> statement-breakpoint
CREATE INDEX `group_members_member` ON `group_members` (`tenant_id`,`member_type`,`member_id`,`group_id`);--> statement-breakpoint
CREATE TABLE `groups` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`display_name` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `groups_name` ON `groups` (`tenant_id`,`display_name`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`sender_account_id` text NOT NULL,
	`kind` text NOT NULL,
	`group_ids` text,
	`device_id` text,
	`title` text,
	`body` text,
	`title_length` integer NOT NULL,
	`body_length` integer NOT NULL,
	`audience_users` integer NOT NULL,
	`audience_devices` integer NOT NULL,
	`skipped` text NOT NULL,
	`via` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`text_erased_at` integer
);
--> statement-breakpoint
CREATE INDEX `notifications_tenant_created` ON `notifications` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `notifications_quota_groups` ON `notifications` (`tenant_id`,`kind`,`created_at`);--> statement-breakpoint
CREATE INDEX `notifications_quota_device` ON `notifications` (`tenant_id`,`device_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `role_assignment_accounts` (
	`assignment_id` text NOT NULL,
	`account_id` text NOT NULL,
	PRIMARY KEY(`assignment_id`, `account_id`),
	FOREIGN KEY (`assignment_id`) REFERENCES `role_assignments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `raa_account` ON `role_assignment_accounts` (`account_id`);--> statement-breakpoint
CREATE TABLE `role_assignments` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`role_id` text NOT NULL,
	`scope` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `roles` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`display_name` text NOT NULL,
	`permissions` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tenants` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`group_sends_per_hour` integer DEFAULT 25 NOT NULL,
	`device_sends_per_hour` integer DEFAULT 10 NOT NULL,
	`retain_message_text_days` integer DEFAULT 30 NOT NULL,
	`push_ttl_hours` integer DEFAULT 24 NOT NULL,
	`content_free_push` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`upn` text NOT NULL,
	`display_name` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `users_upn` ON `users` (`tenant_id`,`upn`);