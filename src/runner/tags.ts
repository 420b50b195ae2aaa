/** Tag selection with Ansible's rules: `all` (default), `always`, `never`, `tagged`, `untagged`. */

export function shouldRunTags(
  taskTags: readonly string[],
  onlyTags: readonly string[],
  skipTags: readonly string[],
): boolean {
  const tags = new Set(taskTags);
  const only = onlyTags.length ? new Set(onlyTags) : new Set(['all']);
  const skip = new Set(skipTags);
  const untagged = tags.size === 0;
  let run: boolean;
  if (tags.has('always')) run = true;
  else if (only.has('all') && !tags.has('never')) run = true;
  else if ([...tags].some((t) => only.has(t))) run = true;
  else if (only.has('tagged') && !untagged && !tags.has('never')) run = true;
  else if (only.has('untagged') && untagged) run = true;
  else run = false;
  if (!run || skip.size === 0) return run;
  if (skip.has('all')) return tags.has('always') && !skip.has('always');
  if ([...tags].some((t) => skip.has(t))) return false;
  if (skip.has('tagged') && !untagged) return false;
  if (skip.has('untagged') && untagged) return false;
  return true;
}
