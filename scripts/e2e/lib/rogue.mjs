// An attestor without a node: builds, signs and submits the authorized commit and reveal
// transactions itself (v5 general extrinsics, which polkadot.js cannot build yet), so the
// tests can play a dishonest attestor and one that copies another's revealed result.

import { WsProvider } from '../../client/node_modules/@polkadot/api/index.js';
import { blake2AsU8a } from '../../client/node_modules/@polkadot/util-crypto/index.js';
import { compactToU8a, u8aConcat, u8aToHex, stringToU8a } from '../../client/node_modules/@polkadot/util/index.js';

const COMMIT_DOMAIN = 'tributary/attribution/commit/v1';
const REVEAL_DOMAIN = 'tributary/attribution/reveal/v1';
/** The engine's scoring version (`tributary_attribution::ENGINE_VERSION`). */
export const ENGINE_VERSION = 2;

/**
 * A general (v5) extrinsic of `call` with the runtime's extensions' explicit data for an
 * authorized transaction: immortal era, nonce 0, tip 0, no metadata hash.
 */
function authorizedExtrinsic(call) {
  const body = u8aConcat(new Uint8Array([0x45, 0x00, 0x00, 0x00, 0x00, 0x00]), call.method.toU8a());
  return u8aToHex(u8aConcat(compactToU8a(body.length), body));
}

/** The bytes an attestor key signs: domain tag, genesis hash, payload (SCALE). */
function signedBytes(api, domain, payload) {
  const tag = stringToU8a(domain);
  return u8aConcat(compactToU8a(tag.length), tag, api.genesisHash.toU8a(), payload.toU8a());
}

/** `scores`: `[[dataset, contribution, parts per billion], …]` sorted by contribution. */
function scoresType(api, scores) {
  return api.createType('Vec<(TributaryPrimitivesContributionRef, Perbill)>',
    scores.map(([dataset, contribution, ppb]) => [{ dataset, contribution }, ppb]));
}

/** The result hash the chain computes for `scores` of `inference` paid against `indexHash`. */
export function resultHash(api, inference, indexHash, scores) {
  const bytes = u8aConcat(
    api.createType('u32', ENGINE_VERSION).toU8a(),
    api.createType('u64', inference).toU8a(),
    api.createType('H256', indexHash).toU8a(),
    scoresType(api, scores).toU8a(),
  );
  return blake2AsU8a(bytes, 256);
}

/** An attestor played by the test: `pair` is both its account and its `attr` key. */
export class RogueAttestor {
  constructor(api, ws, pair, salt = new Uint8Array(32).fill(9)) {
    this.api = api;
    this.provider = new WsProvider(ws);
    this.pair = pair;
    this.salt = salt;
  }

  async send(call) {
    await this.provider.isReady;
    return this.provider.send('author_submitExtrinsic', [authorizedExtrinsic(call)]);
  }

  /** Commits to `scores` for `inference`; resolves with the transaction hash or rejects. */
  commit(inference, indexHash, scores) {
    const { api, pair } = this;
    const result = resultHash(api, inference, indexHash, scores);
    const commitment = blake2AsU8a(u8aConcat(result, pair.publicKey, this.salt), 256);
    const payload = api.createType('PalletAttributionCommitment', {
      inference, key: pair.publicKey, commitment,
    });
    const signature = pair.sign(signedBytes(api, COMMIT_DOMAIN, payload));
    return this.send(api.tx.attribution.commitAttribution(payload, signature));
  }

  /** Reveals `scores` (with this attestor's salt); resolves with the hash or rejects. */
  reveal(inference, scores) {
    const { api, pair } = this;
    const payload = api.createType('PalletAttributionReveal', {
      inference, key: pair.publicKey, salt: this.salt, scores: scoresType(api, scores),
    });
    const signature = pair.sign(signedBytes(api, REVEAL_DOMAIN, payload));
    return this.send(api.tx.attribution.revealAttribution(payload, signature));
  }

  disconnect() {
    return this.provider.disconnect();
  }
}
