// Datasets: registration from a file and listing, through the `Datasets` pallet.

import { readFile } from 'node:fs/promises';
import { blake2AsHex } from '@polkadot/util-crypto';
import { submit } from './chain.mjs';

/** The chain's content hash of a file: blake2-256 of its bytes, as 0x-hex. */
export async function contentHashOfFile(path) {
  const bytes = await readFile(path);
  return blake2AsHex(bytes, 256);
}

/**
 * Registers the file at `path` as a new dataset owned by `pair`.
 * Resolves with `{ ok, contentHash, dataset, event, error, blockHash }`.
 */
export async function registerDataset(api, pair, { path, uri, license, metadata }) {
  const contentHash = await contentHashOfFile(path);
  const tx = api.tx.datasets.registerDataset(contentHash, uri, license, metadata);
  const result = await submit(api, tx, pair);
  const event = result.events.find((e) => e.section === 'datasets' && e.method === 'DatasetRegistered');
  return {
    ok: result.ok,
    error: result.error,
    blockHash: result.blockHash,
    contentHash,
    dataset: event ? event.data[0] : null,
    event: event || null,
  };
}

/** Every registered dataset, sorted by id, as plain JSON. */
export async function listDatasets(api) {
  const entries = await api.query.datasets.datasets.entries();
  return entries
    .map(([key, value]) => ({ id: key.args[0].toNumber(), ...value.unwrap().toHuman() }))
    .sort((a, b) => a.id - b.id);
}

/** One dataset by id, or null. */
export async function getDataset(api, id) {
  const value = await api.query.datasets.datasets(id);
  return value.isSome ? { id, ...value.unwrap().toHuman() } : null;
}
