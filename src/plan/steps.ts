/**
 * Plans are the program: the steps a module plans are plain data, and the runner's one applier
 * (src/runner/applier.ts) executes exactly them. `--check` shows them, `-vv` prints them as they run (both
 * through `describeStep`), so the preview cannot drift from the run. A leaf: events, reports, modules and
 * the runner import it; it imports nothing but the command types.
 */
import type { ExecCommand } from '../command';

interface StepBase {
  /** Name of the step's output in `StepOutputs` (default: its position, "0", "1"...). */
  id?: string;
  /** Also run when an earlier step failed (cleanup). Its own failure is then ignored. */
  always?: boolean;
}

/** Run a command through `/bin/sh -c` on the target, with the task's become and environment. */
export interface ExecStep extends StepBase {
  kind: 'exec';
  cmd: ExecCommand;
  /** Fed on stdin, then stdin is closed. */
  stdin?: string;
  cwd?: string;
  /**
   * Exit codes that are not a failure (default `[0]`); any other fails the task with a CommandError.
   * `'any'`: every exit is a result, the module's `result` judges it.
   */
  ok?: number[] | 'any';
  timeoutMs?: number;
  /** Run as the login user even when the task becomes another (default: the task's become). */
  noBecome?: boolean;
  /**
   * Drop the connection and open a fresh one first (a host that went away: reboot, wait_for_connection).
   * Not reaching the host, or losing it, is then a result (`code: null`, the reason in `stderr`), not a
   * failure: meant as a wait's probe.
   */
  reconnect?: boolean;
  /**
   * Cache keys (prefixes) of the facts this step may change; they are dropped after it runs. Default:
   * every fact of the host (a command can change anything).
   */
  invalidates?: string[];
}

/**
 * Write `content` to `dest` atomically: a temp file in dest's directory, mode/owner/group, then a rename.
 * Small files travel on an exec's stdin (no SFTP channel). The file's facts (`file:<dest>`) are dropped.
 */
export interface UploadStep extends StepBase {
  kind: 'upload';
  dest: string;
  content: Buffer;
  mode?: number;
  owner?: string;
  group?: string;
  /** The content is secret: never shown (diffs, -vv, events). */
  secret?: boolean;
}

/** Copy a file of the target to `dest` on the controller (atomically), checking its SHA-256 when given. */
export interface FetchStep extends StepBase {
  kind: 'fetch';
  src: string;
  /** Absolute path on the controller. */
  dest: string;
  /** Expected SHA-256 of the content (the file changed during the transfer when it differs). */
  sha256?: string;
}

/** An HTTP(S) request sent from the controller. Headers and body are never shown. */
export interface HttpRequestSpec {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  validateCerts: boolean;
  /** PEM CA bundle on the controller. */
  caPath?: string;
  timeoutSec: number;
  followRedirects: boolean;
}

export interface RequestStep extends StepBase {
  kind: 'request';
  request: HttpRequestSpec;
}

/** A TLS handshake from the controller, verified against a CA file for an IP address or a DNS name. */
export interface TlsStep extends StepBase {
  kind: 'tls';
  host: string;
  port: number;
  /** PEM CA file on the controller (absolute). */
  caPath: string;
  verifyIp?: string;
  verifyHostname?: string;
  timeoutSec: number;
}

/**
 * Poll: run `probe` until `until` holds, every `intervalMs` (the runner's Clock), at most `attempts`
 * times and for at most `timeoutMs`. Not meeting `until` is a result (`met: false`), not a failure; a
 * failing probe (an exec exit outside its `ok`) fails at once. In check mode a wait looks once.
 */
export interface WaitStep extends StepBase {
  kind: 'wait';
  describe: string;
  probe: ExecStep | RequestStep | TlsStep;
  /** exec: its exit code is in `rc` (default [0]); request: its status in `status` ([200]); tls: verified. */
  until: { rc?: number[]; status?: number[] };
  intervalMs: number;
  attempts?: number;
  timeoutMs?: number;
  /** Pause before the first attempt. */
  delayMs?: number;
}

/**
 * A follow-up check for the rare step that depends on a previous step's output: the module's pure
 * `checks[name](outputs, plan)`, which throws ModuleError to stop the plan before its next steps.
 */
export interface CheckStep extends StepBase {
  kind: 'check';
  describe: string;
  check: string;
}

export type Step = ExecStep | UploadStep | FetchStep | RequestStep | TlsStep | WaitStep | CheckStep;
export type StepKind = Step['kind'];

/** One change a module would make: what `--check` reports and exactly the steps a real run executes. */
export interface Change {
  /** One line: what changes, e.g. `create directory /srv/app` or `SAN +IP:10.254.0.1`. */
  describe: string;
  /** Unified-diff material for `--diff` (the reporter renders it). */
  diff?: { path?: string; before: string; after: string; secret?: boolean };
  /**
   * The steps that make this change, in order. May be empty when another change's steps carry it
   * (the mode of a file that an upload writes with that mode).
   */
  steps: Step[];
}

