/** `fail`: fail the task with a message; controller only. */
import { z } from 'zod';
import { ModuleError } from '../errors';
import { defineModule } from './types';

const args = z
  .object({
    msg: z.unknown().optional().describe('Failure message (default "Failed as requested from task")'),
  })
  .strict();

export default defineModule<typeof args, undefined, undefined>({
  name: 'fail',
  description: 'Fail the task with a custom message',
  args,
  controllerOnly: true,
  probe: async () => undefined,
  plan(a) {
    const msg =
      a.msg === undefined
        ? 'Failed as requested from task'
        : typeof a.msg === 'string'
          ? a.msg
          : JSON.stringify(a.msg);
    throw new ModuleError(msg);
  },
});
