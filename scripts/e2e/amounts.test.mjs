// Unit tests of the client's amount parsing and printing, batch files and accounts (no node).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAmount, formatAmount, AmountError, DEFAULT_TOKEN } from '../client/lib/amounts.mjs';
import { readBatchFile } from '../client/lib/batch.mjs';
import { signer, keystoreSigner, keystorePassword, AccountError } from '../client/lib/accounts.mjs';
import { UsageError } from '../client/lib/errors.mjs';

const UNIT = 10n ** 12n;

test('TRIB amounts parse to plancks exactly', () => {
  assert.equal(parseAmount('100'), 100n * UNIT);
  assert.equal(parseAmount('0'), 0n);
  assert.equal(parseAmount('0.5'), UNIT / 2n);
  assert.equal(parseAmount('1.035'), 1_035_000_000_000n);
  assert.equal(parseAmount('1.25'), 1_250_000_000_000n);
  assert.equal(parseAmount('0.000000000001'), 1n, 'one planck: all 12 decimals');
  assert.equal(parseAmount('1.000000000000'), UNIT, 'trailing zeros up to 12 decimals');
  assert.equal(parseAmount('007.50'), 7_500_000_000_000n, 'leading zeros');
  assert.equal(parseAmount(' 2 '), 2n * UNIT, 'surrounding blanks');
  // Far beyond 2^53 and u128's planck range stays exact (BigInt, no floats).
  assert.equal(parseAmount('340282366920938463463374607.431768211455'), 2n ** 128n - 1n);
  assert.equal(parseAmount('0.1') + parseAmount('0.2'), parseAmount('0.3'), 'no floating point');
});

test('malformed amounts are refused with a clear message', () => {
  const bad = {
    '1.2.3': /not an amount of TRIB/,
    '-1': /negative/,
    abc: /not an amount of TRIB/,
    '': /not an amount/,
    '1.': /not an amount/,
    '.5': /not an amount/,
    '1e3': /not an amount/,
    '0x10': /not an amount/,
    '1,5': /not an amount/,
    '+1': /not an amount/,
    '1 000': /not an amount/,
    '1.0000000000001': /13 decimals; TRIB has 12/,
    '0.0000000000000': /13 decimals/,
  };
  for (const [text, message] of Object.entries(bad)) {
    assert.throws(() => parseAmount(text, { what: '--fee' }), (e) => e instanceof AmountError && message.test(e.message)
      && e.message.includes('--fee'), `'${text}'`);
  }
  assert.throws(() => parseAmount(undefined), AmountError);
  assert.throws(() => parseAmount('1.5', { decimals: 0, symbol: 'X' }), /1 decimals; X has 0/);
});

test('plancks only with the explicit flag, and then only integers', () => {
  assert.equal(parseAmount('1500000000000', { plancks: true }), 1_500_000_000_000n);
  assert.equal(parseAmount('0', { plancks: true }), 0n);
  for (const text of ['1.5', '-1', 'abc', '1e12', '']) {
    assert.throws(() => parseAmount(text, { plancks: true }), /whole number of plancks/, text);
  }
  // Without the flag a planck count is read as TRIB (the README's old examples would be 10^13 TRIB).
  assert.equal(parseAmount('10000000000000'), 10_000_000_000_000n * UNIT);
});

test('amounts print as TRIB without trailing zeros', () => {
  assert.equal(formatAmount(1_035_000_000_000n), '1.035 TRIB');
  assert.equal(formatAmount(0n), '0 TRIB');
  assert.equal(formatAmount(1n), '0.000000000001 TRIB');
  assert.equal(formatAmount(100n * UNIT), '100 TRIB');
  assert.equal(formatAmount('6650000000000'), '6.65 TRIB', 'decimal strings from the RPC');
  assert.equal(formatAmount(2n ** 128n - 1n), '340282366920938463463374607.431768211455 TRIB');
  assert.equal(formatAmount(-UNIT / 2n), '-0.5 TRIB');
  assert.equal(formatAmount(1_035_000_000_000n, { plancks: true }), '1035000000000');
  assert.equal(formatAmount(1500n, { decimals: 3, symbol: 'X' }), '1.5 X');
  assert.deepEqual(DEFAULT_TOKEN, { decimals: 12, symbol: 'TRIB' });
});

