// The world of the attestation end-to-end tests: three contributors' datasets made of real
// rows of the UCI wine data (one class each for the first two, the third with class 2 and a
// few rows of the other classes), a softmax model trained on them with the node's
// `tributary attribution train`, its index served over HTTP on loopback, and one held-out
// query per class.

import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blake2AsHex } from '../../client/node_modules/@polkadot/util-crypto/index.js';
import { nodeBinary } from '../node.mjs';

const WINE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'primitives', 'attribution', 'data', 'wine.csv');

/** Runs the node binary with `args`; resolves with `{ code, stdout, stderr }`. */
export function runNode(args) {
  return new Promise((resolve) => {
    execFile(nodeBinary(), args, { timeout: 300000, maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
      resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr }));
  });
}

/**
 * The rows of the wine data split for three contributors and three held-out queries.
 * Returns `{ features, files: [rows...] x3, queries: [{ label, csv }] x3 }`; rows are arrays
 * of the feature values (strings), with their label.
 */
export async function wineSplit() {
  const lines = (await readFile(WINE, 'utf8')).trim().split('\n');
  const header = lines[0].split(',');
  const labelAt = header.indexOf('label');
  const featureAt = header.map((c, i) => (c === 'label' || c === 'contributor' ? -1 : i)).filter((i) => i >= 0);
  const features = featureAt.map((i) => header[i]);
  const byClass = [[], [], []];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    byClass[Number(cells[labelAt])].push({ label: cells[labelAt], values: featureAt.map((i) => cells[i]) });
  }
  // The last row of each class is held out as that class's query.
  const queries = byClass.map((rows, label) => {
    const q = rows.pop();
    return { label, csv: `${features.join(',')}\n${q.values.join(',')}\n` };
  });
  const files = [
    byClass[0].slice(0, -4),
    byClass[1].slice(0, -4),
    [...byClass[2], ...byClass[0].slice(-4), ...byClass[1].slice(-4)],
  ];
  return { features, files, queries };
}

/** A contributor's registered file: its rows as CSV with labels, no contributor column. */
export function datasetFile(features, rows) {
  return `label,${features.join(',')}\n${rows.map((r) => `${r.label},${r.values.join(',')}`).join('\n')}\n`;
}

/** The training file of contribution `dataset:0`: the same rows with the contributor column. */
export function trainingFile(features, rows, dataset) {
  return `contributor,label,${features.join(',')}\n${rows.map((r) => `${dataset}:0,${r.label},${r.values.join(',')}`).join('\n')}\n`;
}

/**
 * Serves `routes` (`{ path: Buffer }`) on a free loopback port, each answer after `delayMs`;
 * resolves with `{ url, close }`.
 */
export function serveFiles(routes, { delayMs = 0 } = {}) {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      const body = routes[req.url];
      if (!body) { res.writeHead(404); res.end(); return; }
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
        res.end(body);
      }, delayMs);
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/**
 * Trains the softmax model on the training files into `dir/name`; resolves with the index
 * path, its bytes and its blake2-256 hash (as the CLI prints it).
 */
export async function trainModel(dir, trainingPaths, { l2 = 0.1, name = 'model.idx' } = {}) {
  const index = join(dir, name);
  const args = ['attribution', 'train'];
  for (const p of trainingPaths) args.push('--data', p);
  args.push('--family', 'softmax', '--l2', String(l2), '--out', index);
  const out = await runNode(args);
  if (out.code !== 0) throw new Error(`train failed: ${out.stderr}`);
  const bytes = await readFile(index);
  const hash = blake2AsHex(bytes, 256);
  if (out.stdout.trim() !== hash) throw new Error(`train printed ${out.stdout.trim()}, file hashes to ${hash}`);
  return { path: index, bytes, hash };
}

/**
 * The command line's shares for `queryCsv` against `indexPath`: `{ 'dataset:contribution': ppb }`
 * (at most `top` contributions, as the chain's `MaxAttributedContributions`).
 */
