// Datasets through the `Datasets` pallet: registration and contributions from files,
// licenses, openness, approvals, retirement, deposits, and reading datasets back.

import { readFile } from 'node:fs/promises';
import { blake2AsHex } from '@polkadot/util-crypto';
import { submit } from './chain.mjs';
import { bytesText, plancksText } from './json.mjs';

/** The chain's content hash of a file: blake2-256 of its bytes, as 0x-hex. */
export async function contentHashOfFile(path) {
  const bytes = await readFile(path);
  return blake2AsHex(bytes, 256);
}

/** The first event `datasets.method` of a submission, or null. */
function datasetsEvent(result, method) {
  return result.events.find((e) => e.section === 'datasets' && e.method === method) || null;
}

/**
 * Registers the file at `path` as a new dataset owned by `pair`.
 * Resolves with `{ ok, contentHash, dataset, event, error, errorDocs, blockHash }`.
 */
export async function registerDataset(api, pair, { path, uri, license, metadata }) {
  const contentHash = await contentHashOfFile(path);
  const tx = api.tx.datasets.registerDataset(contentHash, uri, license, metadata);
  const result = await submit(api, tx, pair);
  const event = datasetsEvent(result, 'DatasetRegistered');
  return {
    ok: result.ok,
    error: result.error,
    errorDocs: result.errorDocs,
    blockHash: result.blockHash,
    contentHash,
    dataset: event ? event.data[0] : null,
    event: event || null,
  };
}

/**
 * Adds the file at `path` (declaring `records` records, fetchable at `uri`) to `dataset`.
 * Resolves with the submission result, the file's `contentHash` and the new `contribution` id.
 */
export async function addContribution(api, pair, { dataset, path, records, uri }) {
  const contentHash = await contentHashOfFile(path);
  const result = await submit(api, api.tx.datasets.addContribution(dataset, contentHash, records, uri), pair);
  const event = datasetsEvent(result, 'ContributionAdded');
  return { ...result, contentHash, contribution: event ? event.data[1] : null };
}

/** Sets the license (`{ commercial, requiresApproval }`) of a dataset `pair` owns. */
export function setLicense(api, pair, dataset, license) {
  return submit(api, api.tx.datasets.setLicense(dataset, license), pair);
}

/** Opens a dataset `pair` owns to anyone's contributions (`open` true) or closes it. */
export function setOpen(api, pair, dataset, open) {
  return submit(api, api.tx.datasets.setOpen(dataset, open), pair);
}

/** Retires a dataset `pair` owns (its owner's deposit is released). */
export function retireDataset(api, pair, dataset) {
  return submit(api, api.tx.datasets.retireDataset(dataset), pair);
}

/** Approves model id `model`, to be registered by `owner`, to list a dataset `pair` owns. */
export function approveModel(api, pair, { dataset, model, owner }) {
  return submit(api, api.tx.datasets.approveModel(dataset, model, owner), pair);
}

/** Revokes the approval of model id `model` for a dataset `pair` owns (its deposit comes back). */
export function revokeApproval(api, pair, { dataset, model }) {
  return submit(api, api.tx.datasets.revokeApproval(dataset, model), pair);
}

/** Releases `pair`'s deposit for `contribution` of a retired `dataset`. */
export function releaseContributionDeposit(api, pair, { dataset, contribution }) {
  return submit(api, api.tx.datasets.releaseContributionDeposit(dataset, contribution), pair);
}

/** Withdraws `pair`'s own `contribution` from `dataset` (its deposit comes back). */
export function withdrawContribution(api, pair, { dataset, contribution }) {
  return submit(api, api.tx.datasets.withdrawContribution(dataset, contribution), pair);
}

/** Removes `contribution` from a dataset `pair` owns (its deposit goes back to its contributor). */
export function removeContribution(api, pair, { dataset, contribution }) {
  return submit(api, api.tx.datasets.removeContribution(dataset, contribution), pair);
}

/** A stored dataset as plain JSON; `amount` formats its deposit (default: plancks). */
function datasetJson(id, info, amount) {
  return {
    id,
    owner: info.owner.toString(),
    contentHash: info.contentHash.toHex(),
    uri: bytesText(info.uri),
    license: { commercial: info.license.commercial.isTrue, requiresApproval: info.license.requiresApproval.isTrue },
    metadata: bytesText(info.metadata),
    open: info.open.isTrue,
    retired: info.retired.isTrue,
    contributionCount: info.contributionCount.toNumber(),
    liveContributions: info.liveContributions.toNumber(),
    deposit: amount(info.deposit),
    createdAt: info.createdAt.toNumber(),
  };
}

/** Every registered dataset, sorted by id, as plain JSON; `amount` formats deposits. */
export async function listDatasets(api, { amount = plancksText } = {}) {
  const entries = await api.query.datasets.datasets.entries();
  return entries
    .map(([key, value]) => datasetJson(key.args[0].toNumber(), value.unwrap(), amount))
    .sort((a, b) => a.id - b.id);
}

/**
 * One dataset by id, or null. With `details` it includes its stored `contributions`
 * (`{ contribution, contributor, contentHash, records, uri, deposit }`), its `approvals`
 * (`{ model, owner, deposit }`) and its `revenue` (paid to its contributors).
 */
export async function getDataset(api, id, { amount = plancksText, details = false } = {}) {
  const value = await api.query.datasets.datasets(id);
  if (value.isNone) return null;
  const dataset = datasetJson(id, value.unwrap(), amount);
  if (!details) return dataset;
  const [contributions, approvals, revenue] = await Promise.all([
    api.query.datasets.contributions.entries(id),
    api.query.datasets.approvals.entries(id),
    api.rpc.attribution.datasetRevenue(id),
  ]);
  dataset.contributions = contributions.map(([key, c]) => {
    const info = c.unwrap();
    return {
      contribution: key.args[1].toNumber(),
      contributor: info.contributor.toString(),
      contentHash: info.contentHash.toHex(),
      records: info.records.toNumber(),
      uri: bytesText(info.uri),
      deposit: amount(info.deposit),
    };
  }).sort((a, b) => a.contribution - b.contribution);
  dataset.approvals = approvals.map(([key, a]) => {
    const info = a.unwrap();
    return { model: key.args[1].toNumber(), owner: info.owner.toString(), deposit: amount(info.deposit) };
  }).sort((a, b) => a.model - b.model);
  dataset.revenue = amount(revenue.toString());
  return dataset;
}

/** Whether `dataset` has a stored `contribution`. */
export async function contributionExists(api, dataset, contribution) {
  return (await api.query.datasets.contributions(dataset, contribution)).isSome;
}
