// Models through the `Models` pallet: registration with an index commitment, fee and index
// changes, retirement, and reading models back.

import { submit } from './chain.mjs';
import { bytesText, plancksText } from './json.mjs';

/** Perbill parts in 100%. */
export const PERBILL = 1_000_000_000;

/** The first event `models.method` of a submission, or null. */
function modelsEvent(result, method) {
  return result.events.find((e) => e.section === 'models' && e.method === method) || null;
}

/**
 * Percentages `[owner, stakers, contributors]` (e.g. `[20, 10, 70]`) as the chain's reward
 * split in Perbill parts, or null if they do not sum to exactly 100%.
 */
export function splitFromPercents(percents) {
  const parts = percents.map((p) => Math.round((p / 100) * PERBILL));
  if (parts.length !== 3 || parts.reduce((a, b) => a + b, 0) !== PERBILL) return null;
  return { modelOwner: parts[0], stakers: parts[1], contributors: parts[2] };
}

/**
 * Registers a model trained on `datasets`. `split` is `{ modelOwner, stakers, contributors }`
 * in Perbill parts (summing to 1e9); `fee` is in plancks. Resolves with the submission result
 * and `model`.
 */
export async function registerModel(api, pair, {
  artifactHash, uri, datasets, base = null, indexHash, indexUri, fee, split,
}) {
  const tx = api.tx.models.registerModel(
    artifactHash, uri, datasets, base, indexHash, indexUri, fee,
    { modelOwner: split.modelOwner, stakers: split.stakers, contributors: split.contributors },
  );
  const result = await submit(api, tx, pair);
  const event = modelsEvent(result, 'ModelRegistered');
  return { ...result, model: event ? event.data[0] : null };
}

/** Sets the fee per inference (plancks) of a model `pair` owns. */
export function setFee(api, pair, model, fee) {
  return submit(api, api.tx.models.setFee(model, fee), pair);
}

/** Replaces the index commitment (`indexHash`, `indexUri`) of a model `pair` owns. */
export function setIndex(api, pair, { model, indexHash, indexUri }) {
  return submit(api, api.tx.models.setIndex(model, indexHash, indexUri), pair);
}

/** Retires a model `pair` owns (its deposit is released). */
export function retireModel(api, pair, model) {
  return submit(api, api.tx.models.retireModel(model), pair);
}

/** A Perbill as a percentage number (e.g. 700000000 → 70). */
function percent(perbill) {
  return (perbill.toNumber() * 100) / PERBILL;
}

/** A stored model as plain JSON; `amount` formats its fee and deposit (default: plancks). */
function modelJson(id, info, amount) {
  return {
    id,
    owner: info.owner.toString(),
    artifactHash: info.artifactHash.toHex(),
    uri: bytesText(info.uri),
    datasets: info.datasets.map((d) => d.toNumber()),
    base: info.base.isSome ? info.base.unwrap().toNumber() : null,
    depth: info.depth.toNumber(),
    indexHash: info.indexHash.toHex(),
    indexUri: bytesText(info.indexUri),
    fee: amount(info.fee),
    split: {
      modelOwner: percent(info.split.modelOwner),
      stakers: percent(info.split.stakers),
      contributors: percent(info.split.contributors),
    },
    deposit: amount(info.deposit),
    retired: info.retired.isTrue,
    snapshotLen: info.snapshotLen.toNumber(),
    snapshotRecords: info.snapshotRecords.toNumber(),
  };
}

/** Every registered model, sorted by id, as plain JSON (split in percent). */
export async function listModels(api, { amount = plancksText } = {}) {
  const entries = await api.query.models.models.entries();
  return entries
    .map(([key, value]) => modelJson(key.args[0].toNumber(), value.unwrap(), amount))
    .sort((a, b) => a.id - b.id);
}

/** One model by id with its `revenue` (fees settled), or null. */
export async function getModel(api, id, { amount = plancksText } = {}) {
  const value = await api.query.models.models(id);
  if (value.isNone) return null;
  const revenue = await api.rpc.attribution.modelRevenue(id);
  return { ...modelJson(id, value.unwrap(), amount), revenue: amount(revenue.toString()) };
}
