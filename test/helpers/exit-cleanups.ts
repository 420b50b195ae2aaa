/**
 * Last-resort cleanups for test helpers (sshd processes, namespaces, temp dirs): run when the test process
 * exits, even after a failed assertion. Helpers add their cleanup when they create something and delete it
 * once their own stop()/destroy() has run.
 */
export const exitCleanups = new Set<() => void>();

process.on('exit', () => {
  for (const c of exitCleanups) {
    try {
      c();
    } catch {
      /* best effort */
    }
  }
});
