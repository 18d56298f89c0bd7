import { z } from 'zod';
import { urgencies } from './send-rules';

export { urgencies, type Urgency } from './send-rules';
export const urgencySchema = z.enum(urgencies);
