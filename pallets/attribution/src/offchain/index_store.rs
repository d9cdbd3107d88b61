//! The worker's copy of model indices: fetched once, verified against the hash an inference
//! was paid against, cached in PERSISTENT off-chain storage in chunks of at most 1 MiB (one
//! read of a value copies it two or three times into the heap), evicted when no longer used;
//! failed fetches are retried with exponential back-off in blocks.

use alloc::vec::Vec;
use codec::{Decode, Encode};
use sp_core::H256;
use sp_runtime::offchain::storage::StorageValueRef;
use tributary_primitives::ModelId;

use super::http::{self, FetchError};

/// The largest value one cache entry holds.
pub const CHUNK_BYTES: usize = 1 << 20;
/// How many indices the cache keeps at most.
pub const MAX_CACHED: usize = 4;
/// The longest back-off between two fetches of a failing index, in blocks.
pub const MAX_BACKOFF_BLOCKS: u64 = 64;

const PREFIX: &[u8] = b"tributary/attribution/index/";
const LIST_KEY: &[u8] = b"tributary/attribution/index-list";

/// Why an index is not available to score with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexError {
	/// A previous attempt failed; the next one is due at this block.
	BackingOff { retry_at: u64 },
	/// The download failed.
	Fetch(FetchError),
	/// The bytes served do not hash to the index hash the inference was paid against.
	HashMismatch { got: H256 },
	/// The index is a span (text) index: only a span service scores it (not cached).
	SpanIndex,
}

/// A failing index's back-off state.
#[derive(Encode, Decode, Default)]
struct Backoff {
	failures: u32,
	retry_at: u64,
}

/// The meta record of a cached index.
#[derive(Encode, Decode)]
struct Meta {
	length: u32,
	chunks: u32,
}

fn key(hash: &H256, part: &[u8], n: Option<u32>) -> Vec<u8> {
	let mut k = Vec::with_capacity(PREFIX.len() + 32 + part.len() + 4);
	k.extend_from_slice(PREFIX);
	k.extend_from_slice(hash.as_bytes());
	k.extend_from_slice(part);
	if let Some(n) = n {
		k.extend_from_slice(&n.to_le_bytes());
	}
	k
}

/// The cached bytes of `hash`, verified, if the cache has them.
pub fn cached(hash: &H256) -> Option<Vec<u8>> {
	let meta_key = key(hash, b"/meta", None);
	let meta: Meta = StorageValueRef::persistent(&meta_key).get().ok().flatten()?;
	let mut bytes = Vec::with_capacity(meta.length as usize);
	for i in 0..meta.chunks {
		let chunk_key = key(hash, b"/chunk", Some(i));
		let chunk: Vec<u8> = StorageValueRef::persistent(&chunk_key).get().ok().flatten()?;
		if bytes.len() + chunk.len() > meta.length as usize {
			evict(hash);
			return None;
		}
		bytes.extend_from_slice(&chunk);
	}
	if bytes.len() != meta.length as usize || H256(sp_io::hashing::blake2_256(&bytes)) != *hash {
		evict(hash);
		return None;
	}
	Some(bytes)
}

fn store(hash: &H256, model: ModelId, bytes: &[u8]) {
	let mut list = cached_list();
	if list.iter().all(|(h, _)| h != hash) {
		while list.len() >= MAX_CACHED {
			let (old, _) = list.remove(0);
			evict(&old);
		}
		list.push((*hash, model));
	}
	let chunks = bytes.chunks(CHUNK_BYTES);
	let count = chunks.len() as u32;
	for (i, chunk) in chunks.enumerate() {
		StorageValueRef::persistent(&key(hash, b"/chunk", Some(i as u32))).set(&chunk);
	}
	StorageValueRef::persistent(&key(hash, b"/meta", None))
		.set(&Meta { length: bytes.len() as u32, chunks: count });
	StorageValueRef::persistent(LIST_KEY).set(&list);
}

/// Removes `hash` from the cache.
pub fn evict(hash: &H256) {
	let meta_key = key(hash, b"/meta", None);
	let mut meta_ref = StorageValueRef::persistent(&meta_key);
	if let Ok(Some(meta)) = meta_ref.get::<Meta>() {
		for i in 0..meta.chunks {
			StorageValueRef::persistent(&key(hash, b"/chunk", Some(i))).clear();
		}
	}
	meta_ref.clear();
	let mut list = cached_list();
	let before = list.len();
	list.retain(|(h, _)| h != hash);
	if list.len() != before {
		StorageValueRef::persistent(LIST_KEY).set(&list);
	}
}

/// The cached indices and the model each was fetched for.
pub fn cached_list() -> Vec<(H256, ModelId)> {
	StorageValueRef::persistent(LIST_KEY).get().ok().flatten().unwrap_or_default()
}

/// The bytes of the index `hash` of `model`: from the cache, or fetched from `uri` (at most
/// `limit` bytes), verified and cached. A failure is remembered: the next fetch waits
/// 2, 4, 8 … (at most [`MAX_BACKOFF_BLOCKS`]) blocks.
pub fn load(
	model: ModelId,
	hash: &H256,
	uri: &[u8],
	limit: u32,
	now: u64,
) -> Result<Vec<u8>, IndexError> {
	if let Some(bytes) = cached(hash) {
		return Ok(bytes);
	}
	let backoff_key = key(hash, b"/backoff", None);
	let backoff_ref = StorageValueRef::persistent(&backoff_key);
	let backoff: Backoff = backoff_ref.get().ok().flatten().unwrap_or_default();
	if now < backoff.retry_at {
		return Err(IndexError::BackingOff { retry_at: backoff.retry_at });
	}
	let outcome = http::http_uri(uri)
		.and_then(|uri| http::fetch(&uri, limit))
		.map_err(IndexError::Fetch)
		.and_then(|bytes| {
			let got = H256(sp_io::hashing::blake2_256(&bytes));
			if got != *hash {
				Err(IndexError::HashMismatch { got })
			} else if bytes.starts_with(&tributary_attribution::SPAN_MAGIC) {
				Err(IndexError::SpanIndex)
			} else {
				Ok(bytes)
			}
		});
	match outcome {
		Ok(bytes) => {
			let mut backoff_ref = backoff_ref;
			backoff_ref.clear();
			store(hash, model, &bytes);
			Ok(bytes)
		}
		Err(e) => {
			let failures = backoff.failures.saturating_add(1);
			let wait = 1u64.checked_shl(failures).unwrap_or(u64::MAX).min(MAX_BACKOFF_BLOCKS);
			backoff_ref.set(&Backoff { failures, retry_at: now.saturating_add(wait) });
			Err(e)
		}
	}
}
