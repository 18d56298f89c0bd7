ALTER TABLE `deliveries` ADD `language` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `translations` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `template_id` text;--> statement-breakpoint
ALTER TABLE `users` ADD `preferred_language` text;