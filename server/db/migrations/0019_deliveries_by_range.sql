ALTER TABLE `notifications` ADD `first_delivery_id` integer;--> statement-breakpoint
ALTER TABLE `notifications` ADD `last_delivery_id` integer;--> statement-breakpoint
-- each notification's deliveries were written in one transaction, so they lie in this range; read through the index
-- by notification before it goes (a notification without deliveries keeps NULL: min and max of no rows)
UPDATE `notifications` SET (`first_delivery_id`, `last_delivery_id`) =
  (SELECT min(d.`id`), max(d.`id`) FROM `deliveries` d WHERE d.`notification_id` = `notifications`.`id`);--> statement-breakpoint
DROP INDEX `deliveries_notification`;
