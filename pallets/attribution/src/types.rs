//! Types stored by the attribution pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::BoundedVec;
use scale_info::TypeInfo;
use sp_core::{Get, H256};
use sp_runtime::{
	traits::{BlakeTwo256, Hash},
	Perbill,
};
use tributary_primitives::{attestor::AttestorId, ContributionRef, InferenceId, ModelId};

use crate::{BalanceOf, Config};

/// An attestor's result: the share of each attributed contribution, strictly increasing by
/// contribution, shares > 0 summing to exactly 100%.
pub type Scores = alloc::vec::Vec<(ContributionRef, Perbill)>;

/// The query bytes of an inference, bounded by `MaxQueryLen`.
pub type QueryOf<T> = BoundedVec<u8, <T as Config>::MaxQueryLen>;

/// A pending inference, as the pallet keeps it.
pub type InferenceOf<T> = Inference<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
	<T as Config>::MaxQueryLen,
>;

/// The commitments (or reveals) of one inference: who submitted which hash.
pub type AttestationsOf<T> =
	BoundedVec<(<T as frame_system::Config>::AccountId, H256), <T as Config>::MaxAttestors>;

/// An inference paid for and waiting for its attribution.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
#[scale_info(skip_type_params(MaxQuery))]
pub struct Inference<AccountId, Balance, BlockNumber, MaxQuery: Get<u32>> {
	/// The model used.
	pub model: ModelId,
	/// The developer who paid.
	pub payer: AccountId,
	/// The escrowed fee.
	pub fee: Balance,
	/// The escrowed expiry deposit (`ExpiryDeposit` when paid): back to the payer when a
	/// quorum settles the inference, to whoever settles it after its deadline otherwise.
	pub deposit: Balance,
	/// The query bytes, exactly as `tributary attribution score --query` reads them.
	pub query: BoundedVec<u8, MaxQuery>,
	/// The model's index hash when the fee was paid: what the attestors score against.
	pub index_hash: H256,
	/// The block the fee was paid in (the commit window starts here).
	pub paid_at: BlockNumber,
	/// The block after which, without a quorum, the fee is split by declared record counts.
	pub deadline: BlockNumber,
}

/// Where one settled fee went; the four parts sum to the fee.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Payout<Balance> {
	/// Paid to data contributors.
	pub to_contributors: Balance,
	/// Paid to the model's owner (and its base model's owner, the lineage share).
	pub to_model_owner: Balance,
	/// Credited to the model's stakers.
	pub to_stakers: Balance,
	/// Paid to the protocol account and the quorum's attestors, rounding dust included.
	pub to_protocol: Balance,
}

/// A contributor's earnings: everything ever credited, and the part still in the escrow.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Earnings<Balance> {
	/// Lifetime earnings.
	pub total: Balance,
	/// Credited and not yet claimed.
	pub unclaimed: Balance,
}

/// A pending inference as clients see it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct PendingInference<AccountId, Balance, BlockNumber> {
	/// The inference.
	pub inference: InferenceId,
	/// The model used.
	pub model: ModelId,
	/// The developer who paid.
	pub payer: AccountId,
	/// The escrowed fee.
	pub fee: Balance,
	/// The query bytes.
	pub query: alloc::vec::Vec<u8>,
	/// The model's index hash the inference was paid against.
	pub index_hash: H256,
	/// The block the fee was paid in.
	pub paid_at: BlockNumber,
	/// The block after which, without a quorum, the fee is split by declared record counts.
	pub deadline: BlockNumber,
	/// How many attestors have committed so far.
	pub commitments: u32,
	/// How many attestors have revealed so far.
	pub attestations: u32,
}

/// Lifetime totals of the economy.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct EconomyTotals<Balance> {
	/// Fees of settled inferences.
	pub fees_settled: Balance,
	/// Paid to data contributors.
	pub paid_to_contributors: Balance,
	/// Settled inferences.
	pub inferences_settled: u64,
	/// Of those, settled without an attribution quorum.
	pub settled_without_attribution: u64,
	/// Distinct accounts that have paid for an inference.
	pub paying_developers: u64,
	/// Distinct accounts that have earned as contributors.
	pub earning_contributors: u64,
}

