// Preloaded (`node -r`) into a benchmarked process: counts ssh2 exec/sftp channels and, at exit, writes
// them with CPU seconds and peak RSS as JSON to $BENCH_USAGE_FILE. Measurement only; changes no behaviour.
'use strict';
const fs = require('node:fs');
const file = process.env.BENCH_USAGE_FILE;
const counts = { exec: 0, sftp: 0, sockWrites: 0, sockReads: 0 };
{
  const net = require('node:net');
  const w = net.Socket.prototype.write;
  net.Socket.prototype.write = function (...args) {
    if (this.remotePort) counts.sockWrites++;
    return w.apply(this, args);
  };
  const c = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    if (counts.firstConnectMs === undefined) counts.firstConnectMs = Math.round(performance.now());
    return c.apply(this, args);
  };
  const p = net.Socket.prototype.push;
  net.Socket.prototype.push = function (...args) {
    if (this.remotePort && args[0]) counts.sockReads++;
    return p.apply(this, args);
  };
}
try {
  const { Client } = require('ssh2');
  for (const m of ['exec', 'sftp']) {
    const orig = Client.prototype[m];
    Client.prototype[m] = function (...args) {
      counts[m]++;
      return orig.apply(this, args);
    };
  }
} catch {
  /* no ssh2 here */
}
process.on('exit', () => {
  if (!file) return;
  const u = process.resourceUsage();
  fs.writeFileSync(
    file,
    JSON.stringify({
      cpuSec: (u.userCPUTime + u.systemCPUTime) / 1e6,
      maxRssMiB: u.maxRSS / 1024,
      exec: counts.exec,
      sftp: counts.sftp,
      userSec: u.userCPUTime / 1e6,
      sysSec: u.systemCPUTime / 1e6,
      sockWrites: counts.sockWrites,
      sockReads: counts.sockReads,
      firstConnectMs: counts.firstConnectMs,
      exitMs: Math.round(performance.now()),
    }),
  );
});
