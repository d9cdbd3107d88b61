// The dataset commands (pallet `Datasets`).

import {
  registerDataset, addContribution, setLicense, setOpen, retireDataset, approveModel, revokeApproval,
  releaseContributionDeposit, withdrawContribution, removeContribution, listDatasets, getDataset,
} from '../datasets.mjs';
import { ClientError, UsageError } from '../errors.mjs';
import { txOutput, eventData } from './common.mjs';

const DATASET = { name: 'DATASET', key: 'dataset', kind: 'id', help: 'the dataset id' };
const CONTRIBUTION = { name: 'CONTRIBUTION', key: 'contribution', kind: 'id', help: 'the contribution id within the dataset' };

/** A contribution command (withdraw, remove, release): checks it exists, sends, reports the released deposit. */
function contributionCommand(name, summary, call, event, description) {
  return {
    name,
    group: 'datasets',
    summary,
    description,
    args: [DATASET, CONTRIBUTION],
    signed: true,
    async run(ctx) {
      const { dataset, contribution } = ctx.args;
      await ctx.requireContribution(dataset, contribution);
      const result = await call(ctx.api, ctx.pair, { dataset, contribution });
      const data = eventData(result, 'datasets', event);
      return txOutput(result, { dataset, contribution, released: data ? ctx.amount(data[3]) : null });
    },
  };
}

