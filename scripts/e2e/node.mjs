// Starting and stopping a throw-away `tributary --dev --tmp` node for end-to-end tests.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../client/lib/chain.mjs';

/** The node binary the scripts build (debug profile in the shared target directory). */
export function nodeBinary() {
  if (process.env.TRIBUTARY_BIN) return process.env.TRIBUTARY_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'tributary-target');
  return join(target, 'debug', 'tributary');
}

/** A TCP port that is free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Whether the node's RPC server answers `system_health` over HTTP. */
export async function rpcAnswers(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system_health', params: [] }),
      signal: AbortSignal.timeout(2000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts a dev node on free ports (with `extraArgs` after the defaults) and waits until it
 * has produced `minBlocks` blocks.
 * Resolves with `{ api, ws, stop, log }`; `stop()` disconnects and kills the node.
 */
export async function startDevNode({ minBlocks = 1, timeoutMs = 300000, extraArgs = [] } = {}) {
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const ws = `ws://127.0.0.1:${rpcPort}`;
  const child = spawn(nodeBinary(), [
    '--dev', '--tmp',
    '--rpc-port', String(rpcPort),
    '--port', String(p2pPort),
    '--no-prometheus', '--no-telemetry', '--no-mdns',
    ...extraArgs,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  const keep = (chunk) => { log.push(chunk.toString()); if (log.length > 400) log.shift(); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });

  const stop = async (api) => {
    if (api) await api.disconnect().catch(() => {});
    if (exited) return;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 15000).unref();
    });
  };

  const deadline = Date.now() + timeoutMs;
  let api = null;
  try {
    // Poll over plain HTTP until the RPC server answers, then open one WebSocket.
    for (;;) {
      if (exited) throw new Error(`node exited early (${JSON.stringify(exited)}):\n${log.join('')}`);
      if (Date.now() > deadline) throw new Error(`node RPC did not answer within ${timeoutMs} ms`);
      if (await rpcAnswers(rpcPort)) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    api = await connect(ws, 30000);
    for (;;) {
      const header = await api.rpc.chain.getHeader();
      if (header.number.toNumber() >= minBlocks) break;
      if (Date.now() > deadline) throw new Error(`no block #${minBlocks} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  } catch (e) {
    await stop(api);
    throw e;
  }
  return { api, ws, log, stop: () => stop(api) };
}
