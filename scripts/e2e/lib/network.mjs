// A throw-away 4-validator `--chain local` network on loopback (Alice, Bob, Charlie, Dave),
// each node on free ports with its own base path, so one can be killed and restarted on the
// same state.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from '../../client/lib/chain.mjs';
import { nodeBinary, freePort, rpcAnswers } from '../node.mjs';

export const VALIDATORS = ['alice', 'bob', 'charlie', 'dave'];

/** A fixed node key per validator (the first's peer id is everyone's boot node). */
function nodeKey(i) {
  return (i + 1).toString(16).padStart(64, '0');
}

/** Starts the network; resolves with `{ nodes, kill(name), restart(name), stop() }`. */
export async function startNetwork({ timeoutMs = 600000 } = {}) {
  const base = await mkdtemp(join(tmpdir(), 'tributary-e2e-net-'));
  const keyFile = join(base, 'alice.key');
  writeFileSync(keyFile, nodeKey(0));
  const alicePeer = execFileSync(nodeBinary(), ['key', 'inspect-node-key', '--file', keyFile]).toString().trim();
  const nodes = {};
  for (const [i, name] of VALIDATORS.entries()) {
    nodes[name] = { name, index: i, p2p: await freePort(), rpc: await freePort(), log: [], child: null, api: null };
  }
  const bootnode = `/ip4/127.0.0.1/tcp/${nodes.alice.p2p}/p2p/${alicePeer}`;

  const launch = (node) => {
    const args = [
      '--chain', 'local', `--${node.name}`, '--base-path', join(base, node.name),
      '--port', String(node.p2p), '--rpc-port', String(node.rpc), '--no-prometheus',
      '--no-telemetry', '--no-mdns', '--node-key', nodeKey(node.index),
    ];
    if (node.name !== 'alice') args.push('--bootnodes', bootnode);
    node.child = spawn(nodeBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk) => { node.log.push(chunk.toString()); if (node.log.length > 2000) node.log.shift(); };
    node.child.stdout.on('data', keep);
    node.child.stderr.on('data', keep);
    node.exited = null;
    node.child.on('exit', (code, signal) => { node.exited = { code, signal }; });
  };

  // Poll over plain HTTP until the RPC server answers (the debug node compiles the runtime
  // first), then open one WebSocket.
  const waitReady = async (node) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (node.exited) throw new Error(`${node.name} exited: ${node.log.join('').slice(-4000)}`);
      if (await rpcAnswers(node.rpc)) break;
      if (Date.now() > deadline) throw new Error(`${node.name}: no RPC within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 2000));
    }
    node.api = await connect(`ws://127.0.0.1:${node.rpc}`, 60000);
  };

  const kill = async (name, signal = 'SIGKILL') => {
    const node = nodes[name];
    if (node.api) await node.api.disconnect().catch(() => {});
    node.api = null;
    if (node.exited) return;
    await new Promise((resolve) => { node.child.once('exit', resolve); node.child.kill(signal); });
  };

  const stop = async () => {
    for (const name of VALIDATORS) await kill(name, 'SIGINT').catch(() => {});
    await rm(base, { recursive: true, force: true });
  };

  try {
    for (const node of Object.values(nodes)) launch(node);
    await Promise.all(Object.values(nodes).map(waitReady));
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    nodes,
    kill,
    stop,
    restart: async (name) => { launch(nodes[name]); await waitReady(nodes[name]); },
  };
}

/** Resolves once every running node has `peers` peers and finalised block `minFinal`. */
export async function waitForFinality(network, { peers = 3, minFinal = 1, timeoutMs = 300000, only = VALIDATORS } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let ready = true;
    for (const name of only) {
      const { api } = network.nodes[name];
      const health = await api.rpc.system.health();
      const finalized = await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead());
      if (health.peers.toNumber() < peers || finalized.number.toNumber() < minFinal) ready = false;
    }
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`no finality at #${minFinal} with ${peers} peers within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}
