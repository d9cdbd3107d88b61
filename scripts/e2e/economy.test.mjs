// End to end on a real dev node (quorum 1, Alice attests): three contributors register
// datasets of real wine rows, a model trained on them with `tributary attribution train` is
// registered with its index served over HTTP, a developer pays for one inference per class
// with the client, and Alice's off-chain worker attributes each one itself (commit, reveal)
// within three blocks (payment to settlement). The shares paid equal the command line's to the part per billion, the
// contributor of the query's class earns most, the parts sum to the fee, the RPC reports it
// and a contributor claims.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signer, submit } from '../client/lib/chain.mjs';
import {
  findEvent, pendingInferences, contributorEarnings, modelRevenue, datasetRevenue, economyTotals,
} from '../client/lib/economy.mjs';
import { startDevNode } from './node.mjs';
import { runClient as client } from './client.mjs';
import {
  wineSplit, datasetFile, trainingFile, serveFiles, trainModel, cliShares, settlementEvents,
  contributorPayouts,
} from './lib/attribution-world.mjs';

const UNIT = 10n ** 12n;
const FEE = 10n * UNIT;
// fee 10: protocol 5% = 0.5; the rest 9.5 split 20 / 10 / 70: contributors 6.65.
const CONTRIBUTORS_PART = 665n * UNIT / 100n;

let node;
let dir;
let server;

before(async () => {
  node = await startDevNode({ minBlocks: 1 });
  dir = await mkdtemp(join(tmpdir(), 'tributary-e2e-economy-'));
});

after(async () => {
  if (server) await server.close();
  if (node) await node.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the dev attestor attributes paid inferences itself; shares equal the CLI', async () => {
  const { api } = node;
  const eve = await signer('//Eve');
  const { features, files, queries } = await wineSplit();

  // Each contributor registers a dataset from a file of real rows (in parallel: three signers).
  const suris = ['//Bob', '//Eve', '//Ferdie'];
  const registered = await Promise.all(files.map(async (rows, i) => {
    const file = join(dir, `contributor-${i}.csv`);
    await writeFile(file, datasetFile(features, rows));
    return client([
      'register-dataset', '--file', file, '--uri', `ipfs://e2e-wine-${i}`, '--commercial',
      '--suri', suris[i], '--ws', node.ws,
    ]);
  }));
  const datasets = [];
  const trainingPaths = [];
  for (const [i, r] of registered.entries()) {
    assert.equal(r.code, 0, r.stderr || r.stdout);
    datasets.push(r.json.dataset);
    trainingPaths.push(join(dir, `train-${i}.csv`));
    await writeFile(trainingPaths[i], trainingFile(features, files[i], r.json.dataset));
  }

  // Charlie trains the model, serves its index on loopback and registers it.
  const index = await trainModel(dir, trainingPaths);
  server = await serveFiles({ '/model.idx': index.bytes });
  const model = await client([
    'register-model', '--index', index.path, '--index-uri', `${server.url}/model.idx`,
    '--datasets', datasets.join(','), '--fee', '10', '--split', '20,10,70',
    '--suri', '//Charlie', '--ws', node.ws,
  ]);
  assert.equal(model.code, 0, model.stderr || model.stdout);
  assert.equal(model.json.indexHash, index.hash);
  const modelId = model.json.model;

  // Three developers pay for one inference per class (in parallel).
  const payers = ['//Dave', '//Dave//stash', '//Charlie//stash'];
  await Promise.all(queries.map(async (q, label) => {
    const queryFile = join(dir, `query-${label}.csv`);
    await writeFile(queryFile, q.csv);
    const paid = await client([
      'settle-inference', '--model', String(modelId), '--query', queryFile,
      '--max-fee', '10', '--suri', payers[label], '--ws', node.ws,
    ]);
    assert.equal(paid.code, 0, paid.stderr || paid.stdout);
    q.inference = paid.json.inference;
    q.paidAt = (await api.rpc.chain.getHeader(paid.json.blockHash)).number.toNumber();
  }));
  const tooCheap = await client([
    'settle-inference', '--model', String(modelId), '--query', join(dir, 'query-0.csv'),
    '--max-fee', String(FEE - 1n), '--plancks', '--suri', '//Dave', '--ws', node.ws,
  ]);
  assert.equal(tooCheap.code, 1);
  assert.equal(tooCheap.json.error, 'attribution.FeeAboveMax');

  for (const [label, q] of queries.entries()) {
    const events = await settlementEvents(api, q.inference, q.paidAt);
    const methods = events.map((e) => e.method);
    assert.ok(methods.includes('AttributionCommitted'), `committed: ${methods}`);
    assert.ok(methods.includes('AttributionRevealed'), `revealed: ${methods}`);
    assert.ok(!methods.includes('InferenceSettledWithoutAttribution'), 'settled by attribution');
    const settled = events.find((e) => e.method === 'InferenceSettled');
    assert.ok(settled.block - q.paidAt <= 3, `settled ${settled.block - q.paidAt} blocks after payment`);
    const [, toContributors, toOwner, toStakers, toProtocol] = settled.data.map((v) => BigInt(v));
    assert.equal(toContributors + toOwner + toStakers + toProtocol, FEE, 'the parts sum to the fee');

    // The shares paid are the command line's, to the part per billion.
    const expected = await cliShares(dir, index.path, q.csv);
    const paid = contributorPayouts(events);
    assert.deepEqual(
      Object.keys(paid).sort(),
      Object.keys(expected).sort(),
      'the same contributions are paid',
    );
    for (const [contribution, ppb] of Object.entries(expected)) {
      assert.equal(paid[contribution], CONTRIBUTORS_PART * BigInt(ppb) / 1_000_000_000n, contribution);
    }
    // The contributor of the query's class earns the largest share.
    const top = Object.entries(expected).sort((a, b) => b[1] - a[1])[0][0];
    assert.equal(top, `${datasets[label]}:0`, `class ${label}: ${JSON.stringify(expected)}`);
  }

  // The RPC reports the three settlements.
  const totals = await economyTotals(api);
  assert.equal(totals.feesSettled, String(3n * FEE));
  assert.equal(totals.inferencesSettled, 3);
  assert.equal(totals.settledWithoutAttribution, 0);
  assert.equal(await modelRevenue(api, modelId), String(3n * FEE));
  let toDatasets = 0n;
  for (const d of datasets) toDatasets += BigInt(await datasetRevenue(api, d));
  assert.equal(toDatasets, BigInt(totals.paidToContributors));
  assert.ok(!(await pendingInferences(api)).some((p) => queries.some((q) => q.inference === p.inference)));

  // Eve claims with the client; a second claim has nothing left.
  const owed = (await contributorEarnings(api, eve.address)).unclaimed;
  assert.ok(BigInt(owed) > 0n);
  const claimed = await client(['claim', '--suri', '//Eve', '--ws', node.ws]);
  assert.equal(claimed.code, 0, claimed.stderr);
  assert.equal(String(findEvent(claimed.json, 'attribution', 'EarningsClaimed').data[1]), owed);
  const again = await client(['claim', '--suri', '//Eve', '--ws', node.ws]);
  assert.equal(again.code, 1);
  assert.equal(again.json.error, 'attribution.NothingToClaim');

  // A root call the dev chain allows: the quorum is chain state.
  const alice = await signer('//Alice');
  const quorum = await submit(api, api.tx.sudo.sudo(api.tx.attribution.setQuorum(1)), alice);
  assert.ok(quorum.ok && findEvent(quorum, 'attribution', 'QuorumSet'), quorum.error);
});
