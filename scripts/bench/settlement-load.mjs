#!/usr/bin/env node
// Sustained settlement load against a Tributary node, next to plain balance transfers measured
// in the same run on the same node.
//
//   node scripts/bench/settlement-load.mjs [--ws ws://127.0.0.1:9944] [--transfers 2000]
//        [--settlements 2000] [--senders 8]
//
// Without --ws it starts its own `tributary --dev --tmp` (TRIBUTARY_BIN picks the binary;
// TRIBUTARY_CHAIN=spec.json runs that chain spec instead of --dev, with Alice's keys).
//
// Setup: a dataset of 16 contributions (Alice's file and 15 contributors'), a model over it.
// Phase 1: `--transfers` transfers (transfer_keep_alive) signed in advance by `--senders`
// accounts and submitted at once. Phase 2: `--settlements` inferences, paid by the same number
// of developer accounts in `settle_inferences` batches of 64, each attributed by Alice (the dev
// chain's attestor, quorum 1) to all 16 contributions in `submit_attributions` batches of 64 as
// soon as its `InferenceSubmitted` event is in a block. Each phase's rate is what the chain
// included per second of block time (block timestamps) from the block before the first
// inclusion to the last. Prints one JSON line.

import { parseArgs } from 'node:util';

// Attestations are no longer signed transactions that a script can send: the attestors'
// off-chain workers commit and reveal them (authorized transactions). Phase 2 below still
// sends the removed `submit_attributions`; until it is rebuilt around a served index and the
// dev attestor's worker, the script refuses to run rather than report a wrong number.
process.stderr.write('settlement-load: phase 2 needs rebuilding for worker attestation (see README)\n');
process.exit(2);
import { randomBytes } from 'node:crypto';
import { blake2AsHex } from '../client/node_modules/@polkadot/util-crypto/index.js';
import { connect, signer, submit } from '../client/lib/chain.mjs';
import { registerModel, scoresFromWeights, findEvent, PERBILL } from '../client/lib/economy.mjs';
import { startDevNode } from '../e2e/node.mjs';

const { values } = parseArgs({
  options: {
    ws: { type: 'string' },
    transfers: { type: 'string', default: '2000' },
    settlements: { type: 'string', default: '2000' },
    senders: { type: 'string', default: '8' },
    'timeout-s': { type: 'string', default: '900' },
  },
});
const TRANSFERS = Number(values.transfers);
const SETTLEMENTS = Number(values.settlements);
const SENDERS = Number(values.senders);
const TIMEOUT_MS = Number(values['timeout-s']) * 1000;
const UNIT = 10n ** 12n;
const BATCH = 64;
const CONTRIBUTORS = 15;

const log = (...args) => process.stderr.write(`${args.join(' ')}\n`);
const fresh = () => blake2AsHex(randomBytes(32), 256);

/** Signs `txs` ([tx, pair]) with consecutive nonces per signer and submits them all. */
async function submitAll(api, txs) {
  const nonces = new Map();
  const hexes = [];
  for (const [tx, pair] of txs) {
    if (!nonces.has(pair.address)) {
      nonces.set(pair.address, (await api.rpc.system.accountNextIndex(pair.address)).toNumber());
    }
    const nonce = nonces.get(pair.address);
    nonces.set(pair.address, nonce + 1);
    hexes.push((await tx.signAsync(pair, { nonce, era: 0 })).toHex());
  }
  const started = Date.now();
  await Promise.all(hexes.map((hex) => api.rpc.author.submitExtrinsic(hex)));
  return { submitMs: Date.now() - started };
}

/** Submits `txs` and waits until every one is in a block; throws on a failed dispatch. */
async function settle(api, txs) {
  const results = await Promise.all(txs.map(([tx, pair], i) => new Promise((resolve, reject) => {
    tx.signAndSend(pair, { nonce: -1 }, ({ status, dispatchError }) => {
      if (status.isInBlock) resolve({ i, dispatchError });
    }).catch(reject);
  })));
  const failed = results.find((r) => r.dispatchError);
  if (failed) throw new Error(`setup transaction ${failed.i} failed: ${failed.dispatchError}`);
}

/** Funds `pairs` from Alice, one transfer each with consecutive nonces. */
async function fund(api, alice, pairs, amount) {
  let nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  await Promise.all(pairs.map((p) => new Promise((resolve, reject) => {
    api.tx.balances.transferKeepAlive(p.address, amount)
      .signAndSend(alice, { nonce: nonce++ }, ({ status, dispatchError }) => {
        if (dispatchError) reject(new Error(`funding failed: ${dispatchError}`));
        else if (status.isInBlock) resolve();
      }).catch(reject);
  })));
}

/**
 * Follows new blocks; `onBlock({ number, moment, events })` counts per block. Resolves with
 * `{ count, seconds }` once `done()` says so.
 */
function follow(api, count, done, onEvents = () => {}) {
  return new Promise((resolve, reject) => {
    let total = 0;
    let startMoment = null;
    let lastMoment = null;
    let previousMoment = null;
    const timer = setTimeout(() => reject(new Error(`timed out with ${total} counted`)), TIMEOUT_MS);
    const unsubscribe = api.rpc.chain.subscribeNewHeads(async (header) => {
      try {
        const at = await api.at(header.hash);
        const [events, moment] = await Promise.all([at.query.system.events(), at.query.timestamp.now()]);
        const n = count(events);
        await onEvents(events);
        const ms = moment.toNumber();
        if (n > 0) {
          if (startMoment === null) startMoment = previousMoment ?? ms - 6000;
          lastMoment = ms;
          total += n;
          log(`  block #${header.number.toNumber()}: ${n}`);
        }
        previousMoment = ms;
        if (done(total)) {
          clearTimeout(timer);
          (await unsubscribe)();
          resolve({ count: total, seconds: (lastMoment - startMoment) / 1000 });
        }
      } catch (e) {
        clearTimeout(timer);
        reject(e);
      }
    });
  });
}

