import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, or, sql } from 'drizzle-orm';
import type { Template, TemplateCreate, TemplatePatch } from '../../shared/templates';
import { auditIn } from '../audit/log';
import type { Database, Db, Tx } from '../db/client';
import { contains } from '../db/like';
import { templates } from '../db/schema';
import { conflict, notFound } from '../core/errors';
import { decodeCursor, pageOf } from '../core/pagination';
import type { Principal } from '../core/principal';

type Row = typeof templates.$inferSelect;

const iso = (ms: number) => new Date(ms).toISOString();
const present = ({ tenantId: _, createdAt, updatedAt, ...row }: Row): Template => ({
  ...row,
  createdAt: iso(createdAt),
  updatedAt: iso(updatedAt),
});
/** The name as the unique index folds it: SQLite's lower(), which folds ASCII only, so the index, searches and cursors agree. */
const nameKey = sql`lower(${templates.name})`;
const folded = (name: string) => sql`lower(${name})`;
const mine = (tenantId: string, id: string) => and(eq(templates.tenantId, tenantId), eq(templates.id, id));

/** By name (ignoring case), keyset-paginated; `search` finds names containing it. */
export async function listTemplates(db: Db, tenantId: string, query: { search?: string; limit: number; cursor?: string }) {
  const after = query.cursor ? decodeCursor(query.cursor, ['string', 'string'] as const) : null;
  const rows = await db
    .select()
    .from(templates)
    .where(
      and(
        eq(templates.tenantId, tenantId),
        query.search ? contains(templates.name, query.search) : undefined,
        after ? or(gt(nameKey, folded(after[0])), and(eq(nameKey, folded(after[0])), gt(templates.id, after[1]))) : undefined,
      ),
    )
    .orderBy(asc(nameKey), asc(templates.id))
    .limit(query.limit + 1);
  const page = pageOf(rows, query.limit, (last) => [last.name, last.id]);
  return { items: page.rows.map(present), nextCursor: page.nextCursor };
}

async function find(db: Db | Tx, tenantId: string, id: string): Promise<Row> {
  const [row] = await db.select().from(templates).where(mine(tenantId, id));
  if (!row) throw notFound('Template', id);
  return row;
}

export const getTemplate = async (db: Db, tenantId: string, id: string): Promise<Template> => present(await find(db, tenantId, id));

async function assertNameFree(tx: Tx, tenantId: string, name: string, exceptId?: string) {
  const [clash] = await tx
    .select({ id: templates.id })
    .from(templates)
    .where(and(eq(templates.tenantId, tenantId), eq(nameKey, folded(name))));
  if (clash && clash.id !== exceptId) throw conflict(`A template named '${name}' already exists.`);
}

/** What the audit keeps of a template: its name and settings, never its text. */
const auditDetails = (t: Pick<Row, 'name' | 'urgency' | 'requireAcknowledgement' | 'translations'>) => ({
  name: t.name,
  urgency: t.urgency,
  requireAcknowledgement: t.requireAcknowledgement,
  languages: Object.keys(t.translations),
});

export function createTemplate(database: Database, principal: Principal, input: TemplateCreate, now: number): Promise<Template> {
  return database.write(async (tx) => {
    await assertNameFree(tx, principal.tenantId, input.name);
    const row: Row = { id: randomUUID(), tenantId: principal.tenantId, ...input, createdAt: now, updatedAt: now };
    await tx.insert(templates).values(row);
    await auditIn(tx, {
      tenantId: principal.tenantId,
      actorAccountId: principal.accountId,
      action: 'template.create',
      target: row.id,
      outcome: 'success',
      details: auditDetails(row),
      at: now,
    });
    return present(row);
  });
}

export function updateTemplate(database: Database, principal: Principal, id: string, patch: TemplatePatch, now: number): Promise<Template> {
  return database.write(async (tx) => {
    const before = await find(tx, principal.tenantId, id);
    if (patch.name !== undefined) await assertNameFree(tx, principal.tenantId, patch.name, id);
    const after: Row = { ...before, ...patch, updatedAt: now };
    await tx.update(templates).set(after).where(mine(principal.tenantId, id));
    await auditIn(tx, {
      tenantId: principal.tenantId,
      actorAccountId: principal.accountId,
      action: 'template.update',
      target: id,
      outcome: 'success',
      details: auditDetails(after),
      at: now,
    });
    return present(after);
  });
}

/** Deletes a template; notifications sent with it keep their text and the template's id. */
export function deleteTemplate(database: Database, principal: Principal, id: string, now: number): Promise<void> {
  return database.write(async (tx) => {
    const row = await find(tx, principal.tenantId, id);
    await tx.delete(templates).where(mine(principal.tenantId, id));
    await auditIn(tx, {
      tenantId: principal.tenantId,
      actorAccountId: principal.accountId,
      action: 'template.delete',
      target: id,
      outcome: 'success',
      details: { name: row.name },
      at: now,
    });
  });
}
