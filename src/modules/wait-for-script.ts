/**
 * The POSIX sh poll loop behind `wait_for`: checks a port (bash /dev/tcp, else nc), a path, or a regex in
 * a file / a port's banner, every `sleep` seconds until the wanted state holds or `timeout` passes. It
 * prints `OK <seconds>` or `TIMEOUT <seconds>`; exit 3 means the target lacks what a port check needs.
 */
import { sh, type ExecCommand } from '../command';

export interface WaitSpec {
  host: string;
  port?: number;
  path?: string;
  search_regex?: string;
  state: 'started' | 'stopped' | 'present' | 'absent';
  delay: number;
  timeout: number;
  sleep: number;
  connect_timeout: number;
}

export function waitScript(w: WaitSpec): ExecCommand {
  const kind = w.port !== undefined ? 'port' : 'path';
  // Wanted: "up" (started/present) or "down" (stopped/absent).
  const want = w.state === 'started' || w.state === 'present' ? 'up' : 'down';
  return sh`h=${w.host}; p=${w.port ?? ''}; f=${w.path ?? ''}; re=${w.search_regex ?? ''}
kind=${kind}; want=${want}; delay=${w.delay}; timeout=${w.timeout}; nap=${w.sleep}; ct=${w.connect_timeout}
port_open() {
  if command -v bash >/dev/null 2>&1; then
    timeout "$ct" bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$h" "$p" 2>/dev/null
  elif command -v nc >/dev/null 2>&1; then
    nc -z -w "$ct" "$h" "$p" 2>/dev/null
  else
    echo "wait_for: the target needs bash or nc to check ports" >&2; exit 3
  fi
}
port_banner() {
  if command -v bash >/dev/null 2>&1; then
    timeout "$ct" bash -c 'exec 3<>"/dev/tcp/$1/$2"; cat <&3' _ "$h" "$p" 2>/dev/null | grep -Eq -- "$re"
  else
    timeout "$ct" nc -w "$ct" "$h" "$p" </dev/null 2>/dev/null | grep -Eq -- "$re"
  fi
}
check() {
  if [ "$kind" = port ]; then
    if [ -n "$re" ] && [ "$want" = up ]; then port_banner; else port_open; fi
  else
    if [ -n "$re" ] && [ "$want" = up ]; then [ -f "$f" ] && grep -Eq -- "$re" "$f"; else [ -e "$f" ]; fi
  fi
}
start=$(date +%s)
[ "$delay" -gt 0 ] && sleep "$delay"
end=$(( $(date +%s) + timeout ))
while :; do
  if check; then s=up; else s=down; fi
  if [ "$s" = "$want" ]; then echo "OK $(( $(date +%s) - start ))"; exit 0; fi
  if [ "$(date +%s)" -ge "$end" ]; then echo "TIMEOUT $(( $(date +%s) - start ))"; exit 0; fi
  sleep "$nap"
done`;
}
