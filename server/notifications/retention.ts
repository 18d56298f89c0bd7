import { sql } from 'drizzle-orm';
import { checkpoint, type Database } from '../db/client';

/** How many notifications one write erases: a few ms of the write lock. */
const ERASE_CHUNK = 500;

/**
 * Erases the title, body and translations of every notification sent (or fired, when it was scheduled) longer ago than
 * its tenant's `retainMessageTextDays`.
 * `secure_delete` overwrites the freed bytes and a WAL checkpoint moves the erased pages into the
 * database file, so the text is gone from storage, not just from queries. History keeps the lengths,
 * sender, target, template id and counts (per language too); templates are not messages and are kept.
 * With sends all day, some are due every minute: one UPDATE of them held the write lock through a scan of every
 * notification (266 ms at 720,000), so they are found outside it and erased by id, `chunk` at a time.
 */
export async function eraseExpiredText(database: Database, now: number, chunk = ERASE_CHUNK): Promise<number> {
  // a scheduled send keeps its text until it fires, and the days count from then
  const due = sql`text_erased_at IS NULL AND status <> 'scheduled' AND coalesce(fired_at, created_at) <= ${now} - 86400000 * (
    SELECT retain_message_text_days FROM tenants t WHERE t.id = notifications.tenant_id)`;
  let erased = 0;
  for (;;) {
    // found by a read, which takes no lock; erased by id in writes of `chunk`, each checking again that it is due
    const ids = (await database.db.all<{ id: string }>(sql`SELECT id FROM notifications WHERE ${due} LIMIT ${chunk * 20}`)).map(
      (r) => r.id,
    );
    for (let i = 0; i < ids.length; i += chunk) {
      const some = ids.slice(i, i + chunk);
      erased += await database.write(async (tx) => {
        await tx.run(sql`PRAGMA secure_delete = ON`);
        const result = await tx.run(
          sql`UPDATE notifications SET title = NULL, body = NULL, translations = NULL, text_erased_at = ${now} WHERE id IN ${some} AND ${due}`,
        );
        await tx.run(sql`PRAGMA secure_delete = OFF`);
        return result.rowsAffected;
      });
    }
    if (ids.length < chunk * 20) break;
  }
  if (erased > 0) await checkpoint(database);
  return erased;
}
