/** `meta`: ask the runner for a control action (flush_handlers, end_play, ...): result `_meta: action`. */
import { z } from 'zod';
import { defineModule, type MetaAction } from './types';

const ACTIONS = [
  'flush_handlers',
  'end_play',
  'end_host',
  'clear_host_errors',
  'noop',
  'refresh_inventory',
  'reset_connection',
  'clear_facts',
  'end_batch',
] as const satisfies readonly MetaAction[];

const args = z
  .object({ _raw_params: z.enum(ACTIONS).describe(`The action: ${ACTIONS.join(', ')}`) })
  .strict();

export default defineModule<typeof args, undefined, undefined>({
  name: 'meta',
  description:
    'Runner control actions: flush_handlers, end_play, end_host, clear_host_errors, noop, reset_connection...',
  args,
  controllerOnly: true,
  probe: async () => undefined,
  plan: (a) => ({ changes: [], result: { _meta: a._raw_params } }),
});
