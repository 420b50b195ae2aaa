import type { ExecCommand } from '../command';
import type { ExecResult } from '../transport/types';

/**
 * A fact is a read-only probe of a host: a command and a parser. Facts are cached per host per run by
 * `key` (so two tasks asking for the same fact run its command once). Facts never change a host.
 */
export interface Fact<T> {
  /** Cache key: unique for the fact and its parameters, e.g. `x509:/etc/pki/tls/kube01/server.crt`. */
  key: string;
  command: ExecCommand;
  /** Parse the result; throw ModuleError for an unusable result. A non-zero exit is passed in, not thrown. */
  parse(stdout: string, result: ExecResult): T;
  /** Run with become (default: the task's become). */
  become?: boolean;
}
