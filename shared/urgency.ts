import { z } from 'zod';

/** How insistently a device shows a message; the same quota applies to each. */
export const urgencies = ['low', 'normal', 'high'] as const;
export type Urgency = (typeof urgencies)[number];
export const urgencySchema = z.enum(urgencies);
