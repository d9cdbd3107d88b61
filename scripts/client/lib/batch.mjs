// The batch file of `settle-inferences`: one inference per line, as JSON,
//
//   {"model": 0, "query": "queries/q1.csv", "maxFee": "1.5"}
//   {"model": 2, "queryText": "alcohol,malic_acid\n13.2,1.78\n", "maxFee": "0.25"}
//
// `query` is a query file (relative paths from the batch file's directory), or `queryText`
// the query's exact text; `maxFee` is in TRIB (whole plancks with --plancks). Blank lines and
// lines starting with `#` are skipped.

import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseAmount, AmountError } from './amounts.mjs';
import { UsageError } from './errors.mjs';

/**
 * Reads the batch file at `path`: resolves with `[{ model, query (Buffer), maxFee (plancks) }]`
 * in file order; throws a `UsageError` naming the line of the first bad entry.
 */
export async function readBatchFile(path, { decimals, symbol, plancks = false } = {}) {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --batch ${path}: ${e.message}`);
  }
  const items = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const where = `${path}:${i + 1}`;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch (e) {
      throw new UsageError(`${where}: not JSON (${e.message})`);
    }
    if (!entry || typeof entry !== 'object') throw new UsageError(`${where}: expected an object {"model", "query", "maxFee"}`);
    if (!Number.isInteger(entry.model) || entry.model < 0) throw new UsageError(`${where}: "model" must be a model id`);
    if ((entry.query === undefined) === (entry.queryText === undefined)) {
      throw new UsageError(`${where}: give exactly one of "query" (a file) and "queryText"`);
    }
    let query;
    if (entry.queryText !== undefined) {
      if (typeof entry.queryText !== 'string') throw new UsageError(`${where}: "queryText" must be a string`);
      query = Buffer.from(entry.queryText);
    } else {
      const file = resolve(dirname(path), String(entry.query));
      try {
        query = await readFile(file);
      } catch (e) {
        throw new UsageError(`${where}: cannot read query ${file}: ${e.message}`);
      }
    }
    if (typeof entry.maxFee !== 'string' && typeof entry.maxFee !== 'number') throw new UsageError(`${where}: "maxFee" is missing`);
    let maxFee;
    try {
      maxFee = parseAmount(String(entry.maxFee), { decimals, symbol, plancks, what: `${where}: "maxFee"` });
    } catch (e) {
      if (e instanceof AmountError) throw new UsageError(e.message);
      throw e;
    }
    items.push({ model: entry.model, query, maxFee });
  }
  if (!items.length) throw new UsageError(`${path}: no inferences in the batch file`);
  return items;
}
