/**
 * The stop after a canary wave: its grouped result, then a question at a terminal (`continue with the
 * remaining N hosts? [y/N]`); `--yes` answers yes; without a terminal and without `--yes` the run stops
 * (exit 99, resumable with `runs resume RUN --yes`).
 */
import { groupOutcomes, renderGroupedSummary } from '../report/grouped-summary';
import type { OutcomeTracker } from '../report/outcomes';
import { maskLiterals } from '../report/redact';
import type { SecretValues } from '../secrets/secret-values';
import type { CliIo } from './cli-io';
import { println } from './cli-io';

function askLine(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin;
  return new Promise((resolve) => {
    let buf = '';
    io.err.write(prompt);
    stdin.resume();
    stdin.setEncoding('utf8');
    const finish = () => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', finish);
      stdin.pause();
      resolve(buf.trim());
    };
    const onData = (chunk: string | Buffer) => {
      const s = String(chunk);
      const nl = s.search(/[\r\n]/);
      buf += nl >= 0 ? s.slice(0, nl) : s;
      if (nl < 0) return;
      finish();
      // lines after this one answer the next questions (several answers typed ahead, or piped)
      const rest = s.slice(s[nl] === '\r' && s[nl + 1] === '\n' ? nl + 2 : nl + 1);
      if (rest) stdin.unshift(Buffer.from(rest));
    };
    stdin.on('data', onData);
    stdin.on('end', finish);
  });
}

export function canaryConfirmer(
  io: CliIo,
  o: { yes: boolean; outcomes: OutcomeTracker; secrets: SecretValues | readonly string[]; out: CliIo['out'] },
): (c: { play: string; canary: string[]; remaining: number }) => Promise<boolean> {
  return async (c) => {
    const wave = new Set(c.canary);
    const shown = o.outcomes.outcomes().filter((x) => wave.has(x.host));
    const lines = renderGroupedSummary(groupOutcomes(shown), { diff: false, check: o.outcomes.check });
    println(o.out, `\nCANARY WAVE of play "${c.play}": ${c.canary.length} host(s) done`);
    for (const l of lines) println(o.out, maskLiterals(l, o.secrets));
    const rest = `the remaining ${c.remaining} host${c.remaining === 1 ? '' : 's'}`;
    if (o.yes) {
      println(io.err, `canary: --yes: continuing with ${rest}`);
      return true;
    }
    if (!io.stdin.isTTY) {
      println(
        io.err,
        `canary: stopped after the canary wave (not a terminal, no --yes); ${rest} did not run`,
      );
      return false;
    }
    const a = await askLine(io, `continue with ${rest}? [y/N] `);
    const go = /^(y|yes)$/i.test(a);
    if (!go) println(io.err, `canary: stopped; ${rest} did not run`);
    return go;
  };
}

/**
 * `--step`: before each task, `Perform task: TASK: NAME (N)o/(y)es/(c)ontinue: ` as ansible-playbook asks
 * it; y runs the task, c runs it and every later one without asking, anything else skips it.
 */
export function stepConfirmer(io: CliIo): (t: { name: string }) => Promise<'yes' | 'no' | 'continue'> {
  let queue: Promise<unknown> = Promise.resolve();
  return (t) => {
    const answer = queue.then(async () => {
      const a = (await askLine(io, `Perform task: TASK: ${t.name} (N)o/(y)es/(c)ontinue: `)).toLowerCase();
      return a === 'y' || a === 'yes' ? 'yes' : a === 'c' || a === 'continue' ? 'continue' : 'no';
    });
    queue = answer;
    return answer as Promise<'yes' | 'no' | 'continue'>;
  };
}
