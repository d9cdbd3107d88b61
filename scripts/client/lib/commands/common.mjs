// Pieces the command tables share: the JSON of a submitted transaction, event lookups, and
// the stake-target options.

import { UsageError } from '../errors.mjs';

/**
 * A submission's result as a command prints it: `ok` first, then the command's own fields
 * (`extra`), then `error` / `errorDocs` (the dispatch error and its doc line, or null),
 * `blockHash` and the block's raw `events` (the chain's values: amounts in plancks).
 */
export function txOutput(result, extra = {}) {
  const { ok, error = null, errorDocs = null, blockHash, events } = result;
  return { ok, ...extra, error, errorDocs, blockHash, events };
}

/** The data of the first event `section.method` of a submission, or null. */
export function eventData(result, section, method) {
  const e = result.events.find((x) => x.section === section && x.method === method);
  return e ? e.data : null;
}

/** The `--model ID` / `--dataset ID` pair of options that names a stake target. */
export const TARGET_OPTIONS = {
  model: { type: 'string', kind: 'id', value: 'ID', help: 'the target: a model (or --dataset)' },
  dataset: { type: 'string', kind: 'id', value: 'ID', help: 'the target: a dataset (or --model)' },
};

/** Checks that exactly one of `--model` and `--dataset` is given. */
export function checkOneTarget({ values }) {
  if ((values.model === undefined) === (values.dataset === undefined)) {
    throw new UsageError('give exactly one target: --model ID or --dataset ID');
  }
}

/** Fails unless the stake target in `values` exists (a model or a dataset). */
export async function requireTarget(ctx) {
  if (ctx.values.model !== undefined) await ctx.requireModel(ctx.values.model);
  else await ctx.requireDataset(ctx.values.dataset);
}
