//! Types stored by the attribution pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::BoundedVec;
use scale_info::TypeInfo;
use sp_core::{Get, H256};
use sp_runtime::{
	traits::{BlakeTwo256, Hash},
	Perbill,
};
use tributary_primitives::{ContributionRef, InferenceId, ModelId};

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

/// The attestations of one inference: who submitted which result hash.
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
	/// The query bytes, exactly as `tributary attribution score --query` reads them.
	pub query: BoundedVec<u8, MaxQuery>,
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
	/// The block after which, without a quorum, the fee is split by declared record counts.
	pub deadline: BlockNumber,
	/// How many attestors have submitted a result so far.
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

/// Identifies a result: blake2-256 of the SCALE-encoded scores.
pub fn result_hash(scores: &[(ContributionRef, Perbill)]) -> H256 {
	<BlakeTwo256 as Hash>::hash(&scores.encode())
}
