// The 4-validator network in Docker (`scripts/docker-testnet.sh`: base image from
// debootstrap, the host's node binary injected, docker/compose.yml on the host network):
// four containers finalise with three peers each, and an inference paid through Alice's
// container is attributed by the containers' off-chain workers and settled by quorum at the
// command line's shares. Runs when a Docker engine answers (or TRIBUTARY_DOCKER=1, which
// installs one); otherwise it says that it was skipped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, signer } from '../client/lib/chain.mjs';
import { settleInference } from '../client/lib/economy.mjs';
import { registerWorld, cliShares, settlementEvents } from './lib/attribution-world.mjs';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'docker-testnet.sh');
const UNIT = 10n ** 12n;
const FEE = 10n * UNIT;
const CONTRIBUTORS_PART = 665n * UNIT / 100n;
const SPLIT = { modelOwner: 200_000_000, stakers: 100_000_000, contributors: 700_000_000 };

const engine = process.env.TRIBUTARY_DOCKER === '1'
  || spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
if (!engine) {
  console.log('# SKIPPED the Docker network test: no Docker engine answers (TRIBUTARY_DOCKER=1 installs one)');
}

test('four containers finalise and settle an inference by quorum', { skip: !engine && 'no Docker engine' }, async (t) => {
  let api;
  let dir;
  t.after(async () => {
    if (api) await api.disconnect();
    if (dir) await rm(dir, { recursive: true, force: true });
    execFileSync(SCRIPT, ['down'], { stdio: 'inherit' });
  });
  const started = Date.now();
  execFileSync(SCRIPT, [], { stdio: 'inherit', timeout: 20 * 60 * 1000 });
  console.log(`# scripts/docker-testnet.sh: ready in ${Math.round((Date.now() - started) / 1000)} s`);
  dir = await mkdtemp(join(tmpdir(), 'tributary-e2e-docker-'));
  api = await connect('ws://127.0.0.1:19944');
  const running = execFileSync('docker', ['ps', '--filter', 'label=com.docker.compose.project=tributary', '-q'])
    .toString().trim().split('\n').filter(Boolean);
  assert.equal(running.length, 4, 'four containers');

  const [eve, ferdie, aliceStash, owner, payer] = await Promise.all(
    ['//Eve', '//Ferdie', '//Alice//stash', '//Bob//stash', '//Charlie//stash'].map(signer),
  );
  const world = await registerWorld(api, dir, {
    contributors: [eve, ferdie, aliceStash], owner, fee: FEE, split: SPLIT, tag: 'docker',
  });
  try {
    const q = world.queries[0];
    const paid = await settleInference(api, payer, { model: world.model.model, query: q.csv, maxFee: FEE });
    assert.ok(paid.ok, paid.error);
    const at = (await api.rpc.chain.getHeader(paid.blockHash)).number.toNumber();
    const events = await settlementEvents(api, paid.inference, at);
    assert.ok(!events.some((e) => e.method === 'InferenceSettledWithoutAttribution'), 'by quorum');
    assert.ok(events.filter((e) => e.method === 'AttributionRevealed').length >= 3, 'three reveals');
    const expected = await cliShares(dir, world.index.path, q.csv);
    for (const e of events.filter((x) => x.method === 'ContributorPaid')) {
      const ppb = expected[`${e.data[1]}:${e.data[2]}`];
      assert.equal(BigInt(e.data[4]), CONTRIBUTORS_PART * BigInt(ppb) / 1_000_000_000n);
    }
    const settled = events.find((e) => e.method === 'InferenceSettled');
    console.log(`# Docker network: settled ${settled.block - at} blocks after payment`);
  } finally {
    await world.server.close();
  }
});
