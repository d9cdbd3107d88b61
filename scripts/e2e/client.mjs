// Running the command-line client (`scripts/client/tributary-client.mjs`) from end-to-end tests.

import { execFile } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLIENT = join(dirname(fileURLToPath(import.meta.url)), '..', 'client', 'tributary-client.mjs');

/**
 * Runs the client with `args` (and extra environment variables `env`); resolves with
 * `{ code, json, stdout, stderr }` (`json` null if stdout is not JSON).
 */
export function runClient(args, { env = {}, timeoutMs = 120000 } = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLIENT, ...args], { timeout: timeoutMs, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      let json = null;
      try { json = JSON.parse(stdout); } catch { /* not JSON: left null */ }
      resolve({ code: err ? (err.code ?? 1) : 0, json, stdout, stderr });
    });
  });
}
