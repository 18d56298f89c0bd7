ALTER TABLE `notifications` ADD `urgency` text DEFAULT 'normal' NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `require_acknowledgement` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `reminder_of` text;