// End to end, text attribution on a real dev node (quorum 1, Alice attests): three
// contributors register public-domain books as datasets, the model owner builds a span
// index of them with `tributary attribution train --family span` and registers it, the
// attestor's operator runs `tributary attribution serve` on loopback and starts the node
// with `--attribution-span-service`; a developer pays with the client for an inference whose
// query is a model's output text quoting two of the books with new words around, and Alice's
// worker attributes it through the service (commit, reveal): exactly the two quoted books are
// paid, at the shares `tributary attribution score` prints. An output that quotes nothing
// gets no attestation, and the node logs why.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevNode, freePort, nodeBinary } from './node.mjs';
import { runClient as client } from './client.mjs';
import { runNode, settlementEvents, cliShares, contributorPayouts } from './lib/attribution-world.mjs';

const BOOKS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'primitives', 'attribution', 'data', 'gutenberg');
const UNIT = 10n ** 12n;
// fee 10: protocol 5% = 0.5; the rest 9.5 split 20 / 10 / 70: contributors 6.65.
const CONTRIBUTORS_PART = 665n * UNIT / 100n;

const OUTPUT = 'Asked about novels, the assistant replied: it is a truth universally acknowledged, '
  + 'that a single man in possession of a good fortune, must be in want of a wife. Then it '
  + 'added, quoting a letter: you will rejoice to hear that no disaster has accompanied the '
  + 'commencement of an enterprise which you have regarded with such evil forebodings. '
  + 'Both are famous openings.';

let node;
let dir;
let service;

/** Starts `tributary attribution serve` for `index` on `port`; resolves once it listens. */
async function startService(index, port) {
  const child = spawn(nodeBinary(), ['attribution', 'serve', '--index', index, '--listen', `127.0.0.1:${port}`],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  child.stderr.on('data', (c) => log.push(c.toString()));
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c.toString();
      if (out.includes('listening on')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${log.join('')}`)));
    setTimeout(() => reject(new Error('serve did not listen within 60 s')), 60000).unref();
  });
  return { log, stop: () => child.kill('SIGKILL') };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tributary-e2e-span-'));
});

after(async () => {
  if (service) service.stop();
  if (node) await node.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a text inference is attributed to exactly the books it quotes, at the CLI shares', async () => {
  // The node comes up while the books are registered elsewhere: the service's URL is fixed first.
  const port = await freePort();
  const serviceUrl = `http://127.0.0.1:${port}`;
  node = await startDevNode({ minBlocks: 1, extraArgs: ['--attribution-span-service', serviceUrl] });
  const { api } = node;

  const books = ['pride_and_prejudice.txt', 'frankenstein.txt', 'a_modest_proposal.txt'];
  const suris = ['//Bob', '//Eve', '//Ferdie'];
  const registered = await Promise.all(books.map((book, i) => client([
    'register-dataset', '--file', join(BOOKS, book), '--uri', `ipfs://e2e-book-${i}`, '--commercial',
    '--suri', suris[i], '--ws', node.ws,
  ])));
  const datasets = registered.map((r) => {
    assert.equal(r.code, 0, r.stderr || r.stdout);
    return r.json.dataset;
  });

  // The model owner builds the span index, each book the contribution `dataset:0`.
  const index = join(dir, 'text.idx');
  const trainArgs = ['attribution', 'train', '--family', 'span', '--out', index];
  books.forEach((book, i) => trainArgs.push('--data', join(BOOKS, book), '--contributor', `${datasets[i]}:0`));
  const trained = await runNode(trainArgs);
  assert.equal(trained.code, 0, trained.stderr);
  const indexHash = trained.stdout.trim();

  // The attestor's operator serves it on the port the node was told.
  service = await startService(index, port);

  const model = await client([
    'register-model', '--index', index, '--index-uri', `${serviceUrl}/text.idx`,
    '--datasets', datasets.join(','), '--fee', '10', '--split', '20,10,70',
    '--suri', '//Charlie', '--ws', node.ws,
  ]);
  assert.equal(model.code, 0, model.stderr || model.stdout);
  assert.equal(model.json.indexHash, indexHash);

  // A developer pays for the output text; another output quotes no book.
  const output = join(dir, 'output.txt');
  await writeFile(output, OUTPUT);
  const unquoted = join(dir, 'unquoted.txt');
  await writeFile(unquoted, 'A reply in words of its own, about nothing that any of these books contains.');
  const pay = (file, suri) => client([
    'settle-inference', '--model', String(model.json.model), '--query', file,
    '--max-fee', '10', '--suri', suri, '--ws', node.ws,
  ]);
  const [paid, paidUnquoted] = await Promise.all([pay(output, '//Dave'), pay(unquoted, '//Dave//stash')]);
  assert.equal(paid.code, 0, paid.stderr || paid.stdout);
  assert.equal(paidUnquoted.code, 0, paidUnquoted.stderr || paidUnquoted.stdout);
  const paidAt = (await api.rpc.chain.getHeader(paid.json.blockHash)).number.toNumber();

  const events = await settlementEvents(api, paid.json.inference, paidAt);
  const methods = events.map((e) => e.method);
  assert.ok(methods.includes('AttributionCommitted'), `committed: ${methods}`);
  assert.ok(methods.includes('AttributionRevealed'), `revealed: ${methods}`);
  const settled = events.find((e) => e.method === 'InferenceSettled');
  assert.ok(settled.block - paidAt <= 3, `settled ${settled.block - paidAt} blocks after payment`);

  // Exactly the two quoted books, at the command line's shares.
  const expected = await cliShares(dir, index, OUTPUT);
  assert.deepEqual(Object.keys(expected).sort(), [`${datasets[0]}:0`, `${datasets[1]}:0`].sort());
  const paidOut = contributorPayouts(events);
  assert.deepEqual(Object.keys(paidOut).sort(), Object.keys(expected).sort(), 'the quoted books are paid');
  for (const [contribution, ppb] of Object.entries(expected)) {
    assert.equal(paidOut[contribution], CONTRIBUTORS_PART * BigInt(ppb) / 1_000_000_000n, contribution);
  }

  // The output that quotes nothing: the service says so, the worker attests nothing, the
  // node logs why (it settles later by the timeout fallback).
  const deadline = Date.now() + 60000;
  while (!node.log.join('').includes(`inference ${paidUnquoted.json.inference}: no result to attest`)) {
    assert.ok(Date.now() < deadline, `no log line for the unquoted inference:\n${node.log.slice(-40).join('')}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.match(node.log.join(''), /no span of at least 8 tokens/);
  const pending = await api.query.attribution.commitments(paidUnquoted.json.inference);
  assert.equal(pending.length, 0, 'nothing committed for the unquoted output');
});
