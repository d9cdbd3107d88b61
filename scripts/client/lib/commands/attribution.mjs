// The attribution commands (pallet `Attribution` and the node's `attribution_*` RPC).

import { readFile } from 'node:fs/promises';
import { decodeAddress } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import {
  settleInference, settleInferences, pendingInferences, contributorEarnings, claimEarnings,
  economyTotals, settleExpired, rotateAttestorKey, inferenceState,
} from '../economy.mjs';
import { watchInference } from '../watch.mjs';
import { readBatchFile } from '../batch.mjs';
import { ClientError, UsageError } from '../errors.mjs';
import { txOutput, eventData } from './common.mjs';

const INFERENCE = { name: 'INFERENCE', key: 'inference', kind: 'id', help: 'the inference id' };

/** Fails (nothing sent) unless `inference` is pending. */
async function requirePending(ctx, inference) {
  const state = await inferenceState(ctx.api, inference);
  if (state === 'unknown') throw new ClientError(`no inference ${inference} on this chain`);
  if (state === 'settled') throw new ClientError(`inference ${inference} is already settled`);
}

/**
 * What paying for `items` (`{ model, maxFee }`) will take from the payer: each model's fee (where
 * it is within `maxFee`; otherwise the chain refuses it with `FeeAboveMax`) plus the expiry
 * deposit. Fails (nothing sent) for an unknown model.
 */
async function paymentNeeds(ctx, items) {
  const deposit = ctx.api.consts.attribution.expiryDeposit.toBigInt();
  let needs = 0n;
  for (const { model, maxFee } of items) {
    const info = await ctx.api.query.models.models(model);
    if (info.isNone) throw new ClientError(`no model ${model} on this chain`);
    const fee = info.unwrap().fee.toBigInt();
    if (fee <= maxFee) needs += fee + deposit;
  }
  return needs;
}

/** The fees of a submission's `InferenceSubmitted` events, formatted. */
function submittedFees(ctx, result) {
  return result.events
    .filter((e) => e.section === 'attribution' && e.method === 'InferenceSubmitted')
    .map((e) => ctx.amount(e.data[3]));
}

