/**
 * `--ask-become-pass`: read the become password once, without echo on a terminal, or one line from
 * stdin when it is not a terminal (CI, tests). The result is a `secret()` that prints as `***`.
 */
import { secret, type Secret } from '../command';
import { UsageError } from '../errors';
import type { CliIo } from './cli-io';

export function askBecomePassword(io: CliIo, prompt = 'BECOME password: '): Promise<Secret> {
  const stdin = io.stdin;
  return new Promise<Secret>((resolve, reject) => {
    let buf = '';
    const tty = Boolean(stdin.isTTY && stdin.setRawMode);
    io.err.write(prompt);
    if (tty) stdin.setRawMode!(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const finish = (err?: Error) => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      if (tty) stdin.setRawMode!(false);
      stdin.pause();
      io.err.write('\n');
      if (err) reject(err);
      else resolve(secret(buf));
    };
    const onData = (chunk: string | Buffer) => {
      const text = String(chunk);
      for (let i = 0; i < text.length; i++) {
        const c = text[i]!;
        if (c === '\r' || c === '\n') {
          // lines after this one belong to the next prompt (-J then -K, both piped on stdin)
          const rest = text.slice(text[i + 1] === '\n' && c === '\r' ? i + 2 : i + 1);
          finish();
          if (rest) stdin.unshift(Buffer.from(rest));
          return;
        }
        if (c === '\u0003' || c === '\u0004')
          return finish(new UsageError('no become password given (input cancelled)'));
        if (c === '\u007f' || c === '\b') buf = buf.slice(0, -1);
        else buf += c;
      }
    };
    const onEnd = () => finish(buf ? undefined : new UsageError('no become password on stdin'));
    stdin.on('data', onData);
    stdin.on('end', onEnd);
  });
}

/**
 * The SSH transport's `askPassphrase` hook for an operator at a terminal: asks for an encrypted key's
 * passphrase once per key file (concurrent connections wait for the same answer), one prompt at a time.
 * Not on a terminal (CI, pipes) there is no prompt: the key fails with a hint to use ssh-agent or
 * `ansible_ssh_private_key_passphrase`, rather than a hang.
 */
export function passphrasePrompter(
  io: CliIo,
): ((keyFile: string) => Promise<Secret | undefined>) | undefined {
  if (!io.stdin.isTTY) return undefined;
  const answers = new Map<string, Promise<Secret | undefined>>();
  let queue: Promise<unknown> = Promise.resolve();
  return (keyFile) => {
    let answer = answers.get(keyFile);
    if (!answer) {
      answer = queue.then(() =>
        askBecomePassword(io, `Enter passphrase for key '${keyFile}': `).catch(() => undefined),
      );
      queue = answer;
      answers.set(keyFile, answer);
    }
    return answer;
  };
}
