ALTER TABLE `group_members` ADD `source` text DEFAULT 'import' NOT NULL;--> statement-breakpoint
-- memberships of synced groups written before this column came from their sync
UPDATE `group_members` SET `source` = 'graph' WHERE EXISTS (SELECT 1 FROM `groups` g WHERE g.`tenant_id` = `group_members`.`tenant_id` AND g.`id` = `group_members`.`group_id` AND g.`source` = 'graph');
