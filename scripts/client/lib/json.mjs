// Chain values as plain JSON for printing: bytes as text where they are UTF-8, amounts
// through the caller's formatter.

import { isUtf8, u8aToHex, u8aToString } from '@polkadot/util';

/** Bytes (a `Bytes`/`BoundedVec<u8>` codec or Uint8Array) as UTF-8 text if they are, else 0x-hex. */
export function bytesText(value) {
  const u8a = value instanceof Uint8Array && !value.toU8a ? value : value.toU8a(true);
  return isUtf8(u8a) ? u8aToString(u8a) : u8aToHex(u8a);
}

/** Plancks as a decimal string: the default amount formatter of the library's readers. */
export function plancksText(value) {
  return BigInt(value.toString()).toString();
}

/** Prints `value` as indented JSON on stdout (BigInts as decimal strings). */
export function printJson(value) {
  process.stdout.write(`${JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}