const countEvents = (section, method) => (events) =>
  events.filter(({ event }) => event.section === section && event.method === method).length;

async function main() {
  let node = null;
  let api;
  if (values.ws) {
    api = await connect(values.ws);
  } else {
    node = await startDevNode({ minBlocks: 1 });
    api = node.api;
  }
  try {
    const alice = await signer('//Alice');
    const contributors = await Promise.all(
      Array.from({ length: CONTRIBUTORS }, (_, i) => signer(`//LoadContributor${i}`)));
    const senders = await Promise.all(
      Array.from({ length: SENDERS }, (_, i) => signer(`//LoadSender${i}`)));
    const developers = await Promise.all(
      Array.from({ length: SENDERS }, (_, i) => signer(`//LoadDeveloper${i}`)));

    log('setup: funding accounts');
    await fund(api, alice, [...contributors, ...senders, ...developers], 20_000n * UNIT);
    log('setup: a dataset of 16 contributions and a model over it');
    const registered = await submit(api, api.tx.datasets.registerDataset(
      fresh(), 'ipfs://load-data', { commercial: true, requiresApproval: false }, ''), alice);
    if (!registered.ok) throw new Error(`dataset: ${registered.error}`);
    const dataset = findEvent(registered, 'datasets', 'DatasetRegistered').data[0];
    const firstContribution = (await api.query.datasets.datasets(dataset)).unwrap().contributionCount.toNumber();
    await settle(api, contributors.map((c) => [
      api.tx.datasets.addContribution(dataset, fresh(), 100, 'ipfs://load-contribution'), c]));
    const fee = UNIT / 100n;
    const model = await registerModel(api, alice, {
      artifactHash: fresh(), uri: 'ipfs://load-model', datasets: [dataset], indexHash: fresh(),
      indexUri: 'ipfs://load-index', fee,
      split: { modelOwner: PERBILL / 5, stakers: PERBILL / 10, contributors: (PERBILL / 10) * 7 },
    });
    if (!model.ok) throw new Error(`model: ${model.error}`);
    const scores = scoresFromWeights(Array.from({ length: CONTRIBUTORS + 1 }, (_, i) =>
      [dataset, i === 0 ? 0 : firstContribution + i - 1, 1 + i]));
    const query = `0x${Buffer.from('alcohol,malic_acid\n13.2,1.78\n').toString('hex')}`;

    // Phase 1: transfers.
    log(`phase 1: ${TRANSFERS} transfers from ${SENDERS} accounts`);
    const transferTxs = Array.from({ length: TRANSFERS }, (_, i) =>
      [api.tx.balances.transferKeepAlive(developers[i % SENDERS].address, 1n * UNIT), senders[i % SENDERS]]);
    const transferred = follow(api, countEvents('balances', 'Transfer'), (n) => n >= TRANSFERS);
    await submitAll(api, transferTxs);
    const transfers = await transferred;

    // Phase 2: settlements, attested as their inferences appear.
    log(`phase 2: ${SETTLEMENTS} settlements of 16 contributions`);
    const batches = [];
    for (let left = SETTLEMENTS, i = 0; left > 0; left -= BATCH, i++) {
      const items = Array.from({ length: Math.min(BATCH, left) }, () => [model.model, query, fee]);
      batches.push([api.tx.attribution.settleInferences(items), developers[i % SENDERS]]);
    }
    let aliceNonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
    const attest = async (events) => {
      const ids = events
        .filter(({ event }) => event.section === 'attribution' && event.method === 'InferenceSubmitted')
        .map(({ event }) => event.data[0].toNumber());
      for (let i = 0; i < ids.length; i += BATCH) {
        const tx = api.tx.attribution.submitAttributions(ids.slice(i, i + BATCH).map((id) => [id, scores]));
        const signed = await tx.signAsync(alice, { nonce: aliceNonce++, era: 0 });
        await api.rpc.author.submitExtrinsic(signed.toHex());
      }
    };
    const settled = follow(api, countEvents('attribution', 'InferenceSettled'), (n) => n >= SETTLEMENTS, attest);
    await submitAll(api, batches);
    const settlements = await settled;

    const transfersPerSecond = transfers.count / transfers.seconds;
    const settlementsPerSecond = settlements.count / settlements.seconds;
    const totals = (await api.rpc.attribution.economyTotals()).toJSON();
    process.stdout.write(`${JSON.stringify({
      node: values.ws || (process.env.TRIBUTARY_BIN || 'debug build'),
      transfers: { ...transfers, perSecond: Number(transfersPerSecond.toFixed(1)) },
      settlements: { ...settlements, contributionsEach: CONTRIBUTORS + 1, perSecond: Number(settlementsPerSecond.toFixed(1)) },
      settlementsPerTransfer: Number((settlementsPerSecond / transfersPerSecond).toFixed(2)),
      economyTotals: totals,
    })}\n`);
  } finally {
    if (node) await node.stop(); else await api.disconnect();
  }
}

main().catch((e) => { process.stderr.write(`error: ${e.stack || e}\n`); process.exit(1); });
