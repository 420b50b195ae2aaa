/** The `throttle:` keyword (of a task, or inherited from its block or play): at most N hosts on each task at once, across the run. */
import type { ModuleTask } from '../playbook/types';
import { Semaphore } from './concurrency';
import type { RunShared } from './play-context';

/** `throttle: N`: one semaphore per task per run, taken before a fork (so throttled hosts hold no fork). */
const throttles = new WeakMap<object, Map<ModuleTask, Semaphore>>();
export function throttleOf(shared: RunShared, task: ModuleTask, limit: number): Semaphore {
  let byTask = throttles.get(shared);
  if (!byTask) throttles.set(shared, (byTask = new Map()));
  let s = byTask.get(task);
  if (!s) byTask.set(task, (s = new Semaphore(limit)));
  return s;
}
