import { sql } from 'drizzle-orm';
import { checkpoint, type Database } from '../db/client';

/**
 * Erases the title, body and translations of every notification sent (or fired, when it was scheduled) longer ago than
 * its tenant's `retainMessageTextDays`.
 * `secure_delete` overwrites the freed bytes and a WAL checkpoint moves the erased pages into the
 * database file, so the text is gone from storage, not just from queries. History keeps the lengths,
 * sender, target, template id and counts (per language too); templates are not messages and are kept.
 */
export async function eraseExpiredText(database: Database, now: number): Promise<number> {
  // a scheduled send keeps its text until it fires, and the days count from then
  const due = sql`text_erased_at IS NULL AND status <> 'scheduled' AND coalesce(fired_at, created_at) <= ${now} - 86400000 * (
    SELECT retain_message_text_days FROM tenants t WHERE t.id = notifications.tenant_id)`;
  const [pending] = await database.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM notifications WHERE ${due}`);
  if (!pending?.n) return 0;
  const erased = await database.write(async (tx) => {
    await tx.run(sql`PRAGMA secure_delete = ON`);
    const result = await tx.run(
      sql`UPDATE notifications SET title = NULL, body = NULL, translations = NULL, text_erased_at = ${now} WHERE ${due}`,
    );
    await tx.run(sql`PRAGMA secure_delete = OFF`);
    return result.rowsAffected;
  });
  if (erased > 0) await checkpoint(database);
  return erased;
}
