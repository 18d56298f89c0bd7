import { z } from 'zod';
import { translationsSchema, urgencySchema } from './message';
import { bodySchema, pageLimit, timestamp, titleSchema } from './schemas';

const templateName = z.string().trim().min(1, 'name is empty.').max(100, 'name is longer than 100 characters.');

/** `POST /v1/templates`: a saved message to send again; names are unique in a tenant, ignoring case. */
export const templateCreateSchema = z
  .object({
    name: templateName,
    title: titleSchema,
    body: bodySchema,
    translations: translationsSchema.default({}),
    urgency: urgencySchema.default('normal'),
    requireAcknowledgement: z.boolean().default(false),
  })
  .strict();

/** `PATCH /v1/templates/{id}`: any of the fields; `translations` given replace the stored ones. */
export const templatePatchSchema = z
  .object({
    name: templateName.optional(),
    title: titleSchema.optional(),
    body: bodySchema.optional(),
    translations: translationsSchema.optional(),
    urgency: urgencySchema.optional(),
    requireAcknowledgement: z.boolean().optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'Give at least one field to change.');

export const templateListQuerySchema = z
  .object({ search: z.string().trim().min(1).max(100).optional(), limit: pageLimit, cursor: z.string().min(1).max(1024).optional() })
  .strict();

export type TemplateCreate = z.output<typeof templateCreateSchema>;
export type TemplatePatch = z.output<typeof templatePatchSchema>;

/** A template as the API returns it. */
export const templateSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  title: z.string(),
  body: z.string(),
  translations: z.record(z.string(), z.strictObject({ title: z.string(), body: z.string() })),
  urgency: urgencySchema,
  requireAcknowledgement: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Template = z.output<typeof templateSchema>;
