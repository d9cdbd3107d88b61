//! Types stored by the models pallet.

use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::BoundedVec;
use scale_info::TypeInfo;
use sp_core::{Get, H256};
use tributary_primitives::{ContributionRef, DatasetId, ModelId, RewardSplit};

use crate::{BalanceOf, Config};

/// A URI bounded by the pallet's `MaxUriLen`.
pub type UriOf<T> = BoundedVec<u8, <T as Config>::MaxUriLen>;

/// A model's datasets, bounded by the pallet's `MaxDatasetsPerModel`.
pub type DatasetsOf<T> = BoundedVec<DatasetId, <T as Config>::MaxDatasetsPerModel>;

/// The ancestors of a model, nearest first, bounded by the pallet's `MaxLineageDepth`.
pub type LineageOf<T> = BoundedVec<ModelId, <T as Config>::MaxLineageDepth>;

/// The stored record of a model, as the pallet keeps it.
pub type ModelInfoOf<T> = ModelInfo<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	<T as Config>::MaxUriLen,
	<T as Config>::MaxDatasetsPerModel,
>;

/// A snapshot entry as the pallet stores it.
pub type SnapshotEntryOf<T> = SnapshotEntry<<T as frame_system::Config>::AccountId>;

/// The bytes one snapshot entry is charged for (its key and value, rounded up).
pub const SNAPSHOT_ENTRY_BYTES: u32 = 96;

/// One contribution of a model's fallback snapshot.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct SnapshotEntry<AccountId> {
	/// The contribution.
	pub contribution: ContributionRef,
	/// The account paid for it (as when the snapshot was taken).
	pub contributor: AccountId,
	/// The records it counts for: `min(declared, MaxRecordsPerContribution)`, at least 1.
	pub records: u32,
}

/// A registered model.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
#[scale_info(skip_type_params(MaxUri, MaxDatasets))]
pub struct ModelInfo<AccountId, Balance, MaxUri: Get<u32>, MaxDatasets: Get<u32>> {
	/// The model's owner; paid the owner's part of each fee, may update and retire it.
	pub owner: AccountId,
	/// Blake2-256 hash of the model artifact (unique chain-wide).
	pub artifact_hash: H256,
	/// Where the artifact can be fetched.
	pub uri: BoundedVec<u8, MaxUri>,
	/// The datasets the model was trained on (no duplicates, at least one).
	pub datasets: BoundedVec<DatasetId, MaxDatasets>,
	/// The model it was fine-tuned from, if any.
	pub base: Option<ModelId>,
	/// The number of ancestors (0 without a base; the base's depth + 1 otherwise).
	pub depth: u32,
	/// Blake2-256 hash of the model's attribution index.
	pub index_hash: H256,
	/// Where the attribution index can be fetched (never empty).
	pub index_uri: BoundedVec<u8, MaxUri>,
	/// The fee per inference.
	pub fee: Balance,
	/// How each fee is split (after the protocol's cut).
	pub split: RewardSplit,
	/// The storage deposit currently held from the owner (zero once retired).
	pub deposit: Balance,
	/// Whether the model is retired.
	pub retired: bool,
	/// The number of entries of its fallback snapshot.
	pub snapshot_len: u32,
	/// The sum of the snapshot's record counts.
	pub snapshot_records: u64,
}
