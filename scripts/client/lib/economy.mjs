// The attribution economy through polkadot.js: models, paid inferences, attributions,
// claims, and the node's `attribution_*` RPC methods.

import { submit } from './chain.mjs';

/** Perbill parts in 100%. */
export const PERBILL = 1_000_000_000;

/** Calls one of the node's `attribution_*` RPC methods; resolves with its JSON answer. */
export async function attributionRpc(api, method, params = []) {
  return (await api.rpc.attribution[method](...params)).toJSON();
}

/** Pending inferences from id `from` (default 0), at most `limit` (node caps at 1000). */
export async function pendingInferences(api, from = 0, limit = 1000) {
  // polkadot.js's `Json` codec is a map: a JSON array comes back keyed '0', '1', ….
  const answer = await attributionRpc(api, 'pendingInferences', [from, limit]);
  return Array.isArray(answer) ? answer : Object.values(answer);
}

/** `{ total, unclaimed }` earnings of a contributor account (SS58), as decimal strings. */
export function contributorEarnings(api, account) {
  return attributionRpc(api, 'contributorEarnings', [account]);
}

/** Fees settled for a model, as a decimal string. */
export function modelRevenue(api, model) {
  return attributionRpc(api, 'modelRevenue', [model]);
}

/** Paid to a dataset's contributors, as a decimal string. */
export function datasetRevenue(api, dataset) {
  return attributionRpc(api, 'datasetRevenue', [dataset]);
}

/** The economy's lifetime totals. */
export function economyTotals(api) {
  return attributionRpc(api, 'economyTotals', []);
}

/** The first event `section.method` among a submission's events, or null. */
export function findEvent(result, section, method) {
  return result.events.find((e) => e.section === section && e.method === method) || null;
}

/**
 * Registers a model trained on `datasets`. `split` is `{ modelOwner, stakers, contributors }`
 * in Perbill parts (summing to 1e9). Resolves with the submission result and `model`.
 */
export async function registerModel(api, pair, {
  artifactHash, uri, datasets, base = null, indexHash, indexUri, fee, split,
}) {
  const tx = api.tx.models.registerModel(
    artifactHash, uri, datasets, base, indexHash, indexUri, fee,
    { modelOwner: split.modelOwner, stakers: split.stakers, contributors: split.contributors },
  );
  const result = await submit(api, tx, pair);
  const event = findEvent(result, 'models', 'ModelRegistered');
  return { ...result, model: event ? event.data[0] : null };
}

/**
 * Pays for one inference of `model` with the query bytes (a Buffer or string, exactly the
 * query file). Resolves with the submission result and the new `inference` id.
 */
export async function settleInference(api, pair, { model, query, maxFee }) {
  const tx = api.tx.attribution.settleInference(model, `0x${Buffer.from(query).toString('hex')}`, maxFee);
  const result = await submit(api, tx, pair);
  const event = findEvent(result, 'attribution', 'InferenceSubmitted');
  return { ...result, inference: event ? event.data[0] : null };
}

/**
 * Shares for attributed contributions: `[[dataset, contribution, weight], ...]` → scores in
 * the chain's form, sorted by contribution, Perbill parts summing exactly to 1e9 (the
 * remainder goes to the first).
 */
export function scoresFromWeights(weighted) {
  const sorted = [...weighted].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const sum = sorted.reduce((acc, [, , w]) => acc + w, 0);
  const parts = sorted.map(([, , w]) => Math.floor((w / sum) * PERBILL));
  parts[0] += PERBILL - parts.reduce((a, b) => a + b, 0);
  return sorted.map(([dataset, contribution], i) => [{ dataset, contribution }, parts[i]]);
}

/** Claims the signer's unclaimed earnings. */
export function claimEarnings(api, pair) {
  return submit(api, api.tx.attribution.claimEarnings(), pair);
}

/** Settles one inference whose deadline passed without a quorum; the caller earns its deposit. */
export function settleExpired(api, pair, inference) {
  return submit(api, api.tx.attribution.settleExpired(inference), pair);
}
