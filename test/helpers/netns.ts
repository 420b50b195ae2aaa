/**
 * A network namespace for tests, joined to ours by a veth pair; removed by `destroy()` and, as a last
 * resort, when the test process exits (even on failure).
 */
import { execFileSync } from 'node:child_process';
import { exitCleanups } from './exit-cleanups';

export interface Netns {
  name: string;
  /** Our end of the veth pair (in the root namespace). */
  hostAddr: string;
  /** The namespace's end. */
  nsAddr: string;
  destroy(): void;
}

/** A network namespace joined to ours by a veth pair (10.213.N.1 here, 10.213.N.2 there); lo is up. */
export function createNetns(): Netns {
  const id = (process.pid % 250) + 1;
  const name = `rmt-ssh-${process.pid}`;
  const veth = `rmv${process.pid}`.slice(0, 12);
  const destroy = () => {
    try {
      execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    } catch {
      /* gone */
    }
    try {
      execFileSync('ip', ['link', 'del', `${veth}a`], { stdio: 'ignore' });
    } catch {
      /* gone with the namespace */
    }
  };
  exitCleanups.add(destroy);
  destroy();
  const ip = (...a: string[]) => execFileSync('ip', a, { stdio: 'pipe' });
  ip('netns', 'add', name);
  ip('link', 'add', `${veth}a`, 'type', 'veth', 'peer', 'name', `${veth}b`);
  ip('link', 'set', `${veth}b`, 'netns', name);
  ip('addr', 'add', `10.213.${id}.1/30`, 'dev', `${veth}a`);
  ip('link', 'set', `${veth}a`, 'up');
  ip('netns', 'exec', name, 'ip', 'addr', 'add', `10.213.${id}.2/30`, 'dev', `${veth}b`);
  ip('netns', 'exec', name, 'ip', 'link', 'set', `${veth}b`, 'up');
  ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  return {
    name,
    hostAddr: `10.213.${id}.1`,
    nsAddr: `10.213.${id}.2`,
    destroy: () => {
      destroy();
      exitCleanups.delete(destroy);
    },
  };
}