/** A change as events and journals carry it (read back from older journals, steps may be missing). */
export type ReportedChange = Omit<Change, 'steps'> & { steps?: Step[] };

export interface ExecOutput {
  kind: 'exec';
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
  durationMs: number;
  /** Wall-clock start and end (ms since the epoch, the runner's clock). */
  start: number;
  end: number;
  timedOut?: boolean;
  truncated?: boolean;
}
export interface UploadOutput {
  kind: 'upload';
  changed: boolean;
  sha256: string;
}
export interface FetchOutput {
  kind: 'fetch';
  sha256: string;
  bytes: number;
}
export interface RequestOutput {
  kind: 'request';
  status: number;
  headers: Record<string, string>;
  body: string;
  url: string;
}
export interface TlsOutput {
  kind: 'tls';
  verified: boolean;
  /** -1 when no handshake took place. */
  verify_code: number;
  error: string;
  served_sans?: string[];
  served_serial?: string;
  served_fingerprint_sha256?: string;
}
export interface WaitOutput {
  kind: 'wait';
  met: boolean;
  attempts: number;
  elapsedMs: number;
  /** Check mode: the wait looked once and did not wait (earlier steps did not run). */
  lookedOnce?: boolean;
  last?: ExecOutput | RequestOutput | TlsOutput;
}
export interface CheckOutput {
  kind: 'check';
}
export type StepOutput =
  ExecOutput | UploadOutput | FetchOutput | RequestOutput | TlsOutput | WaitOutput | CheckOutput;

/** The outputs of the steps that ran, by step id (or position). */
export type StepOutputs = Record<string, StepOutput>;

/** The key of a step's output: its id, else its position among the plan's steps. */
export function stepKey(step: Step, index: number): string {
  return step.id ?? String(index);
}

/** One line for a step, the same in `--check -vv` and in the `-vv` trace of a real run. Never a secret. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'exec':
      return `${step.reconnect ? '(new connection) ' : ''}$ ${step.cmd.display}${step.stdin !== undefined ? ` <<< (${step.stdin.length} bytes)` : ''}`;
    case 'upload':
      return (
        `upload ${step.dest} (${step.secret ? 'secret content' : `${step.content.length} bytes`}` +
        `${step.mode !== undefined ? `, mode ${step.mode.toString(8).padStart(4, '0')}` : ''}` +
        `${step.owner !== undefined ? `, owner ${step.owner}` : ''}` +
        `${step.group !== undefined ? `, group ${step.group}` : ''})`
      );
    case 'fetch':
      return `fetch ${step.src} → ${step.dest}`;
    case 'request':
      return `request ${step.request.method} ${redactUrl(step.request.url)}`;
    case 'tls':
      return `tls ${step.host}:${step.port} verify ${step.verifyIp ?? step.verifyHostname ?? step.host} against ${step.caPath}`;
    case 'wait':
      return `wait: ${step.describe} (${describeStep(step.probe)}, every ${step.intervalMs / 1000} s)`;
    case 'check':
      return `check: ${step.describe}`;
  }
}

/** The URL with any `user:password@` replaced by `***@`. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1***@');
}

/**
 * A step as it may go into an event, a journal or a saved plan: upload contents summarized (`***` when
 * secret), stdin, request headers and body replaced by their sizes.
 */
export function publicStep(step: Step): Step {
  switch (step.kind) {
    case 'upload':
      return {
        ...step,
        content: Buffer.from(step.secret ? '***' : `<${step.content.length} bytes>`),
      };
    case 'exec':
      return step.stdin === undefined ? step : { ...step, stdin: `<${step.stdin.length} bytes>` };
    case 'request':
      return { ...step, request: publicRequest(step.request) };
    case 'wait':
      return { ...step, probe: publicStep(step.probe) as WaitStep['probe'] };
    default:
      return step;
  }
}

function publicRequest(r: HttpRequestSpec): HttpRequestSpec {
  const headers = Object.fromEntries(Object.keys(r.headers).map((k) => [k, '***']));
  const out: HttpRequestSpec = { ...r, url: redactUrl(r.url), headers };
  if (r.body !== undefined) out.body = `<${r.body.length} bytes>`;
  return out;
}

/** A change as it may go into an event: secret diffs emptied, steps made public. */
export function publicChange(c: Change): Change {
  const out: Change = { describe: c.describe, steps: c.steps.map(publicStep) };
  if (c.diff) out.diff = c.diff.secret ? { ...c.diff, before: '', after: '' } : c.diff;
  return out;
}

/** Every step of a list of changes, in order. */
export function planSteps(changes: readonly Change[]): Step[] {
  return changes.flatMap((c) => c.steps);
}
