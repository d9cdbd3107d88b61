// The signing account: a secret URI (dev URI such as //Alice, a mnemonic, optionally with a
// derivation path), or a JSON keystore file exported by polkadot.js (Apps, the extension)
// unlocked with a password from a file or the TRIBUTARY_PASSWORD environment variable.

import { readFile } from 'node:fs/promises';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, decodeAddress, mnemonicValidate } from '@polkadot/util-crypto';

/** The SS58 prefix of Tributary addresses (the chain's `ss58Format`). */
export const SS58 = 42;

/** A problem with the account options (unreadable file, wrong password): exit code 2. */
export class AccountError extends Error {}

/**
 * Checks that `suri` is a dev URI (`//Alice`), a 0x-hex 32-byte seed or a valid mnemonic of
 * 12 to 24 words, each optionally followed by a derivation path; throws `AccountError`
 * otherwise (polkadot.js would take any short text as a raw seed: `Alice` without `//` would
 * silently be another, empty account).
 */
export function checkSuri(suri) {
  const phrase = String(suri ?? '').split('/')[0].trim();
  if (phrase === '' || /^0x[0-9a-fA-F]{64}$/.test(phrase)) return;
  const words = phrase.split(/\s+/).length;
  if (![12, 15, 18, 21, 24].includes(words)) {
    throw new AccountError('--suri is neither a dev URI (//Alice), a mnemonic (12 to 24 words, in quotes) nor a 0x seed');
  }
  if (!mnemonicValidate(phrase)) throw new AccountError('--suri is not a valid mnemonic (a word or the checksum is wrong)');
}

/** The sr25519 key pair for a secret URI such as `//Alice` or a mnemonic (with an optional `//path`). */
export async function signer(suri) {
  await cryptoWaitReady();
  checkSuri(suri);
  try {
    return new Keyring({ type: 'sr25519', ss58Format: SS58 }).addFromUri(suri);
  } catch (e) {
    throw new AccountError(`--suri is not a valid secret URI or mnemonic (${e.message})`);
  }
}

/**
 * The key pair of a polkadot.js JSON keystore file (`{ encoded, encoding, address, meta }`),
 * unlocked with `password`.
 */
export async function keystoreSigner(path, password) {
  await cryptoWaitReady();
  let json;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new AccountError(`cannot read keystore ${path}: ${e.message}`);
  }
  const type = json?.encoding?.content?.[1] || 'sr25519';
  let pair;
  try {
    pair = new Keyring({ type, ss58Format: SS58 }).addFromJson(json);
  } catch (e) {
    throw new AccountError(`${path} is not a polkadot.js keystore file: ${e.message}`);
  }
  try {
    pair.unlock(password);
  } catch {
    throw new AccountError(`cannot unlock ${path}: wrong password`);
  }
  return pair;
}

/**
 * The password for a keystore: the first line of `passwordFile` if given, else the
 * TRIBUTARY_PASSWORD environment variable; throws `AccountError` when there is neither.
 */
export async function keystorePassword(passwordFile, env = process.env) {
  if (passwordFile) {
    try {
      return (await readFile(passwordFile, 'utf8')).split(/\r?\n/)[0];
    } catch (e) {
      throw new AccountError(`cannot read --password-file ${passwordFile}: ${e.message}`);
    }
  }
  if (env.TRIBUTARY_PASSWORD !== undefined) return env.TRIBUTARY_PASSWORD;
  throw new AccountError('--keystore needs a password: --password-file FILE or TRIBUTARY_PASSWORD');
}

/**
 * The account a command signs with, from its options: `--keystore FILE` (with
 * `--password-file` or TRIBUTARY_PASSWORD) if given, else `--suri` (default //Alice, or
 * TRIBUTARY_SURI).
 */
export async function accountFromOptions({ suri, keystore, 'password-file': passwordFile }) {
  if (keystore) return keystoreSigner(keystore, await keystorePassword(passwordFile));
  return signer(suri);
}

/** Whether `text` is an SS58 address or a 0x-hex 32-byte public key. */
export function isAccount(text) {
  try {
    return decodeAddress(text).length === 32;
  } catch {
    return false;
  }
}
