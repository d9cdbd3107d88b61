// Connecting to a Tributary node and submitting signed extrinsics with polkadot.js.

import { readFileSync } from 'node:fs';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { dispatchErrorInfo, poolRefusal, ClientError } from './errors.mjs';
import { formatAmount } from './amounts.mjs';

export { signer } from './accounts.mjs';

/** Where the node's custom RPC definitions live: the same file polkadot.js Apps is given. */
export const RPC_DEFINITIONS_FILE = new URL('../apps-rpc.json', import.meta.url);

/**
 * The node's `attribution_*` RPC methods, for polkadot.js to decorate as `api.rpc.attribution`
 * (read from `scripts/client/apps-rpc.json`, so the client and Apps cannot drift).
 */
export const TRIBUTARY_RPC = JSON.parse(readFileSync(RPC_DEFINITIONS_FILE, 'utf8')).rpc;

/**
 * Connects to the node at `endpoint` (e.g. ws://127.0.0.1:9944); rejects after `timeoutMs`,
 * or at the first failed connection attempt with `failFast` (the command line: nobody is
 * waiting for a node to come up).
 */
export async function connect(endpoint, timeoutMs = 30000, { failFast = false } = {}) {
  const provider = new WsProvider(endpoint, failFast ? false : 1000);
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new ClientError(`no answer from ${endpoint} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    if (failFast) {
      const opened = new Promise((resolve, reject) => {
        const offOpen = provider.on('connected', () => { offError(); resolve(); });
        const offError = provider.on('error', () => {
          offOpen();
          reject(new ClientError(`cannot connect to ${endpoint}: is a node running there?`));
        });
        provider.connect().catch(() => {});
      });
      await Promise.race([opened, timeout]);
    }
    return await Promise.race([ApiPromise.create({ provider, noInitWarn: true, rpc: TRIBUTARY_RPC }), timeout]);
  } catch (e) {
    await provider.disconnect().catch(() => {});
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Refuses, before anything is sent, a transaction whose sender's free balance cannot cover
 * its fee plus `needs` plancks (what the call itself moves: a stake, a bond): throws a
 * `ClientError` saying so.
 */
export async function checkFunds(api, tx, address, needs = 0n) {
  const [{ partialFee }, account] = await Promise.all([tx.paymentInfo(address), api.query.system.account(address)]);
  const fee = partialFee.toBigInt();
  const free = account.data.free.toBigInt();
  const needed = fee + BigInt(needs);
  if (free < needed) {
    const what = BigInt(needs) > 0n ? `${formatAmount(needs)} plus a fee of ${formatAmount(fee)}` : `a fee of ${formatAmount(fee)}`;
    throw new ClientError(`insufficient balance: ${address} has ${formatAmount(free)} free and this needs ${what}; nothing was sent`);
  }
}

/**
 * Signs and submits `tx`, waits until it is in a block, and resolves with
 * `{ ok, blockHash, events, error, errorDocs }`: `error` is the dispatch error's name
 * (`pallet.Error`, e.g. `datasets.DuplicateContent`) when it failed and `errorDocs` its doc
 * line from the metadata. First checks that the sender can pay the fee plus `needs` plancks
 * (`checkFunds`). Rejects with a `ClientError`, nothing sent, when it cannot or when the
 * node's pool refuses the transaction; also when the pool drops it.
 */
export async function submit(api, tx, pair, { needs = 0n } = {}) {
  await checkFunds(api, tx, pair.address, needs);
  return new Promise((resolve, reject) => {
    let unsub = () => {};
    let done = false;
    const finish = (fn, value) => {
      if (done) return;
      done = true;
      unsub();
      fn(value);
    };
    tx.signAndSend(pair, ({ status, events, dispatchError }) => {
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        finish(reject, new ClientError(`the node's pool dropped the transaction of ${pair.address} (${status.type})`));
        return;
      }
      if (!status.isInBlock && !status.isFinalized) return;
      const decoded = events.map(({ event }) => ({
        section: event.section,
        method: event.method,
        data: event.data.toJSON(),
      }));
      const info = dispatchError ? dispatchErrorInfo(api, dispatchError) : null;
      finish(resolve, {
        ok: !dispatchError,
        blockHash: status.isInBlock ? status.asInBlock.toHex() : status.asFinalized.toHex(),
        events: decoded,
        error: info ? info.name : null,
        errorDocs: info ? info.docs : null,
      });
    }).then((u) => { if (done) u(); else unsub = u; }, (e) => finish(reject, poolRefusal(e, pair.address)));
  });
}
