//! What this node's attestors committed to, kept in PERSISTENT off-chain storage until the
//! inference settles: the result and salt needed for the reveal, and when each submission
//! was last sent (a submission is re-sent only once its pool longevity ran out), and until
//! when an inference whose query gave no result waits before it is scored again.

use alloc::vec::Vec;
use codec::{Decode, Encode};
use sp_runtime::offchain::storage::StorageValueRef;
use tributary_primitives::{attestor::AttestorId, InferenceId};

use super::LocalAttestor;
use crate::{Config, Inferences, Scores};

const PREFIX: &[u8] = b"tributary/attribution/attestation/";
const TRACKED_KEY: &[u8] = b"tributary/attribution/tracked";
const NO_RESULT_PREFIX: &[u8] = b"tributary/attribution/no-result/";
/// The most inferences the ledger tracks; the oldest are forgotten beyond it.
pub const MAX_TRACKED: usize = 1024;

/// One attestor's attestation of one inference.
#[derive(Clone, Encode, Decode, PartialEq, Debug)]
pub struct Attestation {
	/// The commitment's salt.
	pub salt: [u8; 32],
	/// The committed result.
	pub scores: Scores,
	/// The block the commitment was last sent at.
	pub commit_sent_at: u64,
	/// The block the reveal was last sent at, if it was.
	pub reveal_sent_at: Option<u64>,
}

impl Attestation {
	/// Whether the commitment was sent less than `longevity` blocks before `now`: the pool
	/// may still include it, so it is neither re-sent nor replaced.
	pub fn commit_in_flight(&self, now: u64, longevity: u64) -> bool {
		now < self.commit_sent_at.saturating_add(longevity)
	}
}

fn key(attestor: &AttestorId, inference: InferenceId) -> Vec<u8> {
	(PREFIX, attestor, inference).encode()
}

/// The attestation of `inference` by `attestor`, if this node made one.
pub fn get(attestor: &AttestorId, inference: InferenceId) -> Option<Attestation> {
	StorageValueRef::persistent(&key(attestor, inference)).get().ok().flatten()
}

/// Records the attestation of `inference` by `attestor`.
pub fn put(attestor: &AttestorId, inference: InferenceId, attestation: &Attestation) {
	StorageValueRef::persistent(&key(attestor, inference)).set(attestation);
	track(inference);
}

fn no_result_key(inference: InferenceId) -> Vec<u8> {
	(NO_RESULT_PREFIX, inference).encode()
}

/// The block before which `inference`, whose query gave no result, is not scored again.
pub fn no_result_until(inference: InferenceId) -> Option<u64> {
	StorageValueRef::persistent(&no_result_key(inference)).get().ok().flatten()
}

/// Notes that `inference`'s query gave no result: it is scored again from block `retry_at`.
pub fn note_no_result(inference: InferenceId, retry_at: u64) {
	StorageValueRef::persistent(&no_result_key(inference)).set(&retry_at);
	track(inference);
}

/// Adds `inference` to the tracked inferences (forgotten once settled).
fn track(inference: InferenceId) {
	let tracked_ref = StorageValueRef::persistent(TRACKED_KEY);
	let mut tracked: Vec<InferenceId> = tracked_ref.get().ok().flatten().unwrap_or_default();
	if !tracked.contains(&inference) {
		if tracked.len() >= MAX_TRACKED {
			tracked.remove(0);
		}
		tracked.push(inference);
		tracked_ref.set(&tracked);
	}
}

/// Forgets the attestations of inferences that are no longer pending.
pub fn forget_settled<T: Config>(attestors: &[LocalAttestor<T::AccountId>]) {
	let tracked_ref = StorageValueRef::persistent(TRACKED_KEY);
	let tracked: Vec<InferenceId> = tracked_ref.get().ok().flatten().unwrap_or_default();
	let (open, settled): (Vec<_>, Vec<_>) =
		tracked.into_iter().partition(|id| Inferences::<T>::contains_key(id));
	if settled.is_empty() {
		return;
	}
	for id in settled {
		for attestor in attestors {
			StorageValueRef::persistent(&key(&attestor.key, id)).clear();
		}
		StorageValueRef::persistent(&no_result_key(id)).clear();
	}
	tracked_ref.set(&open);
}
