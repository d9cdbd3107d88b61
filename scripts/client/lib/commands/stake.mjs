// The stake commands (pallet `Stake`) and account balances.

import {
  stakeTarget, stake, unstake, withdrawUnbonded, claimRewards, bondAttestor, bondAttestorExtra,
  unbondAttestor, activateStake, stakeOf,
} from '../stake.mjs';
import { txOutput, eventData, TARGET_OPTIONS, checkOneTarget, requireTarget } from './common.mjs';

const AMOUNT = { type: 'string', kind: 'amount', value: 'AMOUNT', required: true, help: 'in TRIB (e.g. 100 or 2.5)' };

/** The stake target of the command line as printed: `{ model }` or `{ dataset }`. */
function targetOf(values) {
  return values.model !== undefined ? { model: values.model } : { dataset: values.dataset };
}

/** The stake commands, in the order `--help` lists them. */
export const STAKE_COMMANDS = [
  {
    name: 'stake',
    group: 'stake',
    summary: 'Stake on a model or dataset (Stake::stake); it earns after a warm-up of 1 hour.',
    description: 'The stake on a target must total at least 1 TRIB. The amount is held at once.',
    options: { ...TARGET_OPTIONS, amount: AMOUNT },
    check: checkOneTarget,
    signed: true,
    example: 'tributary-client stake --model 0 --amount 100 --suri //Dave',
    async run(ctx) {
      await requireTarget(ctx);
      const result = await stake(ctx.api, ctx.pair, stakeTarget(ctx.values), ctx.values.amount);
      return txOutput(result, { target: targetOf(ctx.values), amount: ctx.amount(ctx.values.amount) });
    },
  },
  {
    name: 'unstake',
    group: 'stake',
    summary: 'Start unbonding stake (Stake::unstake); withdraw it after 24 hours with withdraw-unbonded.',
    options: { ...TARGET_OPTIONS, amount: AMOUNT },
    check: checkOneTarget,
    signed: true,
    async run(ctx) {
      await requireTarget(ctx);
      const result = await unstake(ctx.api, ctx.pair, stakeTarget(ctx.values), ctx.values.amount);
      const data = eventData(result, 'stake', 'Unstaked');
      return txOutput(result, { target: targetOf(ctx.values), amount: ctx.amount(ctx.values.amount), unlockAt: data ? data[3] : null });
    },
  },
  {
    name: 'withdraw-unbonded',
    group: 'stake',
    summary: 'Release your matured unbonding stake and attestor bonds (Stake::withdraw_unbonded).',
    signed: true,
    async run(ctx) {
      const result = await withdrawUnbonded(ctx.api, ctx.pair);
      const data = eventData(result, 'stake', 'Withdrawn');
      return txOutput(result, { withdrawn: data ? ctx.amount(data[1]) : null });
    },
  },
  {
    name: 'claim-rewards',
    group: 'stake',
    summary: 'Claim your staking rewards from a model or dataset (Stake::claim).',
    options: { ...TARGET_OPTIONS },
    check: checkOneTarget,
    signed: true,
    async run(ctx) {
      await requireTarget(ctx);
      const result = await claimRewards(ctx.api, ctx.pair, stakeTarget(ctx.values));
      const data = eventData(result, 'stake', 'RewardsClaimed');
      return txOutput(result, { target: targetOf(ctx.values), claimed: data ? ctx.amount(data[2]) : null });
    },
  },
  {
    name: 'activate-stake',
    group: 'stake',
    summary: "Let warmed-up stake join its pool and earn (Stake::activate_stake); anyone may call it.",
    options: {
      ...TARGET_OPTIONS,
      who: { type: 'string', kind: 'account', value: 'ACCOUNT', help: 'whose stake (default: the signer)' },
    },
    check: checkOneTarget,
    signed: true,
    async run(ctx) {
      await requireTarget(ctx);
      const who = ctx.values.who || ctx.pair.address;
      const result = await activateStake(ctx.api, ctx.pair, stakeTarget(ctx.values), who);
      const data = eventData(result, 'stake', 'StakeActivated');
      return txOutput(result, { target: targetOf(ctx.values), who, activated: data ? ctx.amount(data[2]) : null });
    },
  },
  {
    name: 'bond-attestor',
    group: 'stake',
    summary: 'Become an attestor by bonding at least 100 TRIB (Stake::bond_attestor).',
    description: 'Your submissions count once root also registers your attr key (attribution.register_attestor_key).',
    options: { amount: AMOUNT },
    signed: true,
    example: 'tributary-client bond-attestor --amount 100 --suri //Bob',
    async run(ctx) {
      return txOutput(await bondAttestor(ctx.api, ctx.pair, ctx.values.amount), { bond: ctx.amount(ctx.values.amount) });
    },
  },
  {
    name: 'bond-attestor-extra',
    group: 'stake',
    summary: 'Add to your attestor bond, e.g. after a slash (Stake::bond_attestor_extra).',
    options: { amount: AMOUNT },
    signed: true,
    async run(ctx) {
      const result = await bondAttestorExtra(ctx.api, ctx.pair, ctx.values.amount);
      const data = eventData(result, 'stake', 'AttestorBondIncreased');
      return txOutput(result, { added: ctx.amount(ctx.values.amount), bond: data ? ctx.amount(data[2]) : null });
    },
  },
  {
    name: 'unbond-attestor',
    group: 'stake',
    summary: 'Stop being an attestor (Stake::unbond_attestor); the bond unbonds for 24 hours.',
    signed: true,
    async run(ctx) {
      const result = await unbondAttestor(ctx.api, ctx.pair);
      const data = eventData(result, 'stake', 'AttestorUnbonded');
      return txOutput(result, { unbonding: data ? ctx.amount(data[1]) : null, unlockAt: data ? data[2] : null });
    },
  },
  {
    name: 'show-stake',
    group: 'stake',
    summary: "An account's stakes, unbonding chunks and attestor bond.",
    args: [{ name: 'ACCOUNT', key: 'account', kind: 'account', help: 'an SS58 address' }],
    run: (ctx) => stakeOf(ctx.api, ctx.args.account, { amount: ctx.amount }),
  },
  {
    name: 'balance',
    group: 'accounts',
    summary: "An account's balance (free, reserved = held, frozen) and nonce; without ACCOUNT the signer's.",
    args: [{ name: 'ACCOUNT', key: 'account', kind: 'account', optional: true, help: 'an SS58 address (default: the --suri/--keystore account)' }],
    signed: true,
    async run(ctx) {
      const account = ctx.args.account || ctx.pair.address;
      const { nonce, data } = await ctx.api.query.system.account(account);
      return {
        account,
        free: ctx.amount(data.free),
        reserved: ctx.amount(data.reserved),
        frozen: ctx.amount(data.frozen),
        nonce: nonce.toNumber(),
      };
    },
  },
];
