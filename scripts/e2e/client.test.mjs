// End to end: every command of the command-line client, run as a subprocess the way a user
// runs it, against one dev node (quorum 1, Alice attests). Real chain effects are read back
// (through the API or the client's own show/list commands); the failures are checked too:
// malformed amounts (exit 2, nothing sent), unknown ids (exit 1, nothing sent), an account
// without funds (exit 1, nothing sent), pallet errors named with their doc line, and
// `--help` of every command. Independent commands of different accounts run in parallel,
// a wave per block.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mnemonicGenerate } from '../client/node_modules/@polkadot/util-crypto/index.js';
import { signer, TRIBUTARY_RPC } from '../client/lib/chain.mjs';
import { COMMANDS } from '../client/lib/commands/index.mjs';
import { startDevNode } from './node.mjs';
import { runClient } from './client.mjs';
import {
  wineSplit, datasetFile, trainingFile, serveFiles, trainModel, settlementEvents,
} from './lib/attribution-world.mjs';

const DEV_PHRASE = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';

// One node for the whole file, booting while the node-free tests run.
let node = null;
let bootError = null;
const booting = startDevNode({ minBlocks: 1 }).then((n) => { node = n; }, (e) => { bootError = e; });
let dir = null;
let server = null;

after(async () => {
  await booting;
  if (server) await server.close();
  if (node) await node.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the client against the node. */
function cli(args, opts) {
  return runClient([...args, '--ws', node.ws], opts);
}

/** Runs the client and asserts exit code 0; resolves with its JSON. */
async function ok(args, opts) {
  const r = await cli(args, opts);
  assert.equal(r.code, 0, `${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return r.json;
}

/** Runs the client and asserts it failed with `code` and stderr matching `message`. */
async function fails(args, code, message, opts) {
  const r = await cli(args, opts);
  assert.equal(r.code, code, `${args.join(' ')}: expected exit ${code}, got ${r.code}: ${r.stderr}${r.stdout}`);
  assert.match(r.stderr, message, args.join(' '));
  return r;
}

/** An account's nonce (how many transactions it has sent). */
async function nonce(address) {
  return (await node.api.query.system.account(address)).nonce.toNumber();
}

/** Runs `fn` with `items` at most `width` at a time. */
async function pool(items, width, fn) {
  const queue = [...items];
  await Promise.all(Array.from({ length: width }, async () => {
    while (queue.length) await fn(queue.shift());
  }));
}

test('--help of every command exits 0 and prints its usage (no node needed)', async () => {
  for (const args of [['--help'], ['-h'], []]) {
    const r = await runClient(args);
    assert.equal(r.code, 0, r.stderr);
    for (const c of COMMANDS) assert.ok(r.stdout.includes(`  ${c.name} `), `overview lists ${c.name}`);
  }
  await pool(COMMANDS, 3, async (c) => {
    const r = await runClient([c.name, '--help']);
    assert.equal(r.code, 0, `${c.name} --help: ${r.stderr}`);
    assert.ok(r.stdout.startsWith(`usage: tributary-client ${c.name}`), `${c.name} --help: ${r.stdout}`);
    assert.match(r.stdout, /--ws URL/);
  });
  const help = await runClient(['help', 'stake']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--amount AMOUNT .*\[required\]/);
  const unknown = await runClient(['no-such-command']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'no-such-command'/);
  // A wrong command line is refused before connecting: nothing answers on port 1.
  const early = await runClient(['stake', '--model', '0', '--amount', '1.2.3', '--ws', 'ws://127.0.0.1:1']);
  assert.equal(early.code, 2);
  assert.match(early.stderr, /--amount '1\.2\.3' is not an amount of TRIB/);
});

test('every command against one dev node', async (t) => {
  await booting;
  if (bootError) throw bootError;
  const { api } = node;
  dir = await mkdtemp(join(tmpdir(), 'tributary-e2e-client-'));
  const acct = {};
  for (const name of ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie']) {
    acct[name] = (await signer(`//${name}`)).address;
    acct[`${name}Stash`] = (await signer(`//${name}//stash`)).address;
  }
  // Bob's stash signs from a polkadot.js keystore file, Eve's from the dev mnemonic.
  const keystore = join(dir, 'bob-stash.json');
  await writeFile(keystore, JSON.stringify((await signer('//Bob//stash')).toJson('s3cret pass')));
  await writeFile(join(dir, 'password'), 's3cret pass\n');
  const bobStash = ['--keystore', keystore, '--password-file', join(dir, 'password')];
  const eveStash = ['--suri', `${DEV_PHRASE}//Eve//stash`];

  // Files: three contributors' wine datasets, Alice's curated dataset and its contributions.
  const { features, files, queries } = await wineSplit();
  const file = async (name, content) => { const p = join(dir, name); await writeFile(p, content); return p; };
  const wine = await Promise.all(files.map((rows, i) => file(`wine-${i}.csv`, datasetFile(features, rows))));
  const aux = await file('aux.csv', 'label,x\n1,0.5\n');
  const contrib = await Promise.all([1, 2, 3].map((i) => file(`contrib-${i}.csv`, `label,x\n${i},${randomBytes(4).readUInt32LE(0)}\n`)));

  const d = {};
  await t.test('wave 1: datasets registered; malformed amounts and empty accounts send nothing', async () => {
    const daveBefore = await nonce(acct.Dave);
    const mnemonic = mnemonicGenerate();
    const poor = await signer(mnemonic);
    const [bob, eve, ferdie, alice] = await Promise.all([
      ok(['register-dataset', '--file', wine[0], '--uri', 'ipfs://wine-0', '--commercial', '--suri', '//Bob']),
      ok(['register-dataset', '--file', wine[1], '--uri', 'ipfs://wine-1', '--commercial', '--suri', '//Eve']),
      ok(['register-dataset', '--file', wine[2], '--uri', 'ipfs://wine-2', '--commercial', '--suri', '//Ferdie']),
      ok(['register-dataset', '--file', aux, '--uri', 'ipfs://aux', '--metadata', '{"name":"aux"}', '--suri', '//Alice']),
      // Malformed amounts: exit 2, a clear message, nothing sent (Dave's nonce below).
      ...['1.2.3', '-1', 'abc', '1.0000000000001', ''].map((a) => fails(
        ['bond-attestor', '--amount', a, '--suri', '//Dave'], 2, /--amount '.*' (is not an amount of TRIB|is negative|has 13 decimals; TRIB has 12)/)),
      fails(['settle-inference', '--model', '0', '--query', aux, '--max-fee', '1,5', '--suri', '//Dave'], 2, /--max-fee '1,5' is not an amount/),
      fails(['bond-attestor', '--amount', '1.5', '--plancks', '--suri', '//Dave'], 2, /whole number of plancks/),
      // No funds: a fresh mnemonic's account cannot pay the fee; refused before sending.
      fails(['bond-attestor', '--amount', '100', '--suri', mnemonic], 1, /insufficient balance: .* has 0 TRIB free and this needs 100 TRIB plus a fee of/),
      fails(['register-dataset', '--file', contrib[0], '--uri', 'ipfs://x', '--suri', mnemonic], 1, /insufficient balance: .* has 0 TRIB free and this needs a fee of/),
    ]);
    for (const r of [bob, eve, ferdie, alice]) assert.equal(r.ok, true);
    [d.wine0, d.wine1, d.wine2, d.aux] = [bob.dataset, eve.dataset, ferdie.dataset, alice.dataset];
    assert.equal(await nonce(acct.Dave), daveBefore, 'malformed amounts sent nothing');
    const poorAccount = await api.query.system.account(poor.address);
    assert.equal(poorAccount.nonce.toNumber(), 0, 'the empty account sent nothing');
    assert.equal(poorAccount.data.free.toBigInt(), 0n);

    const shown = await ok(['show-dataset', String(d.aux)]);
    assert.equal(shown.owner, acct.Alice);
    assert.equal(shown.metadata, '{"name":"aux"}');
    assert.deepEqual(shown.license, { commercial: false, requiresApproval: false });
    // 1 TRIB + 0.001 per byte of uri (10) and metadata (14).
    assert.equal(shown.deposit, '1.024 TRIB');
    assert.equal(shown.contributions.length, 1);
    const plancks = await ok(['show-dataset', String(d.aux), '--plancks']);
    assert.equal(plancks.deposit, '1024000000000');
    // apps-rpc.json (the client's and Apps' definitions) names exactly the node's attribution_* methods.
    const served = (await api.rpc.rpc.methods()).methods.map(String).filter((x) => x.startsWith('attribution_'));
    assert.deepEqual(served.sort(), Object.keys(TRIBUTARY_RPC.attribution).map((x) => `attribution_${x}`).sort());
    const list = await ok(['list-datasets']);
    assert.deepEqual(list.map((x) => x.id).sort(), [d.wine0, d.wine1, d.wine2, d.aux].sort());
  });

  // The model: trained on the three wine datasets with the node's engine, served on loopback.
  const trainingPaths = await Promise.all([d.wine0, d.wine1, d.wine2].map((id, i) =>
    file(`train-${i}.csv`, trainingFile(features, files[i], id))));
  const index = await trainModel(dir, trainingPaths);
  const index2 = await trainModel(dir, trainingPaths, { l2: 0.2, name: 'model2.idx' });
  server = await serveFiles({ '/model.idx': index.bytes, '/model2.idx': index2.bytes });
  const artifactB = await file('artifact-b.bin', randomBytes(64));

  const m = {};
  await t.test('wave 2: models registered, contributions added, license set, bond and stake', async () => {
    const datasets = [d.wine0, d.wine1, d.wine2].join(',');
    const results = await Promise.all([
      ok(['register-model', '--index', index.path, '--index-uri', `${server.url}/model.idx`, '--datasets', datasets,
        '--fee', '1.25', '--split', '20,10,70', '--suri', '//Charlie']),
      // Model B: its index (hash) is nowhere to be fetched, so its inferences stay pending.
      ok(['register-model', '--index', artifactB, '--index-uri', `${server.url}/missing.idx`,
        '--datasets', String(d.wine0), '--fee', '0.5', '--suri', '//Charlie//stash']),
      ok(['add-contribution', String(d.aux), '--file', contrib[0], '--uri', 'ipfs://c1', '--records', '5', ...bobStash]),
      ok(['add-contribution', String(d.aux), '--file', contrib[1], '--uri', 'ipfs://c2', '--records', '7', ...eveStash]),
      ok(['add-contribution', String(d.aux), '--file', contrib[2], '--uri', 'ipfs://c3', '--suri', '//Ferdie//stash']),
      ok(['set-license', String(d.aux), '--commercial', '--requires-approval', '--suri', '//Alice']),
      ok(['bond-attestor', '--amount', '100.5', '--suri', '//Dave']),
      ok(['stake', '--dataset', String(d.wine2), '--amount', '2.5', '--suri', '//Ferdie']),
      fails(['register-dataset', '--file', wine[0], '--uri', 'ipfs://copy', '--suri', '//Bob'], 1,
        /^error: datasets\.DuplicateContent: This content hash is already registered \(as a dataset or a contribution\)\.$/m),
    ]);
    const [model, modelB, c1, c2, c3, license, bond, stake, dup] = results;
    m.a = model.model;
    m.b = modelB.model;
    assert.equal(model.indexHash, index.hash);
    assert.equal(model.fee, '1.25 TRIB');
    assert.deepEqual([c1.contribution, c2.contribution, c3.contribution].sort(), [1, 2, 3]);
    d.c = { bobStash: c1.contribution, eveStash: c2.contribution, ferdieStash: c3.contribution };
    assert.equal(c1.records, 5);
    assert.deepEqual(license.license, { commercial: true, requiresApproval: true });
    assert.equal(bond.bond, '100.5 TRIB');
    assert.equal(stake.amount, '2.5 TRIB');
    assert.equal(dup.json.ok, false);
    assert.equal(dup.json.error, 'datasets.DuplicateContent');
    assert.equal(dup.json.errorDocs, 'This content hash is already registered (as a dataset or a contribution).');

    const shown = await ok(['show-model', String(m.a)]);
    assert.equal(shown.owner, acct.Charlie);
    assert.equal(shown.fee, '1.25 TRIB');
    assert.deepEqual(shown.split, { modelOwner: 20, stakers: 10, contributors: 70 });
    assert.deepEqual(shown.datasets, [d.wine0, d.wine1, d.wine2]);
    const aux2 = await ok(['show-dataset', String(d.aux)]);
    const byId = Object.fromEntries(aux2.contributions.map((c) => [c.contribution, c]));
    assert.equal(byId[d.c.bobStash].contributor, acct.BobStash, 'signed from the keystore file');
    assert.equal(byId[d.c.eveStash].contributor, acct.EveStash, 'signed from the mnemonic');
    assert.equal(byId[d.c.eveStash].records, 7);
    assert.equal(byId[d.c.ferdieStash].deposit, '0.109 TRIB', '0.1 + 0.001 per uri byte');
    assert.equal((await api.query.stake.attestors(acct.Dave)).unwrap().toBigInt(), 100_500_000_000_000n);
  });

  let batch;
  let watching;
  let inferenceB;
  let paidAt;
  await t.test('wave 3: inferences paid (batch and single); unknown ids send nothing', async () => {
    const batchFile = join(dir, 'batch.jsonl');
    await Promise.all(queries.map((q, i) => file(`query-${i}.csv`, q.csv)));
    await writeFile(batchFile, [
      '# one inference per line: model, query file (relative to this file) or text, max fee in TRIB',
      ...queries.map((_, i) => JSON.stringify({ model: m.a, query: `query-${i}.csv`, maxFee: '1.25' })),
    ].join('\n'));
    const bobBefore = await nonce(acct.Bob);
    const [paid, single, closed, withdrawn, unstaked, staked] = await Promise.all([
      ok(['settle-inferences', '--batch', batchFile, '--suri', '//Dave']).then((r) => {
        // Follow the first one's attestation while the rest of the wave goes on.
        watching = cli(['watch', String(r.inferences[0]), '--timeout', '120']);
        return r;
      }),
      ok(['settle-inference', '--model', String(m.b), '--query', join(dir, 'query-0.csv'), '--max-fee', '0.5', '--suri', '//Dave//stash']),
      ok(['set-open', String(d.aux), '--closed', '--suri', '//Alice']),
      // The keystore's password from the environment this time.
      ok(['withdraw-contribution', String(d.aux), String(d.c.bobStash), '--keystore', keystore], { env: { TRIBUTARY_PASSWORD: 's3cret pass' } }),
      ok(['unstake', '--dataset', String(d.wine2), '--amount', '1', '--suri', '//Ferdie']),
      ok(['stake', '--model', String(m.a), '--amount', '1', '--suri', '//Eve']),
      // Unknown ids: a clear message, exit 1, nothing sent (Bob's nonce below).
      fails(['add-contribution', '999', '--file', contrib[0], '--uri', 'ipfs://x', '--suri', '//Bob'], 1, /^error: no dataset 999 on this chain$/m),
      fails(['set-fee', '999', '--fee', '1', '--suri', '//Bob'], 1, /no model 999/),
      fails(['stake', '--model', '999', '--amount', '1', '--suri', '//Bob'], 1, /no model 999/),
      fails(['settle-expired', '999', '--suri', '//Bob'], 1, /no inference 999/),
      fails(['withdraw-contribution', String(d.wine0), '99', '--suri', '//Bob'], 1, /dataset \d+ has no contribution 99/),
      fails(['revoke-approval', String(d.wine0), '--model', '5', '--suri', '//Bob'], 1, /has no approval for model 5/),
      fails(['show-dataset', '999'], 1, /no dataset 999/),
      fails(['show-model', '999'], 1, /no model 999/),
      fails(['watch', '999'], 1, /no inference 999/),
      // More than Bob has: refused before sending.
      fails(['stake', '--model', String(m.a), '--amount', '2000000', '--suri', '//Bob'], 1, /insufficient balance: .* needs 2000000 TRIB plus a fee/),
    ]);
    assert.equal(await nonce(acct.Bob), bobBefore, 'the refused commands sent nothing');
    batch = paid.inferences;
    paidAt = (await api.rpc.chain.getHeader(paid.blockHash)).number.toNumber();
    assert.equal(batch.length, 3);
    assert.deepEqual(paid.fees, ['1.25 TRIB', '1.25 TRIB', '1.25 TRIB']);
    inferenceB = single.inference;
    assert.equal(single.fee, '0.5 TRIB');
    assert.equal(closed.open, false);
    assert.equal(withdrawn.released, '0.109 TRIB');
    assert.equal(unstaked.amount, '1 TRIB');
    assert.ok(unstaked.unlockAt > 0);
    assert.equal(staked.amount, '1 TRIB');
    assert.equal((await api.query.datasets.contributions(d.aux, d.c.bobStash)).isNone, true, 'withdrawn');
  });

  await t.test('wave 4: curation, fee change in plancks, bond top-up; pallet errors with their docs', async () => {
    const pending = await ok(['pending']);
    const b = pending.find((p) => p.inference === inferenceB);
    assert.equal(b.fee, '0.5 TRIB');
    const ferdieStashBefore = await nonce(acct.FerdieStash);
    const [removed, fee, extra] = await Promise.all([
      ok(['remove-contribution', String(d.aux), String(d.c.eveStash), '--suri', '//Alice']),
      ok(['set-fee', String(m.a), '--fee', '1500000000000', '--plancks', '--suri', '//Charlie']),
      ok(['bond-attestor-extra', '--amount', '0.5', '--suri', '//Dave']),
      ok(['approve-model', String(d.wine0), '--model', '7', '--owner', acct.Charlie, '--suri', '//Bob']),
      fails(['withdraw-unbonded', '--suri', '//Ferdie'], 1, /^error: stake\.NothingToWithdraw: No unbonding chunk has matured\.$/m),
      fails(['claim-rewards', '--model', String(m.a), '--suri', '//Eve'], 1, /^error: stake\.NothingToClaim: No rewards are pending\.$/m),
      fails(['activate-stake', '--dataset', String(d.wine2), '--who', acct.Ferdie, '--suri', '//Alice//stash'], 1,
        /^error: stake\.StillWarmingUp: The warming stake's `warm_at` block has not come yet\.$/m),
      fails(['settle-expired', String(inferenceB), '--suri', '//Ferdie//stash'], 1, /inference \d+ has not expired: its deadline is block \d+/),
    ]);
    assert.equal(removed.released, '0.109 TRIB');
    assert.equal(fee.fee, '1500000000000');
    assert.equal(extra.bond, '101 TRIB');
    assert.equal(await nonce(acct.FerdieStash), ferdieStashBefore, 'settle-expired before the deadline sent nothing');
    assert.equal((await ok(['show-model', String(m.a)])).fee, '1.5 TRIB');
    const approvals = (await ok(['show-dataset', String(d.wine0)])).approvals;
    assert.deepEqual(approvals, [{ model: 7, owner: acct.Charlie, deposit: '0.1 TRIB' }]);
  });

  await t.test('the batch is attested and settled; watch follows it', async () => {
    const watched = await watching;
    assert.equal(watched.code, 0, watched.stderr);
    const methods = watched.stdout.trim().split('\n').map((l) => JSON.parse(l).method);
    assert.ok(methods.includes('InferenceSettled'), methods.join());
    for (const inference of batch) {
      const events = await settlementEvents(api, inference, paidAt);
      assert.ok(!events.some((e) => e.method === 'InferenceSettledWithoutAttribution'), 'settled by attribution');
    }
  });

  await t.test('wave 5: earnings claimed, index replaced, attestor unbonds, approval revoked, dataset retired', async () => {
    const economy = await ok(['economy']);
    assert.equal(economy.feesSettled, '3.75 TRIB');
    assert.equal(economy.inferencesSettled, 3);
    const owed = await ok(['earnings', acct.Eve]);
    assert.match(owed.unclaimed, /^\d+(\.\d+)? TRIB$/);
    assert.notEqual(owed.unclaimed, '0 TRIB');
    const [claimed, indexed, unbonded, revoked, retired, retiredB] = await Promise.all([
      ok(['claim', '--suri', '//Eve']),
      ok(['set-index', String(m.a), '--index', index2.path, '--index-uri', `${server.url}/model2.idx`, '--suri', '//Charlie']),
      ok(['unbond-attestor', '--suri', '//Dave']),
      ok(['revoke-approval', String(d.wine0), '--model', '7', '--suri', '//Bob']),
      ok(['retire-dataset', String(d.aux), '--suri', '//Alice']),
      ok(['retire-model', String(m.b), '--suri', '//Charlie//stash']),
    ]);
    assert.equal(claimed.claimed, owed.unclaimed);
    assert.equal((await ok(['earnings', acct.Eve])).unclaimed, '0 TRIB');
    assert.equal(indexed.indexHash, index2.hash);
    assert.equal(unbonded.unbonding, '101 TRIB');
    assert.equal(revoked.model, 7);
    assert.equal(retired.ok && retiredB.ok, true);
    const model = await ok(['show-model', String(m.a)]);
    assert.equal(model.indexHash, index2.hash);
    assert.equal(model.indexUri, `${server.url}/model2.idx`);
    assert.equal(model.revenue, '3.75 TRIB');
    assert.equal((await ok(['show-model', String(m.b)])).retired, true);
    assert.deepEqual((await ok(['show-dataset', String(d.wine0)])).approvals, []);
    const dave = await ok(['show-stake', acct.Dave]);
    assert.equal(dave.attestorBond, null);
    assert.deepEqual(dave.unbonding.map((c) => [c.kind, c.amount]), [['Attestor', '101 TRIB']]);
    const ferdie = await ok(['show-stake', acct.Ferdie]);
    assert.deepEqual(ferdie.stakes.map((s) => [s.target, s.warming]), [[{ dataset: d.wine2 }, '1.5 TRIB']]);
    assert.deepEqual(ferdie.unbonding.map((c) => [c.kind, c.amount]), [['Stake', '1 TRIB']]);
  });

  await t.test('wave 6: a deposit released after retirement; the attestor key rotated', async () => {
    const key = `0x${randomBytes(32).toString('hex')}`;
    const [released, rotated] = await Promise.all([
      ok(['release-contribution-deposit', String(d.aux), String(d.c.ferdieStash), '--suri', '//Ferdie//stash']),
      ok(['rotate-attestor-key', key, '--suri', '//Alice']),
      fails(['rotate-attestor-key', key, '--suri', '//Bob'], 1, /has no attestor key to rotate/),
      fails(['rotate-attestor-key', 'not-a-key', '--suri', '//Bob'], 2, /KEY must be an sr25519 public key/),
    ]);
    assert.equal(released.released, '0.109 TRIB');
    assert.equal(rotated.key, key);
    assert.equal((await api.query.attribution.attestorKeys(acct.Alice)).unwrap().toHex(), key);
    const aux = await ok(['show-dataset', String(d.aux)]);
    assert.equal(aux.retired, true);
    assert.deepEqual(aux.contributions, [], 'every contribution removed, withdrawn or released');
    const models = await ok(['list-models']);
    assert.deepEqual(models.map((x) => x.id).sort(), [m.a, m.b].sort());
    // The keystore's own account, read with the keystore and the password from the environment.
    const balance = await ok(['balance', '--keystore', keystore], { env: { TRIBUTARY_PASSWORD: 's3cret pass' } });
    assert.equal(balance.account, acct.BobStash);
    assert.match(balance.free, /^\d+(\.\d+)? TRIB$/);
    await fails(['balance', '--keystore', keystore], 2, /cannot unlock .*: wrong password/, { env: { TRIBUTARY_PASSWORD: 'nope' } });
  });
});
