// End to end: the engine's command line mounted in the node binary (`tributary attribution`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBinary } from './node.mjs';

const WINE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'primitives', 'attribution', 'data', 'wine.csv');

function run(args) {
  return new Promise((resolve) => {
    execFile(nodeBinary(), args, { timeout: 120000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr }));
  });
}

test('tributary attribution trains an index and scores a query as JSON', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-attr-'));
  try {
    const index = join(dir, 'wine.idx');
    const train = await run(['attribution', 'train', '--data', WINE, '--family', 'softmax', '--l2', '0.1', '--out', index]);
    assert.equal(train.code, 0, train.stderr);
    assert.match(train.stdout.trim(), /^0x[0-9a-f]{64}$/, 'prints the blake2-256 hash of the index');

    // A query: the features of one training row, without label and contributor.
    const [header, row] = (await readFile(WINE, 'utf8')).split('\n');
    const cols = header.split(',');
    const keep = cols.map((c, i) => (c === 'label' || c === 'contributor' ? -1 : i)).filter((i) => i >= 0);
    const values = row.split(',');
    const query = join(dir, 'query.csv');
    await writeFile(query, `${keep.map((i) => cols[i]).join(',')}\n${keep.map((i) => values[i]).join(',')}\n`);

    const score = await run(['attribution', 'score', '--index', index, '--query', query, '--top', '5', '--format', 'json']);
    assert.equal(score.code, 0, score.stderr);
    const out = JSON.parse(score.stdout);
    assert.ok(out.contributions.length > 0 && out.contributions.length <= 5);
    const shares = out.contributions.map((c) => c.share);
    assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 1e-9, 'shares sum to 1');
    for (const c of out.contributions) assert.ok(c.score > 0, 'only positive influence is paid');

    const bad = await run(['attribution', 'score', '--index', join(dir, 'missing.idx'), '--query', query, '--format', 'json']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /missing\.idx/, 'the error names the file');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