/** The attribution commands, in the order `--help` lists them. */
export const ATTRIBUTION_COMMANDS = [
  {
    name: 'settle-inference',
    group: 'attribution',
    summary: "Pay for one inference of a model (Attribution::settle_inference): escrows its fee.",
    description: `--query is the exact query file the attestors score (the model's fee is taken if it is at most
--max-fee), plus an expiry deposit of 0.05 TRIB that comes back after a quorum settles it.`,
    options: {
      model: { type: 'string', kind: 'id', value: 'ID', required: true, help: 'the model' },
      query: { type: 'string', kind: 'file', value: 'PATH', required: true, help: 'the query file (CSV header + row, or text)' },
      'max-fee': { type: 'string', kind: 'amount', value: 'AMOUNT', required: true, help: 'the most you pay, in TRIB' },
    },
    signed: true,
    example: 'tributary-client settle-inference --model 0 --query query.csv --max-fee 1.25 --suri //Dave',
    async run(ctx) {
      const { model } = ctx.values;
      const maxFee = ctx.values['max-fee'];
      const needs = await paymentNeeds(ctx, [{ model, maxFee }]);
      const query = await readFile(ctx.values.query);
      const result = await settleInference(ctx.api, ctx.pair, { model, query, maxFee, needs });
      return txOutput(result, { inference: result.inference, model, fee: submittedFees(ctx, result)[0] ?? null });
    },
  },
  {
    name: 'settle-inferences',
    group: 'attribution',
    summary: 'Pay for a batch of inferences in one transaction (Attribution::settle_inferences; all or nothing).',
    description: `--batch is a file of one JSON object per line (blank lines and # comments skipped):
  {"model": 0, "query": "q1.csv", "maxFee": "1.5"}          query file, relative to the batch file
  {"model": 0, "queryText": "a,b\\n1,2\\n", "maxFee": "0.5"}  or the query's text
maxFee is in TRIB (whole plancks with --plancks). At most 64 lines (the runtime's MaxBatch).`,
    options: { batch: { type: 'string', value: 'FILE', required: true, help: 'the batch file (JSON lines)' } },
    async check({ values, token, plancks }) {
      values.items = await readBatchFile(values.batch, { ...token, plancks });
    },
    signed: true,
    example: 'tributary-client settle-inferences --batch inferences.jsonl --suri //Dave',
    async run(ctx) {
      const { items } = ctx.values;
      const max = ctx.api.consts.attribution.maxBatch.toNumber();
      if (items.length > max) throw new ClientError(`the batch has ${items.length} inferences; one call takes at most ${max}`);
      const needs = await paymentNeeds(ctx, items);
      const result = await settleInferences(ctx.api, ctx.pair, items, { needs });
      return txOutput(result, { inferences: result.inferences, fees: submittedFees(ctx, result) });
    },
  },
  {
    name: 'watch',
    group: 'attribution',
    summary: "Print an inference's commit, reveal and settlement events as they happen (one JSON line each).",
    description: 'Exits 0 when it is settled, 1 when --timeout passes first.',
    args: [INFERENCE],
    options: { timeout: { type: 'string', kind: 'count', value: 'SECONDS', default: '120', help: 'give up after this long' } },
    async run(ctx) {
      const { inference } = ctx.args;
      const state = await inferenceState(ctx.api, inference);
      if (state === 'unknown') throw new ClientError(`no inference ${inference} on this chain`);
      if (state === 'settled') {
        process.stdout.write(`${JSON.stringify({ inference, method: 'InferenceSettled', note: 'settled before watching' })}\n`);
        return undefined;
      }
      try {
        await watchInference(ctx.api, inference, {
          timeoutMs: ctx.values.timeout * 1000,
          onEvent: (e) => process.stdout.write(`${JSON.stringify(e)}\n`),
        });
      } catch (e) {
        throw new ClientError(e.message);
      }
      return undefined;
    },
  },
  {
    name: 'pending',
    group: 'attribution',
    summary: 'Pending inferences (attribution_pendingInferences).',
    options: {
      from: { type: 'string', kind: 'count', value: 'ID', default: '0', help: 'from this inference id' },
      limit: { type: 'string', kind: 'count', value: 'N', default: '1000', help: 'at most this many (node cap 1000)' },
    },
    async run(ctx) {
      const pending = await pendingInferences(ctx.api, ctx.values.from, ctx.values.limit);
      return pending.map((p) => ({ ...p, fee: ctx.amount(p.fee) }));
    },
  },
  {
    name: 'earnings',
    group: 'attribution',
    summary: "A contributor's lifetime and unclaimed earnings (attribution_contributorEarnings).",
    args: [{ name: 'ACCOUNT', key: 'account', kind: 'account', help: 'an SS58 address' }],
    async run(ctx) {
      const { total, unclaimed } = await contributorEarnings(ctx.api, ctx.args.account);
      return { account: ctx.args.account, total: ctx.amount(total), unclaimed: ctx.amount(unclaimed) };
    },
  },
  {
    name: 'claim',
    group: 'attribution',
    summary: 'Claim your earnings as a contributor (Attribution::claim_earnings).',
    signed: true,
    async run(ctx) {
      const result = await claimEarnings(ctx.api, ctx.pair);
      const data = eventData(result, 'attribution', 'EarningsClaimed');
      return txOutput(result, { claimed: data ? ctx.amount(data[1]) : null });
    },
  },
  {
    name: 'economy',
    group: 'attribution',
    summary: "The economy's lifetime totals (attribution_economyTotals).",
    async run(ctx) {
      const t = await economyTotals(ctx.api);
      return { ...t, feesSettled: ctx.amount(t.feesSettled), paidToContributors: ctx.amount(t.paidToContributors) };
    },
  },
  {
    name: 'settle-expired',
    group: 'attribution',
    summary: 'Settle an inference whose deadline passed without a quorum (Attribution::settle_expired); earns its deposit.',
    args: [INFERENCE],
    signed: true,
    async run(ctx) {
      const { inference } = ctx.args;
      await requirePending(ctx, inference);
      const deadline = (await ctx.api.query.attribution.inferences(inference)).unwrap().deadline.toNumber();
      const now = (await ctx.api.rpc.chain.getHeader()).number.toNumber();
      if (deadline > now) {
        throw new ClientError(`inference ${inference} has not expired: its deadline is block ${deadline} (best block ${now}); a quorum may settle it until then`);
      }
      const result = await settleExpired(ctx.api, ctx.pair, inference);
      const data = eventData(result, 'attribution', 'ExpiryDepositReleased');
      return txOutput(result, { inference, deposit: data ? ctx.amount(data[2]) : null });
    },
  },
  {
    name: 'rotate-attestor-key',
    group: 'attribution',
    summary: "Replace your attestor's attr key (Attribution::rotate_attestor_key); insert the new key in the node first.",
    args: [{ name: 'KEY', key: 'key', help: 'the new attr public key: 0x-hex or SS58' }],
    check({ args }) {
      try {
        args.key = u8aToHex(decodeAddress(args.key));
      } catch {
        throw new UsageError(`KEY must be an sr25519 public key (0x-hex or SS58), not '${args.key}'`);
      }
    },
    signed: true,
    async run(ctx) {
      const { key } = ctx.args;
      if ((await ctx.api.query.attribution.attestorKeys(ctx.pair.address)).isNone) {
        throw new ClientError(`${ctx.pair.address} has no attestor key to rotate`);
      }
      return txOutput(await rotateAttestorKey(ctx.api, ctx.pair, key), { key });
    },
  },
];
