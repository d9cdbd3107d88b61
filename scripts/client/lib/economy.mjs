// The attribution economy through polkadot.js: paid inferences (one or a batch), expiry
// settlements, contributors' claims, attestor keys, and the node's `attribution_*` RPC
// methods. (Model registration lives in models.mjs and is re-exported here.)

import { submit } from './chain.mjs';
import { PERBILL } from './models.mjs';

// Registering models moved to models.mjs; re-exported here for the scripts that import it.
export { registerModel, PERBILL } from './models.mjs';

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
 * Pays for one inference of `model` with the query bytes (a Buffer or string, exactly the
 * query file). `needs` (plancks: the fee and the expiry deposit) is checked against the payer's
 * free balance before sending. Resolves with the submission result and the new `inference` id.
 */
export async function settleInference(api, pair, { model, query, maxFee, needs = 0n }) {
  const tx = api.tx.attribution.settleInference(model, queryHex(query), maxFee);
  const result = await submit(api, tx, pair, { needs });
  const event = findEvent(result, 'attribution', 'InferenceSubmitted');
  return { ...result, inference: event ? event.data[0] : null };
}

/** The query bytes (a Buffer or string) as the chain's `Vec<u8>` argument (0x-hex). */
function queryHex(query) {
  return `0x${Buffer.from(query).toString('hex')}`;
}

/**
 * Pays for a batch of inferences in one `settle_inferences` (all or nothing): `items` are
 * `{ model, query, maxFee }` as in `settleInference` (`needs` likewise, for the whole batch).
 * Resolves with the submission result and the new `inferences` ids, in the batch's order.
 */
export async function settleInferences(api, pair, items, { needs = 0n } = {}) {
  const tx = api.tx.attribution.settleInferences(items.map(({ model, query, maxFee }) => [model, queryHex(query), maxFee]));
  const result = await submit(api, tx, pair, { needs });
  const inferences = result.events
    .filter((e) => e.section === 'attribution' && e.method === 'InferenceSubmitted')
    .map((e) => e.data[0]);
  return { ...result, inferences };
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

/** Replaces `pair`'s attestor `attr` key with `newKey` (0x-hex or SS58 public key). */
export function rotateAttestorKey(api, pair, newKey) {
  return submit(api, api.tx.attribution.rotateAttestorKey(newKey), pair);
}

/** A pending or unknown inference: `'pending'`, `'settled'` (its id was used) or `'unknown'`. */
export async function inferenceState(api, inference) {
  if ((await api.query.attribution.inferences(inference)).isSome) return 'pending';
  const next = (await api.query.attribution.nextInferenceId()).toNumber();
  return inference < next ? 'settled' : 'unknown';
}
