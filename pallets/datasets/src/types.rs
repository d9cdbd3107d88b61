//! Types stored by the datasets pallet.

use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::BoundedVec;
use scale_info::TypeInfo;
use sp_core::{Get, H256};
use tributary_primitives::{ContributionId, License};

use crate::{BalanceOf, Config};

/// A URI bounded by the pallet's `MaxUriLen`.
pub type UriOf<T> = BoundedVec<u8, <T as Config>::MaxUriLen>;

/// Free-form metadata bounded by the pallet's `MaxMetadataLen`.
pub type MetadataOf<T> = BoundedVec<u8, <T as Config>::MaxMetadataLen>;

/// The stored record of a dataset, as the pallet keeps it.
pub type DatasetInfoOf<T> = DatasetInfo<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
	<T as Config>::MaxUriLen,
	<T as Config>::MaxMetadataLen,
>;

/// The stored record of a contribution, as the pallet keeps it.
pub type ContributionInfoOf<T> = ContributionInfo<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	<T as Config>::MaxUriLen,
>;

/// An approval as the pallet stores it.
pub type ApprovalOf<T> = Approval<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

/// A dataset owner's approval of one model id.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Approval<AccountId, Balance> {
	/// The only account that may register the model with the dataset.
	pub owner: AccountId,
	/// The deposit held from the dataset's owner for this entry.
	pub deposit: Balance,
}

/// A registered dataset ("datanet").
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
#[scale_info(skip_type_params(MaxUri, MaxMetadata))]
pub struct DatasetInfo<AccountId, Balance, BlockNumber, MaxUri: Get<u32>, MaxMetadata: Get<u32>> {
	/// The dataset's owner: sets its license and openness, approves models, retires it.
	pub owner: AccountId,
	/// Blake2-256 hash of the owner's file (the dataset's contribution 0).
	pub content_hash: H256,
	/// Where the owner's file can be fetched (emptied on retirement).
	pub uri: BoundedVec<u8, MaxUri>,
	/// The terms of use.
	pub license: License,
	/// Free-form metadata (e.g. JSON: name, schema, provenance; emptied on retirement).
	pub metadata: BoundedVec<u8, MaxMetadata>,
	/// Whether anyone may add contributions (otherwise only the owner).
	pub open: bool,
	/// Whether the dataset is retired (no new contributions or models).
	pub retired: bool,
	/// The number of contribution ids handed out; the next contribution gets this id (ids
	/// of withdrawn or removed contributions are not reused).
	pub contribution_count: ContributionId,
	/// The number of contributions stored now (at most `MaxContributionsPerDataset`).
	pub live_contributions: u32,
	/// The owner's storage deposit currently held (zero once retired).
	pub deposit: Balance,
	/// The block in which the dataset was registered.
	pub created_at: BlockNumber,
}

/// One contribution to a dataset: a file of records from one contributor.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
#[scale_info(skip_type_params(MaxUri))]
pub struct ContributionInfo<AccountId, Balance, MaxUri: Get<u32>> {
	/// The account paid for this contribution.
	pub contributor: AccountId,
	/// Blake2-256 hash of the contributed file (unique chain-wide).
	pub content_hash: H256,
	/// The number of records the contributor declared (the split when no attribution quorum
	/// is reached). The owner's file (contribution 0) declares 1.
	pub records: u32,
	/// Where the file can be fetched.
	pub uri: BoundedVec<u8, MaxUri>,
	/// The contributor's storage deposit currently held (the record is removed when it is
	/// released). Contribution 0's deposit is part of the dataset's deposit, so it is always
	/// zero here.
	pub deposit: Balance,
}