/// The version of the engine's scoring semantics that results are bound to
/// ([`result_hash`]): attestors running different engines never agree by accident.
pub use tributary_attribution::ENGINE_VERSION;

/// The domain tag of a signed commitment payload.
pub const COMMIT_DOMAIN: &[u8] = b"tributary/attribution/commit/v1";
/// The domain tag of a signed reveal payload.
pub const REVEAL_DOMAIN: &[u8] = b"tributary/attribution/reveal/v1";

/// An attestor's commitment, as signed by its `attr` key.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct Commitment {
	/// The inference attested.
	pub inference: InferenceId,
	/// The attestor's registered `attr` key (it signs the payload).
	pub key: AttestorId,
	/// `H(result_hash ‖ attestor account ‖ salt)` ([`commitment_hash`]).
	pub commitment: H256,
}

/// An attestor's reveal, as signed by its `attr` key.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct Reveal {
	/// The inference attested.
	pub inference: InferenceId,
	/// The attestor's registered `attr` key (it signs the payload).
	pub key: AttestorId,
	/// The salt of the commitment.
	pub salt: [u8; 32],
	/// The result: each attributed contribution's share.
	pub scores: Scores,
}

/// The domain tag of a signed batch of commitments.
pub const COMMIT_BATCH_DOMAIN: &[u8] = b"tributary/attribution/commit-batch/v1";
/// The domain tag of a signed batch of reveals.
pub const REVEAL_BATCH_DOMAIN: &[u8] = b"tributary/attribution/reveal-batch/v1";

/// One attestor's commitments to several pending inferences, as signed (once) by its `attr`
/// key: `(inference, H(result_hash ‖ attestor account ‖ salt))` with strictly increasing
/// inference ids, at most `MaxBatch` of them.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct CommitBatch {
	/// The attestor's registered `attr` key (it signs the payload).
	pub key: AttestorId,
	/// Each inference and the commitment to its result ([`commitment_hash`]).
	pub commitments: alloc::vec::Vec<(InferenceId, H256)>,
}

/// One revealed result of a [`RevealBatch`].
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct RevealedResult {
	/// The inference attested.
	pub inference: InferenceId,
	/// The salt of its commitment.
	pub salt: [u8; 32],
	/// The result: each attributed contribution's share.
	pub scores: Scores,
}

/// One attestor's reveals for several pending inferences of one model, as signed (once) by
/// its `attr` key: strictly increasing inference ids, at most `MaxBatch` of them.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct RevealBatch {
	/// The attestor's registered `attr` key (it signs the payload).
	pub key: AttestorId,
	/// The model every revealed inference was paid for.
	pub model: ModelId,
	/// The results.
	pub reveals: alloc::vec::Vec<RevealedResult>,
}

/// The bytes an attestor's key signs: domain tag, genesis hash, payload (SCALE).
pub fn signed_bytes<P: Encode>(domain: &[u8], genesis: &H256, payload: &P) -> alloc::vec::Vec<u8> {
	(domain, genesis, payload).encode()
}

/// Identifies a result: blake2-256 of the SCALE encoding of the engine's scoring version, the
/// inference, the index hash it was paid against, and the quantised shares.
pub fn result_hash(
	engine_version: u32,
	inference: InferenceId,
	index_hash: &H256,
	scores: &[(ContributionRef, Perbill)],
) -> H256 {
	<BlakeTwo256 as Hash>::hash(&(engine_version, inference, index_hash, scores).encode())
}

/// An attestor's commitment to `result`: blake2-256 of `(result, attestor, salt)` (SCALE).
pub fn commitment_hash<AccountId: Encode>(
	result: &H256,
	attestor: &AccountId,
	salt: &[u8; 32],
) -> H256 {
	<BlakeTwo256 as Hash>::hash(&(result, attestor, salt).encode())
}
