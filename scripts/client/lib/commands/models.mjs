// The model commands (pallet `Models`).

import { readFile } from 'node:fs/promises';
import { blake2AsHex } from '@polkadot/util-crypto';
import { registerModel, setFee, setIndex, retireModel, listModels, getModel, splitFromPercents } from '../models.mjs';
import { ClientError, UsageError } from '../errors.mjs';
import { txOutput } from './common.mjs';

const MODEL = { name: 'MODEL', key: 'model', kind: 'id', help: 'the model id' };

/** The blake2-256 hash of a file's bytes (0x-hex). */
async function fileHash(path) {
  return blake2AsHex(await readFile(path), 256);
}

/** The model commands, in the order `--help` lists them. */
export const MODEL_COMMANDS = [
  {
    name: 'register-model',
    group: 'models',
    summary: 'Register a model trained on datasets, with its attribution index (Models::register_model).',
    description: `The index hash is blake2-256 of the index file (what \`tributary attribution train\` printed);
the attestors fetch the index from --index-uri. The artifact hash is the --artifact file's
(default: the index file's) and must be new chain-wide. --split is owner, stakers, contributors
in percent (sum 100). A fee above 0 needs commercial licenses. Holds 1 TRIB + 0.001 TRIB per
URI byte.`,
    options: {
      index: { type: 'string', kind: 'file', value: 'PATH', required: true, help: 'the attribution index file' },
      'index-uri': { type: 'string', value: 'URI', required: true, help: 'where attestors fetch the index (http://...)' },
      datasets: { type: 'string', kind: 'ids', value: 'ID[,ID...]', required: true, help: 'the datasets it was trained on' },
      fee: { type: 'string', kind: 'amount', value: 'AMOUNT', required: true, help: 'fee per inference in TRIB (e.g. 0.5)' },
      split: { type: 'string', value: 'O,S,C', default: '20,10,70', help: 'owner, stakers, contributors in percent' },
      artifact: { type: 'string', kind: 'file', value: 'PATH', help: 'the model artifact file (default: the index)' },
      uri: { type: 'string', value: 'URI', help: 'where the artifact is (default: --index-uri)' },
      base: { type: 'string', kind: 'id', value: 'ID', help: 'the model it was fine-tuned from' },
    },
    check({ values }) {
      if (!/^\d+(\.\d+)?,\d+(\.\d+)?,\d+(\.\d+)?$/.test(values.split)) throw new UsageError('--split is OWNER,STAKERS,CONTRIBUTORS in percent, e.g. 20,10,70');
      values.splitParts = splitFromPercents(values.split.split(',').map(Number));
      if (!values.splitParts) throw new UsageError('--split must sum to exactly 100');
    },
    signed: true,
    example: 'tributary-client register-model --index model.idx --index-uri http://host/model.idx --datasets 0,1 --fee 0.5 --suri //Charlie',
    async run(ctx) {
      const v = ctx.values;
      for (const d of v.datasets) await ctx.requireDataset(d);
      if (v.base !== undefined) await ctx.requireModel(v.base);
      const indexHash = await fileHash(v.index);
      const result = await registerModel(ctx.api, ctx.pair, {
        artifactHash: v.artifact ? await fileHash(v.artifact) : indexHash,
        uri: v.uri || v['index-uri'],
        datasets: v.datasets,
        base: v.base === undefined ? null : v.base,
        indexHash,
        indexUri: v['index-uri'],
        fee: v.fee,
        split: v.splitParts,
      });
      return { ...txOutput(result, { model: result.model, indexHash, fee: ctx.amount(v.fee) }) };
    },
  },
  {
    name: 'set-fee',
    group: 'models',
    summary: 'Set the fee per inference of your model (Models::set_fee).',
    args: [MODEL],
    options: { fee: { type: 'string', kind: 'amount', value: 'AMOUNT', required: true, help: 'the new fee in TRIB' } },
    signed: true,
    example: 'tributary-client set-fee 0 --fee 0.75 --suri //Charlie',
    async run(ctx) {
      const { model } = ctx.args;
      await ctx.requireModel(model);
      return txOutput(await setFee(ctx.api, ctx.pair, model, ctx.values.fee), { model, fee: ctx.amount(ctx.values.fee) });
    },
  },
  {
    name: 'set-index',
    group: 'models',
    summary: "Replace your model's attribution index (Models::set_index); takes a new fallback snapshot.",
    args: [MODEL],
    options: {
      index: { type: 'string', kind: 'file', value: 'PATH', required: true, help: 'the new index file' },
      'index-uri': { type: 'string', value: 'URI', required: true, help: 'where attestors fetch it' },
    },
    signed: true,
    async run(ctx) {
      const { model } = ctx.args;
      await ctx.requireModel(model);
      const indexHash = await fileHash(ctx.values.index);
      const result = await setIndex(ctx.api, ctx.pair, { model, indexHash, indexUri: ctx.values['index-uri'] });
      return txOutput(result, { model, indexHash, indexUri: ctx.values['index-uri'] });
    },
  },
  {
    name: 'retire-model',
    group: 'models',
    summary: 'Retire your model (Models::retire_model): no new inferences; its deposit comes back.',
    args: [MODEL],
    signed: true,
    async run(ctx) {
      const { model } = ctx.args;
      await ctx.requireModel(model);
      return txOutput(await retireModel(ctx.api, ctx.pair, model), { model });
    },
  },
  {
    name: 'list-models',
    group: 'models',
    summary: 'Every model, by id.',
    run: (ctx) => listModels(ctx.api, { amount: ctx.amount }),
  },
  {
    name: 'show-model',
    group: 'models',
    summary: 'One model with its revenue (fees settled).',
    args: [{ name: 'ID', key: 'id', kind: 'id', help: 'the model id' }],
    async run(ctx) {
      const model = await getModel(ctx.api, ctx.args.id, { amount: ctx.amount });
      if (!model) throw new ClientError(`no model ${ctx.args.id} on this chain`);
      return model;
    },
  },
];
