// End to end: the attribution economy on a real dev node through polkadot.js. A dataset with
// two contributions, a model over it, a developer paying for an inference with the client,
// the dev attestor (Alice) attributing it, the payout read back through the node's
// `attribution_*` RPC methods, a rejected attribution, and a contributor claiming.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blake2AsHex } from '../client/node_modules/@polkadot/util-crypto/index.js';
import { signer, submit } from '../client/lib/chain.mjs';
import {
  registerModel, scoresFromWeights, submitAttribution, findEvent, pendingInferences,
  contributorEarnings, modelRevenue, datasetRevenue, economyTotals, PERBILL,
} from '../client/lib/economy.mjs';
import { startDevNode } from './node.mjs';
import { runClient as client } from './client.mjs';

const UNIT = 10n ** 12n;
const FEE = 10n * UNIT;


let node;
let dir;

before(async () => {
  node = await startDevNode({ minBlocks: 1 });
  dir = await mkdtemp(join(tmpdir(), 'tributary-e2e-economy-'));
});

after(async () => {
  if (node) await node.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a paid inference is attributed, split, reported over RPC and claimed', async () => {
  const { api } = node;
  const [alice, bob, charlie, eve] = await Promise.all(
    ['//Alice', '//Bob', '//Charlie', '//Eve'].map(signer),
  );
  const fresh = () => blake2AsHex(randomBytes(32), 256);

  // Alice's open commercial dataset; Eve contributes 3 records to Alice's 1.
  const registered = await submit(api, api.tx.datasets.registerDataset(
    fresh(), 'ipfs://e2e-data', { commercial: true, requiresApproval: false }, '',
  ), alice);
  assert.ok(registered.ok, registered.error);
  const dataset = findEvent(registered, 'datasets', 'DatasetRegistered').data[0];
  const added = await submit(api, api.tx.datasets.addContribution(
    dataset, fresh(), 3, 'ipfs://e2e-eve',
  ), eve);
  assert.ok(added.ok, added.error);

  // Charlie's model: 20% owner, 10% stakers, 70% contributors.
  const model = await registerModel(api, charlie, {
    artifactHash: fresh(), uri: 'ipfs://e2e-model', datasets: [dataset], indexHash: fresh(),
    indexUri: 'ipfs://e2e-index', fee: FEE,
    split: { modelOwner: PERBILL / 5, stakers: PERBILL / 10, contributors: (PERBILL / 10) * 7 },
  });
  assert.ok(model.ok, model.error);

  // Bob pays for an inference with the command-line client, from a query file.
  const queryFile = join(dir, 'query.csv');
  const query = Buffer.from('alcohol,malic_acid\n13.2,1.78\n');
  await writeFile(queryFile, query);
  const paid = await client([
    'settle-inference', '--model', String(model.model), '--query', queryFile,
    '--max-fee', String(FEE), '--suri', '//Bob', '--ws', node.ws,
  ]);
  assert.equal(paid.code, 0, paid.stderr);
  const inference = paid.json.inference;
  const tooCheap = await client([
    'settle-inference', '--model', String(model.model), '--query', queryFile,
    '--max-fee', String(FEE - 1n), '--suri', '//Bob', '--ws', node.ws,
  ]);
  assert.equal(tooCheap.code, 1);
  assert.equal(tooCheap.json.error, 'attribution.FeeAboveMax');

  // The RPC lists it, with the exact query bytes.
  const pending = await pendingInferences(api);
  const mine = pending.find((p) => p.inference === inference);
  assert.ok(mine, `inference ${inference} pending: ${JSON.stringify(pending)}`);
  assert.equal(mine.query, `0x${query.toString('hex')}`);
  assert.equal(mine.payer, bob.address);
  assert.equal(mine.fee, String(FEE));

  // Bob is no attestor; Alice's shares must sum to 100%.
  const scores = scoresFromWeights([[dataset, 0, 1], [dataset, 1, 3]]);
  const notAttestor = await submitAttribution(api, bob, inference, scores);
  assert.equal(notAttestor.error, 'attribution.NotAttestor');
  const incomplete = await submitAttribution(api, alice, inference, [[{ dataset, contribution: 0 }, 1]]);
  assert.equal(incomplete.error, 'attribution.SharesNotComplete');
  assert.equal((await pendingInferences(api)).length, pending.length, 'nothing settled');

  // Alice attests 25 / 75: the quorum of the dev chain is one.
  const attested = await submitAttribution(api, alice, inference, scores);
  assert.ok(attested.ok, attested.error);
  const settled = findEvent(attested, 'attribution', 'InferenceSettled');
  assert.ok(settled, 'settled in the same call');
  const [, toContributors, toOwner, toStakers, toProtocol] = settled.data.map((v) => BigInt(v));
  assert.equal(toContributors + toOwner + toStakers + toProtocol, FEE, 'the parts sum to the fee');
  // fee 10: protocol 5% = 0.5; 9.5 split: contributors 6.65 (Eve 3/4), owner 1.9 + 0.95.
  assert.equal(toContributors, 665n * UNIT / 100n);
  const paidEve = attested.events.find((e) => e.method === 'ContributorPaid' && e.data[3] === eve.address);
  assert.equal(BigInt(paidEve.data[4]), toContributors * 3n / 4n);

  // The RPC reports it.
  const earnings = await contributorEarnings(api, eve.address);
  assert.deepEqual(earnings, { total: String(toContributors * 3n / 4n), unclaimed: String(toContributors * 3n / 4n) });
  assert.equal(await modelRevenue(api, model.model), String(FEE));
  assert.equal(await datasetRevenue(api, dataset), String(toContributors));
  const totals = await economyTotals(api);
  assert.equal(totals.feesSettled, String(FEE));
  assert.equal(totals.paidToContributors, String(toContributors));
  assert.equal(totals.inferencesSettled, 1);
  assert.equal(totals.payingDevelopers, 1);
  assert.equal(totals.earningContributors, 2);
  assert.ok(!(await pendingInferences(api)).some((p) => p.inference === inference));

  // Eve claims with the client.
  const claimed = await client(['claim', '--suri', '//Eve', '--ws', node.ws]);
  assert.equal(claimed.code, 0, claimed.stderr);
  const event = claimed.json.events.find((e) => e.method === 'EarningsClaimed');
  assert.equal(BigInt(event.data[1]), toContributors * 3n / 4n);
  const after = await contributorEarnings(api, eve.address);
  assert.equal(after.unclaimed, '0');
  const again = await client(['claim', '--suri', '//Eve', '--ws', node.ws]);
  assert.equal(again.code, 1);
  assert.equal(again.json.error, 'attribution.NothingToClaim');
});