/** The dataset commands, in the order `--help` lists them. */
export const DATASET_COMMANDS = [
  {
    name: 'register-dataset',
    group: 'datasets',
    summary: 'Register a file as a new dataset you own (Datasets::register_dataset).',
    description: `The content hash is blake2-256 of the file's bytes (registered once, chain-wide); the file
becomes contribution 0. Holds the dataset deposit (1 TRIB + 0.001 TRIB per byte of uri and
metadata) until the dataset is retired. The dataset starts open.`,
    options: {
      file: { type: 'string', kind: 'file', value: 'PATH', required: true, help: 'the dataset file' },
      uri: { type: 'string', value: 'URI', required: true, help: 'where the file can be fetched' },
      commercial: { type: 'boolean', help: 'license: commercial use allowed' },
      'requires-approval': { type: 'boolean', help: 'license: models need your approval (approve-model)' },
      metadata: { type: 'string', value: 'TEXT', default: '', help: 'free-form metadata, e.g. JSON' },
    },
    signed: true,
    example: 'tributary-client register-dataset --file wine.csv --uri ipfs://bafy... --commercial --suri //Bob',
    run: (ctx) => registerDataset(ctx.api, ctx.pair, {
      path: ctx.values.file,
      uri: ctx.values.uri,
      license: { commercial: Boolean(ctx.values.commercial), requiresApproval: Boolean(ctx.values['requires-approval']) },
      metadata: ctx.values.metadata,
    }),
  },
  {
    name: 'add-contribution',
    group: 'datasets',
    summary: 'Add a file to a dataset (Datasets::add_contribution); you are paid for it.',
    description: `Open datasets take anyone's contributions, closed ones only their owner's. The content hash
is blake2-256 of the file's bytes. --records is the number of records the file holds (the split
of a fee when no attestation quorum is reached). Holds 0.1 TRIB + 0.001 TRIB per uri byte.`,
    args: [DATASET],
    options: {
      file: { type: 'string', kind: 'file', value: 'PATH', required: true, help: 'the contributed file' },
      uri: { type: 'string', value: 'URI', required: true, help: 'where the file can be fetched' },
      records: { type: 'string', kind: 'count', value: 'N', default: '1', help: 'records in the file (at least 1)' },
    },
    signed: true,
    example: 'tributary-client add-contribution 0 --file more.csv --uri ipfs://bafy... --records 120 --suri //Eve',
    async run(ctx) {
      const { dataset } = ctx.args;
      await ctx.requireDataset(dataset);
      const result = await addContribution(ctx.api, ctx.pair, {
        dataset, path: ctx.values.file, records: ctx.values.records, uri: ctx.values.uri,
      });
      return txOutput(result, { dataset, contribution: result.contribution, contentHash: result.contentHash, records: ctx.values.records });
    },
  },
  {
    name: 'set-license',
    group: 'datasets',
    summary: "Set a dataset's license (Datasets::set_license): flags absent are false.",
    args: [DATASET],
    options: {
      commercial: { type: 'boolean', help: 'commercial use allowed' },
      'requires-approval': { type: 'boolean', help: 'models need your approval' },
    },
    signed: true,
    async run(ctx) {
      const { dataset } = ctx.args;
      await ctx.requireDataset(dataset);
      const license = { commercial: Boolean(ctx.values.commercial), requiresApproval: Boolean(ctx.values['requires-approval']) };
      return txOutput(await setLicense(ctx.api, ctx.pair, dataset, license), { dataset, license });
    },
  },
  {
    name: 'set-open',
    group: 'datasets',
    summary: "Open a dataset to anyone's contributions or close it (Datasets::set_open).",
    args: [DATASET],
    options: {
      open: { type: 'boolean', help: 'anyone may contribute' },
      closed: { type: 'boolean', help: 'only you may contribute' },
    },
    check({ values }) {
      if (Boolean(values.open) === Boolean(values.closed)) throw new UsageError('give exactly one of --open and --closed');
    },
    signed: true,
    async run(ctx) {
      const { dataset } = ctx.args;
      await ctx.requireDataset(dataset);
      const open = Boolean(ctx.values.open);
      return txOutput(await setOpen(ctx.api, ctx.pair, dataset, open), { dataset, open });
    },
  },
  {
    name: 'approve-model',
    group: 'datasets',
    summary: 'Approve a model id, registered by OWNER, to list your dataset (Datasets::approve_model).',
    description: `Needed where the license requires approval. The model need not exist yet (its id is the
models pallet's NextModelId); only --owner can register it with the dataset. Holds 0.1 TRIB until
revoked.`,
    args: [DATASET],
    options: {
      model: { type: 'string', kind: 'id', value: 'ID', required: true, help: 'the model id' },
      owner: { type: 'string', kind: 'account', value: 'ACCOUNT', required: true, help: 'the account that may register it' },
    },
    signed: true,
    async run(ctx) {
      const { dataset } = ctx.args;
      await ctx.requireDataset(dataset);
      const { model, owner } = ctx.values;
      return txOutput(await approveModel(ctx.api, ctx.pair, { dataset, model, owner }), { dataset, model, owner });
    },
  },
  {
    name: 'revoke-approval',
    group: 'datasets',
    summary: "Withdraw a model's approval for your dataset (Datasets::revoke_approval); the deposit comes back.",
    args: [DATASET],
    options: { model: { type: 'string', kind: 'id', value: 'ID', required: true, help: 'the model id' } },
    signed: true,
    async run(ctx) {
      const { dataset } = ctx.args;
      const { model } = ctx.values;
      await ctx.requireDataset(dataset);
      if ((await ctx.api.query.datasets.approvals(dataset, model)).isNone) {
        throw new ClientError(`dataset ${dataset} has no approval for model ${model}`);
      }
      return txOutput(await revokeApproval(ctx.api, ctx.pair, { dataset, model }), { dataset, model });
    },
  },
  {
    name: 'retire-dataset',
    group: 'datasets',
    summary: 'Retire your dataset (Datasets::retire_dataset): no new contributions or models; your deposit comes back.',
    args: [DATASET],
    signed: true,
    async run(ctx) {
      const { dataset } = ctx.args;
      await ctx.requireDataset(dataset);
      return txOutput(await retireDataset(ctx.api, ctx.pair, dataset), { dataset });
    },
  },
  contributionCommand(
    'withdraw-contribution',
    'Withdraw your contribution (Datasets::withdraw_contribution); its deposit comes back.',
    withdrawContribution,
    'ContributionWithdrawn',
    'It earns from no model registered later; models registered before keep it in their snapshot.',
  ),
  contributionCommand(
    'remove-contribution',
    "Remove a contribution from your dataset (Datasets::remove_contribution); the deposit goes to its contributor.",
    removeContribution,
    'ContributionRemoved',
  ),
  contributionCommand(
    'release-contribution-deposit',
    "Release your contribution's deposit after its dataset's retirement (Datasets::release_contribution_deposit).",
    releaseContributionDeposit,
    'DepositReleased',
  ),
  {
    name: 'list-datasets',
    group: 'datasets',
    summary: 'Every dataset, by id.',
    run: (ctx) => listDatasets(ctx.api, { amount: ctx.amount }),
  },
  {
    name: 'show-dataset',
    group: 'datasets',
    summary: 'One dataset with its contributions, approvals and revenue.',
    args: [{ name: 'ID', key: 'id', kind: 'id', help: 'the dataset id' }],
    async run(ctx) {
      const dataset = await getDataset(ctx.api, ctx.args.id, { amount: ctx.amount, details: true });
      if (!dataset) throw new ClientError(`no dataset ${ctx.args.id} on this chain`);
      return dataset;
    },
  },
];
