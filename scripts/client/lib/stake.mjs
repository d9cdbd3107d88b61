// Stake through the `Stake` pallet: stake on models and datasets, unbonding and withdrawal,
// staking rewards, attestor bonds, and reading an account's position back.

import { submit } from './chain.mjs';
import { plancksText } from './json.mjs';

/** A stake target as the chain takes it: `{ Model: id }` or `{ Dataset: id }`. */
export function stakeTarget({ model, dataset }) {
  return model !== undefined ? { Model: model } : { Dataset: dataset };
}

/** Stakes `amount` (plancks) on `target`. */
export function stake(api, pair, target, amount) {
  return submit(api, api.tx.stake.stake(target, amount), pair, { needs: BigInt(amount) });
}

/** Starts unbonding `amount` (plancks) of the stake on `target`. */
export function unstake(api, pair, target, amount) {
  return submit(api, api.tx.stake.unstake(target, amount), pair);
}

/** Releases every matured unbonding chunk of `pair`. */
export function withdrawUnbonded(api, pair) {
  return submit(api, api.tx.stake.withdrawUnbonded(), pair);
}

/** Claims `pair`'s staking rewards from `target`. */
export function claimRewards(api, pair, target) {
  return submit(api, api.tx.stake.claim(target), pair);
}

/** Becomes an attestor with a bond of `amount` (plancks). */
export function bondAttestor(api, pair, amount) {
  return submit(api, api.tx.stake.bondAttestor(amount), pair, { needs: BigInt(amount) });
}

/** Adds `amount` (plancks) to `pair`'s attestor bond. */
export function bondAttestorExtra(api, pair, amount) {
  return submit(api, api.tx.stake.bondAttestorExtra(amount), pair, { needs: BigInt(amount) });
}

/** Stops being an attestor: the bond starts unbonding. */
export function unbondAttestor(api, pair) {
  return submit(api, api.tx.stake.unbondAttestor(), pair);
}

/** Lets `who`'s warmed-up stake on `target` join its pool (anyone may call it). */
export function activateStake(api, pair, target, who) {
  return submit(api, api.tx.stake.activateStake(target, who), pair);
}

/** A stake target from the chain as `{ model: id }` or `{ dataset: id }`. */
function targetJson(target) {
  return target.isModel ? { model: target.asModel.toNumber() } : { dataset: target.asDataset.toNumber() };
}

/**
 * `account`'s position in the stake pallet: `{ account, stakes: [{ target, amount, warming,
 * warmAt, pending }], unbonding: [{ kind, amount, unlockAt }], attestorBond }` (`attestorBond`
 * null when not an attestor); `amount` formats the amounts (default: plancks).
 */
export async function stakeOf(api, account, { amount = plancksText } = {}) {
  const [entries, unbonding, bond] = await Promise.all([
    api.query.stake.stakes.entries(),
    api.query.stake.unbonding(account),
    api.query.stake.attestors(account),
  ]);
  const stakes = entries
    .filter(([key]) => key.args[1].toString() === account)
    .map(([key, value]) => {
      const s = value.unwrap();
      return {
        target: targetJson(key.args[0]),
        amount: amount(s.amount),
        warming: amount(s.warming),
        warmAt: s.warmAt.toNumber(),
        pending: amount(s.pending),
      };
    });
  return {
    account,
    stakes,
    unbonding: unbonding.map((c) => ({ kind: c.kind.type, amount: amount(c.amount), unlockAt: c.unlockAt.toNumber() })),
    attestorBond: bond.isSome ? amount(bond.unwrap()) : null,
  };
}
