//! The attestors' off-chain worker key: key type `attr`, sr25519.
//!
//! The key is part of the session keys, so `--dev` and `--alice` generate it from the dev
//! seed; any other node inserts it with `tributary key insert --key-type attr`.

use sp_core::crypto::KeyTypeId;

/// Key type of the attestors' off-chain worker signing key.
pub const ATTESTOR_KEY_TYPE: KeyTypeId = KeyTypeId(*b"attr");

mod app {
	use sp_application_crypto::{app_crypto, sr25519};
	app_crypto!(sr25519, super::ATTESTOR_KEY_TYPE);
}

/// An attestor's public key (sr25519, key type `attr`).
pub type AttestorId = app::Public;

/// A signature by an attestor's key.
pub type AttestorSignature = app::Signature;

/// The key, in the node's PERSISTENT off-chain storage, of the URL of the span-attribution
/// service (`tributary attribution serve`) that the attestor's off-chain worker asks for
/// span indexes: raw UTF-8 bytes, written by the node from `--attribution-span-service`
/// (and removed when the flag is absent).
pub const SPAN_SERVICE_STORAGE_KEY: &[u8] = b"tributary/attribution/span-service";
