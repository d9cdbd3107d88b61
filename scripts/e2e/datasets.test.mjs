// End to end: a real dev node, the polkadot.js client registering a dataset from a real file,
// the dataset read back over RPC, and a duplicate registration rejected.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blake2AsHex } from '../client/node_modules/@polkadot/util-crypto/index.js';
import { startDevNode } from './node.mjs';
import { runClient as client } from './client.mjs';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';

let node;
let dir;
let file;
let fileBytes;

before(async () => {
  node = await startDevNode({ minBlocks: 1 });
  dir = await mkdtemp(join(tmpdir(), 'tributary-e2e-'));
  file = join(dir, 'wine-contribution.csv');
  // A real CSV file with a random row, so the content hash is new on every run.
  fileBytes = Buffer.from(
    `contributor,label,alcohol,malic_acid\n0:0,1,13.2,${randomBytes(8).readUInt32LE(0)}\n`,
  );
  await writeFile(file, fileBytes);
});

after(async () => {
  if (node) await node.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a contributor registers a dataset from a file and reads it back', async () => {
  const expectedHash = blake2AsHex(fileBytes, 256);
  const res = await client([
    'register-dataset', '--file', file, '--uri', 'ipfs://bafy-e2e-wine', '--commercial',
    '--metadata', '{"name":"wine e2e"}', '--ws', node.ws,
  ]);
  assert.equal(res.code, 0, `client failed: ${res.stderr}`);
  assert.equal(res.json.ok, true);
  assert.equal(res.json.contentHash, expectedHash, 'client hashes the file with blake2-256');
  assert.ok(res.json.event, 'DatasetRegistered event emitted');
  const [dataset, owner, contentHash] = res.json.event.data;
  assert.equal(owner, ALICE);
  assert.equal(contentHash, expectedHash);

  // Read back over RPC.
  const stored = await node.api.query.datasets.datasets(dataset);
  assert.ok(stored.isSome, 'dataset is in storage');
  const info = stored.unwrap();
  assert.equal(info.owner.toString(), ALICE);
  assert.equal(info.contentHash.toHex(), expectedHash);
  assert.equal(Buffer.from(info.uri.toU8a(true)).toString(), 'ipfs://bafy-e2e-wine');
  assert.equal(info.license.commercial.isTrue, true);
  assert.equal(info.license.requiresApproval.isTrue, false);
  const byHash = await node.api.query.datasets.contentHashes(expectedHash);
  assert.ok(byHash.isSome, 'content hash indexed chain-wide');
  assert.equal(byHash.unwrap().dataset.toNumber(), dataset);
  assert.equal(byHash.unwrap().contribution.toNumber(), 0);

  // The event is in the block's events, read over RPC too.
  const events = await (await node.api.at(res.json.blockHash)).query.system.events();
  const registered = events.find(({ event }) =>
    event.section === 'datasets' && event.method === 'DatasetRegistered');
  assert.ok(registered, 'event found in the block over RPC');
  assert.equal(registered.event.data[0].toNumber(), dataset);

  // The client lists it.
  const list = await client(['list-datasets', '--ws', node.ws]);
  assert.equal(list.code, 0, list.stderr);
  assert.ok(list.json.some((d) => d.id === dataset), 'list-datasets shows the dataset');

  // A second registration of the same bytes fails with DuplicateContent and changes nothing.
  const entriesBefore = (await node.api.query.datasets.datasets.entries()).length;
  const aliceBefore = (await node.api.query.system.account(ALICE)).data;
  const dup = await client([
    'register-dataset', '--file', file, '--uri', 'ipfs://bafy-e2e-copy', '--ws', node.ws,
    '--suri', '//Bob',
  ]);
  assert.equal(dup.code, 1, 'duplicate registration exits non-zero');
  assert.equal(dup.json.ok, false);
  assert.equal(dup.json.error, 'datasets.DuplicateContent');
  assert.equal((await node.api.query.datasets.datasets.entries()).length, entriesBefore);
  const aliceAfter = (await node.api.query.system.account(ALICE)).data;
  assert.equal(aliceAfter.reserved.toString(), aliceBefore.reserved.toString(), 'owner holds unchanged');
});