test('parse and format are inverse on the planck grid', () => {
  for (const p of [0n, 1n, 9n, 10n, 999_999_999_999n, UNIT, UNIT + 1n, 123_456_789_012_345n, 10n ** 30n + 7n]) {
    assert.equal(parseAmount(formatAmount(p).replace(' TRIB', '')), p, String(p));
  }
});

test('batch files: JSON lines with query files or text, amounts in TRIB, errors name the line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-batch-'));
  try {
    await writeFile(join(dir, 'q.csv'), 'a,b\n1,2\n');
    const path = join(dir, 'batch.jsonl');
    await writeFile(path, [
      '# two inferences',
      '{"model": 0, "query": "q.csv", "maxFee": "1.5"}',
      '',
      '{"model": 3, "queryText": "x,y\\n3,4\\n", "maxFee": 0.25}',
    ].join('\n'));
    const items = await readBatchFile(path, DEFAULT_TOKEN);
    assert.deepEqual(items.map((i) => [i.model, i.query.toString(), i.maxFee]), [
      [0, 'a,b\n1,2\n', 1_500_000_000_000n],
      [3, 'x,y\n3,4\n', 250_000_000_000n],
    ]);
    const cases = {
      '{"model": 0, "query": "q.csv", "maxFee": "1.2.3"}': /batch.jsonl:1: "maxFee" '1.2.3' is not an amount/,
      '{"model": -1, "query": "q.csv", "maxFee": "1"}': /:1: "model" must be a model id/,
      '{"model": 0, "maxFee": "1"}': /exactly one of "query"/,
      '{"model": 0, "query": "missing.csv", "maxFee": "1"}': /cannot read query/,
      '{"model": 0, "query": "q.csv"}': /"maxFee" is missing/,
      'model=0': /:1: not JSON/,
      '# nothing': /no inferences/,
    };
    for (const [line, message] of Object.entries(cases)) {
      await writeFile(path, `${line}\n`);
      await assert.rejects(readBatchFile(path, DEFAULT_TOKEN), (e) => e instanceof UsageError && message.test(e.message), line);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('accounts: dev URIs, mnemonics and polkadot.js keystores', async () => {
  const alice = await signer('//Alice');
  assert.equal(alice.address, '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY');
  const mnemonic = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
  assert.equal((await signer(mnemonic)).address, '5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV', 'a bare mnemonic');
  assert.equal((await signer(`${mnemonic}//Alice`)).address, alice.address, 'the dev seed is that mnemonic');
  await assert.rejects(signer('not a mnemonic at all'), /neither a dev URI/);
  await assert.rejects(signer('Alice'), /neither a dev URI/, 'a name without // is refused, not taken as a raw seed');
  await assert.rejects(signer(mnemonic.replace('walk', 'talk')), /not a valid mnemonic/);
  assert.equal((await signer('//Alice//stash')).address, '5GNJqTPyNqANBkUVMN1LPPrxXnFouWXoe2wNSmmEoLctxiZY');

  const dir = await mkdtemp(join(tmpdir(), 'tributary-keys-'));
  try {
    const file = join(dir, 'alice.json');
    await writeFile(file, JSON.stringify(alice.toJson('correct horse')));
    await writeFile(join(dir, 'pw'), 'correct horse\n');
    assert.equal(await keystorePassword(join(dir, 'pw')), 'correct horse', 'first line, without the newline');
    assert.equal(await keystorePassword(undefined, { TRIBUTARY_PASSWORD: 'env pw' }), 'env pw');
    await assert.rejects(keystorePassword(undefined, {}), /--password-file FILE or TRIBUTARY_PASSWORD/);
    const unlocked = await keystoreSigner(file, 'correct horse');
    assert.equal(unlocked.address, alice.address);
    assert.ok(!unlocked.isLocked);
    await assert.rejects(keystoreSigner(file, 'wrong'), /wrong password/);
    await writeFile(join(dir, 'bad.json'), '{"nope": 1}');
    await assert.rejects(keystoreSigner(join(dir, 'bad.json'), 'x'), AccountError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
