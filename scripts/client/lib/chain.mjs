// Connecting to a Tributary node and submitting signed extrinsics with polkadot.js.

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

/** The node's `attribution_*` RPC methods, for polkadot.js to decorate as `api.rpc.attribution`. */
export const TRIBUTARY_RPC = {
  attribution: {
    pendingInferences: {
      description: 'Pending inferences with ids from `from` upwards, at most `limit` (≤ 1000).',
      params: [
        { name: 'from', type: 'u64', isOptional: true },
        { name: 'limit', type: 'u32', isOptional: true },
        { name: 'at', type: 'BlockHash', isOptional: true },
      ],
      type: 'Json',
    },
    contributorEarnings: {
      description: "A contributor's lifetime and unclaimed earnings.",
      params: [{ name: 'account', type: 'AccountId' }, { name: 'at', type: 'BlockHash', isOptional: true }],
      type: 'Json',
    },
    modelRevenue: {
      description: 'Fees settled for a model.',
      params: [{ name: 'model', type: 'u32' }, { name: 'at', type: 'BlockHash', isOptional: true }],
      type: 'Text',
    },
    datasetRevenue: {
      description: "Paid to a dataset's contributors.",
      params: [{ name: 'dataset', type: 'u32' }, { name: 'at', type: 'BlockHash', isOptional: true }],
      type: 'Text',
    },
    economyTotals: {
      description: "The economy's lifetime totals.",
      params: [{ name: 'at', type: 'BlockHash', isOptional: true }],
      type: 'Json',
    },
  },
};

/** Connects to the node at `endpoint` (e.g. ws://127.0.0.1:9944); rejects after `timeoutMs`. */
export async function connect(endpoint, timeoutMs = 30000) {
  const provider = new WsProvider(endpoint, 1000);
  const timer = new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`no answer from ${endpoint} within ${timeoutMs} ms`)), timeoutMs));
  try {
    return await Promise.race([ApiPromise.create({ provider, noInitWarn: true, rpc: TRIBUTARY_RPC }), timer]);
  } catch (e) {
    await provider.disconnect().catch(() => {});
    throw e;
  }
}

/** The sr25519 key pair for a secret URI such as `//Alice` or a mnemonic. */
export async function signer(suri) {
  await cryptoWaitReady();
  return new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(suri);
}

/** A dispatch error as `pallet.Error` (e.g. `datasets.DuplicateContent`) or its plain text. */
export function describeDispatchError(api, dispatchError) {
  if (dispatchError.isModule) {
    const meta = api.registry.findMetaError(dispatchError.asModule);
    return `${meta.section}.${meta.name}`;
  }
  return dispatchError.toString();
}

/**
 * Signs and submits `tx`, waits until it is in a block, and resolves with
 * `{ ok, blockHash, events, error }`: `error` is the dispatch error's name when it failed.
 */
export function submit(api, tx, pair) {
  return new Promise((resolve, reject) => {
    let unsub = () => {};
    tx.signAndSend(pair, ({ status, events, dispatchError }) => {
      if (!status.isInBlock && !status.isFinalized) return;
      unsub();
      const decoded = events.map(({ event }) => ({
        section: event.section,
        method: event.method,
        data: event.data.toJSON(),
      }));
      resolve({
        ok: !dispatchError,
        blockHash: status.isInBlock ? status.asInBlock.toHex() : status.asFinalized.toHex(),
        events: decoded,
        error: dispatchError ? describeDispatchError(api, dispatchError) : null,
      });
    }).then((u) => { unsub = u; }, reject);
  });
}