export async function cliShares(dir, indexPath, queryCsv, top = 32) {
  const query = join(dir, `query-${blake2AsHex(queryCsv, 64).slice(2)}.csv`);
  await writeFile(query, queryCsv);
  const out = await runNode(['attribution', 'score', '--index', indexPath, '--query', query, '--top', String(top), '--format', 'json']);
  if (out.code !== 0) throw new Error(`score failed: ${out.stderr}`);
  const shares = {};
  for (const c of JSON.parse(out.stdout).contributions) {
    if (c.share > 0) shares[c.contributor] = Math.round(c.share * 1e9);
  }
  return shares;
}

/** What each contribution was paid in `events` (`settlementEvents`): `{ 'dataset:contribution': plancks }`. */
export function contributorPayouts(events) {
  const paid = {};
  for (const e of events.filter((x) => x.method === 'ContributorPaid')) {
    paid[`${e.data[1]}:${e.data[2]}`] = BigInt(e.data[4]);
  }
  return paid;
}

/**
 * The attribution events of `inference` (`{ block, method, data }`) from block `from` until
 * its `InferenceSettled`; rejects after `timeoutMs`.
 */
export async function settlementEvents(api, inference, from, timeoutMs = 180000) {
  const deadline = Date.now() + timeoutMs;
  const events = [];
  let block = from;
  for (;;) {
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    for (; block <= best; block += 1) {
      const records = await (await api.at(await api.rpc.chain.getBlockHash(block))).query.system.events();
      for (const { event } of records) {
        if (event.section !== 'attribution') continue;
        const data = event.data.toJSON();
        const skipped = event.method === 'AttestationsSkipped'
          && data[1].some(([id]) => Number(id) === Number(inference));
        if (Number(data[0]) !== Number(inference) && !skipped) continue;
        events.push({ block, method: event.method, data });
        if (event.method === 'InferenceSettled') return events;
      }
    }
    if (Date.now() > deadline) throw new Error(`inference ${inference} not settled: ${JSON.stringify(events)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * Registers the world on a chain: each of `contributors` registers one dataset of real wine
 * rows (open, commercial), `owner` trains the softmax model on them and registers it with its
 * index served from a new loopback server (`extraRoutes` served beside it, e.g. a wrong
 * index). Resolves with `{ datasets, trainingPaths, index, server, model, queries }`
 * (`model` is `registerModel`'s answer; close `server` when done).
 */
export async function registerWorld(api, dir, { contributors, owner, fee, split, tag, extraRoutes = () => ({}) }) {
  const { submit } = await import('../../client/lib/chain.mjs');
  const { findEvent, registerModel } = await import('../../client/lib/economy.mjs');
  const { features, files, queries } = await wineSplit();
  const datasets = [];
  const trainingPaths = [];
  for (let i = 0; i < 3; i += 1) {
    const content = datasetFile(features, files[i]);
    const registered = await submit(api, api.tx.datasets.registerDataset(
      blake2AsHex(content, 256), `ipfs://${tag}-wine-${i}`, { commercial: true, requiresApproval: false }, '',
    ), contributors[i]);
    if (!registered.ok) throw new Error(`register dataset ${i}: ${registered.error}`);
    datasets.push(findEvent(registered, 'datasets', 'DatasetRegistered').data[0]);
    trainingPaths.push(join(dir, `train-${i}.csv`));
    await writeFile(trainingPaths[i], trainingFile(features, files[i], datasets[i]));
  }
  const index = await trainModel(dir, trainingPaths);
  const server = await serveFiles({ '/model.idx': index.bytes, ...extraRoutes(index) });
  const model = await registerModel(api, owner, {
    artifactHash: index.hash, uri: `ipfs://${tag}-model`, datasets, indexHash: index.hash,
    indexUri: `${server.url}/model.idx`, fee, split,
  });
  if (!model.ok) throw new Error(`register model: ${model.error}`);
  return { datasets, trainingPaths, index, server, model, queries };
}
