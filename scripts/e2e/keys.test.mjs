// End to end: `--dev` gives Alice an attestor key (`attr`, sr25519) from the dev seed, next to
// her Aura and GRANDPA keys, because the attestor key is part of the session keys.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { u8aToHex } from '../client/node_modules/@polkadot/util/index.js';
import { signer } from '../client/lib/chain.mjs';
import { startDevNode } from './node.mjs';

let node;
before(async () => { node = await startDevNode({ minBlocks: 1 }); });
after(async () => { if (node) await node.stop(); });

test('the dev node holds Alice\'s attr key and authors blocks with her aura key', async () => {
  const alice = await signer('//Alice');
  const bob = await signer('//Bob');
  const alicePub = u8aToHex(alice.publicKey);
  assert.equal((await node.api.rpc.author.hasKey(alicePub, 'attr')).isTrue, true, 'attr key present');
  assert.equal((await node.api.rpc.author.hasKey(alicePub, 'aura')).isTrue, true, 'aura key present');
  assert.equal((await node.api.rpc.author.hasKey(u8aToHex(bob.publicKey), 'attr')).isTrue, false,
    'no key for an account the node was not given');
  const health = await node.api.rpc.system.health();
  assert.equal(health.isSyncing.isFalse, true);
});
