/** Runner defaults in one place: real clock, forks 50, the real transport factory, no-op emit. */
import { abortError, onAbort } from '../abort';
import { loadTaskFile, loadVarsFile } from '../playbook/index';
import { findModule } from '../modules/index';
import { Templar } from '../template/index';
import { SecretValues } from '../secrets/secret-values';
import { createTransportFactory } from '../transport/index';
import type { Clock, RunnerLoader, RunnerOptions } from './types';

/** The wall clock; `sleep` rejects with an AbortError as soon as `signal` aborts. */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      // one listener on the run's signal for every sleeping host (src/abort.ts), removed when the sleep ends
      const unsubscribe = onAbort(signal, () => {
        clearTimeout(timer);
        reject(abortError());
      });
      const timer = setTimeout(() => {
        unsubscribe();
        resolve();
      }, ms);
    }),
};

export { abortError };

export const defaultLoader: RunnerLoader = { loadTaskFile, loadVarsFile };

export function defaultRunnerOptions(partial: Partial<RunnerOptions> = {}): RunnerOptions {
  const secrets = partial.secrets ?? new SecretValues();
  return {
    transportFactory: partial.transportFactory ?? createTransportFactory(),
    clock: realClock,
    emit: () => {},
    check: false,
    diff: false,
    tags: [],
    skipTags: [],
    extraVars: {},
    forks: 50,
    forceHandlers: false,
    verbosity: 0,
    detailedExitCode: false,
    modules: findModule,
    secrets,
    templar: new Templar({ secrets }),
    loader: defaultLoader,
    ...stripUndefined(partial),
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
