CREATE TABLE `user_reach` (
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`reachable` integer DEFAULT 0 NOT NULL,
	`unsupported_platform` integer DEFAULT 0 NOT NULL,
	`not_enrolled` integer DEFAULT 0 NOT NULL,
	`notifications_not_permitted` integer DEFAULT 0 NOT NULL,
	`no_push_token` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`tenant_id`, `user_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `user_reach_recounts` (
	`tenant_id` text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
-- The counts of the devices already there (the triggers below keep them from now on). Each skip reason is skipReasonSql's
-- (server/directory/audience.ts), checked in the same order; test/server/directory/user-reach.test.ts holds them equal.
INSERT INTO user_reach (tenant_id, user_id, reachable, unsupported_platform, not_enrolled, notifications_not_permitted, no_push_token)
  SELECT tenant_id, user_id, sum(r IS NULL), sum(r IS 'unsupportedPlatform'), sum(r IS 'notEnrolled'), sum(r IS 'notificationsNotPermitted'), sum(r IS 'noPushToken')
  FROM (SELECT d.tenant_id, d.enrolled_by_user_id AS user_id, CASE WHEN d.platform IN ('macos', 'windows', 'other') THEN 'unsupportedPlatform' WHEN d.management_state <> 'enrolled' THEN 'notEnrolled' WHEN NOT d.notifications_permitted THEN 'notificationsNotPermitted' WHEN d.push_service IS NULL OR d.push_token_invalid_at IS NOT NULL THEN 'noPushToken' END AS r FROM devices d WHERE d.enrolled_by_user_id IS NOT NULL)
  GROUP BY tenant_id, user_id;
--> statement-breakpoint
-- A tenant in user_reach_recounts is being recounted whole by the write that put it there (server/directory/reach.ts).
CREATE TRIGGER devices_user_reach_insert AFTER INSERT ON devices WHEN NOT EXISTS (SELECT 1 FROM user_reach_recounts p WHERE p.tenant_id = new.tenant_id) BEGIN
  INSERT INTO user_reach (tenant_id, user_id, reachable, unsupported_platform, not_enrolled, notifications_not_permitted, no_push_token)
  SELECT new.tenant_id, new.enrolled_by_user_id, (r IS NULL), (r IS 'unsupportedPlatform'), (r IS 'notEnrolled'), (r IS 'notificationsNotPermitted'), (r IS 'noPushToken')
  FROM (SELECT CASE WHEN new.platform IN ('macos', 'windows', 'other') THEN 'unsupportedPlatform' WHEN new.management_state <> 'enrolled' THEN 'notEnrolled' WHEN NOT new.notifications_permitted THEN 'notificationsNotPermitted' WHEN new.push_service IS NULL OR new.push_token_invalid_at IS NOT NULL THEN 'noPushToken' END AS r) WHERE new.enrolled_by_user_id IS NOT NULL
  ON CONFLICT (tenant_id, user_id) DO UPDATE SET reachable = reachable + excluded.reachable,
    unsupported_platform = unsupported_platform + excluded.unsupported_platform, not_enrolled = not_enrolled + excluded.not_enrolled,
    notifications_not_permitted = notifications_not_permitted + excluded.notifications_not_permitted, no_push_token = no_push_token + excluded.no_push_token;
END;
--> statement-breakpoint
CREATE TRIGGER devices_user_reach_delete AFTER DELETE ON devices WHEN NOT EXISTS (SELECT 1 FROM user_reach_recounts p WHERE p.tenant_id = old.tenant_id) BEGIN
  INSERT INTO user_reach (tenant_id, user_id, reachable, unsupported_platform, not_enrolled, notifications_not_permitted, no_push_token)
  SELECT old.tenant_id, old.enrolled_by_user_id, -(r IS NULL), -(r IS 'unsupportedPlatform'), -(r IS 'notEnrolled'), -(r IS 'notificationsNotPermitted'), -(r IS 'noPushToken')
  FROM (SELECT CASE WHEN old.platform IN ('macos', 'windows', 'other') THEN 'unsupportedPlatform' WHEN old.management_state <> 'enrolled' THEN 'notEnrolled' WHEN NOT old.notifications_permitted THEN 'notificationsNotPermitted' WHEN old.push_service IS NULL OR old.push_token_invalid_at IS NOT NULL THEN 'noPushToken' END AS r) WHERE old.enrolled_by_user_id IS NOT NULL
  ON CONFLICT (tenant_id, user_id) DO UPDATE SET reachable = reachable + excluded.reachable,
    unsupported_platform = unsupported_platform + excluded.unsupported_platform, not_enrolled = not_enrolled + excluded.not_enrolled,
    notifications_not_permitted = notifications_not_permitted + excluded.notifications_not_permitted, no_push_token = no_push_token + excluded.no_push_token;
END;
--> statement-breakpoint
CREATE TRIGGER devices_user_reach_update
  AFTER UPDATE OF tenant_id, enrolled_by_user_id, platform, management_state, notifications_permitted, push_service, push_token_invalid_at ON devices
  WHEN (old.tenant_id IS NOT new.tenant_id OR old.enrolled_by_user_id IS NOT new.enrolled_by_user_id
    OR (CASE WHEN old.platform IN ('macos', 'windows', 'other') THEN 'unsupportedPlatform' WHEN old.management_state <> 'enrolled' THEN 'notEnrolled' WHEN NOT old.notifications_permitted THEN 'notificationsNotPermitted' WHEN old.push_service IS NULL OR old.push_token_invalid_at IS NOT NULL THEN 'noPushToken' END) IS NOT (CASE WHEN new.platform IN ('macos', 'windows', 'other') THEN 'unsupportedPlatform' WHEN new.management_state <> 'enrolled' THEN 'notEnrolled' WHEN NOT new.notifications_permitted THEN 'notificationsNotPermitted' WHEN new.push_service IS NULL OR new.push_token_invalid_at IS NOT NULL THEN 'noPushToken' END))
    AND NOT EXISTS (SELECT 1 FROM user_reach_recounts p WHERE p.tenant_id = new.tenant_id) AND NOT EXISTS (SELECT 1 FROM user_reach_recounts p WHERE p.tenant_id = old.tenant_id)
BEGIN
  INSERT INTO user_reach (tenant_id, user_id, reachable, unsupported_platform, not_enrolled, notifications_not_permitted, no_push_token)
  SELECT old.tenant_id, old.enrolled_by_user_id, -(r IS NULL), -(r IS 'unsupportedPlatform'), -(r IS 'notEnrolled'), -(r IS 'notificationsNotPermitted'), -(r IS 'noPushToken')
  FROM (SELECT CASE WHEN old.platform IN ('macos', 'windows', 'other') THEN 'unsupportedPlatform' WHEN old.management_state <> 'enrolled' THEN 'notEnrolled' WHEN NOT old.notifications_permitted THEN 'notificationsNotPermitted' WHEN old.push_service IS NULL OR old.push_token_invalid_at IS NOT NULL THEN 'noPushToken' END AS r) WHERE old.enrolled_by_user_id IS NOT NULL
  ON CONFLICT (tenant_id, user_id) DO UPDATE SET reachable = reachable + excluded.reachable,
    unsupported_platform = unsupported_platform + excluded.unsupported_platform, not_enrolled = not_enrolled + excluded.not_enrolled,
    notifications_not_permitted = notifications_not_permitted + excluded.notifications_not_permitted, no_push_token = no_push_token + excluded.no_push_token;
  INSERT INTO user_reach (tenant_id, user_id, reachable, unsupported_platform, not_enrolled, notifications_not_permitted, no_push_token)
  SELECT new.tenant_id, new.enrolled_by_user_id, (r IS NULL), (r IS 'unsupportedPlatform'), (r IS 'notEnrolled'), (r IS 'notificationsNotPermitted'), (r IS 'noPushToken')
  FROM (SELECT CASE WHEN new.platform IN ('macos', 'windows', 'other') THEN 'unsupportedPlatform' WHEN new.management_state <> 'enrolled' THEN 'notEnrolled' WHEN NOT new.notifications_permitted THEN 'notificationsNotPermitted' WHEN new.push_service IS NULL OR new.push_token_invalid_at IS NOT NULL THEN 'noPushToken' END AS r) WHERE new.enrolled_by_user_id IS NOT NULL
  ON CONFLICT (tenant_id, user_id) DO UPDATE SET reachable = reachable + excluded.reachable,
    unsupported_platform = unsupported_platform + excluded.unsupported_platform, not_enrolled = not_enrolled + excluded.not_enrolled,
    notifications_not_permitted = notifications_not_permitted + excluded.notifications_not_permitted, no_push_token = no_push_token + excluded.no_push_token;
END;
