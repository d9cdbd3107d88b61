//! # Datasets pallet
//!
//! The Tributary dataset registry. A contributor registers a dataset ("datanet") from a
//! file: its blake2-256 content hash, where it can be fetched, its [`License`] and free-form
//! metadata. The owner's file is the dataset's contribution 0; further contributions (files
//! of records) come from anyone while the dataset is open, or from the owner while it is
//! closed. A content hash belongs to at most one stored contribution, chain-wide
//! ([`Error::DuplicateContent`]); once that contribution's storage is removed the hash is free
//! again.
//!
//! ## Deposits: no storage without a deposit behind it
//! Storage deposits are held while an item lives: the owner's deposit
//! ([`Config::DatasetDeposit`] + [`Config::DepositPerByte`] per stored uri and metadata byte)
//! under [`HoldReason::DatasetDeposit`], each contributor's
//! ([`Config::ContributionDeposit`] + per-byte) under [`HoldReason::ContributionDeposit`],
//! each approval's ([`Config::ApprovalDeposit`], from the dataset's owner) under
//! [`HoldReason::ApprovalDeposit`]. Releasing a deposit removes the storage it paid for:
//! - a contributor withdraws a contribution with `withdraw_contribution` at any time; the
//!   dataset's owner removes one with `remove_contribution` (curation: the deposit goes back
//!   to the contributor). Either way the contribution's record and its content hash entry are
//!   deleted and its slot is free again (ids are never reused);
//! - retiring a dataset releases the owner's deposit and deletes contribution 0 (the owner's
//!   file), its content hash entry, and the dataset's uri and metadata; what stays is a
//!   fixed-size tombstone (owner, license, flags, counters) so that ids, lineage and history
//!   keep resolving. Contributors of a retired dataset then release their own deposits (and
//!   storage) with `release_contribution_deposit` or `withdraw_contribution`;
//! - revoking an approval releases its deposit and deletes it.
//!
//! A withdrawn or removed contribution earns from no model registered later (it is in no
//! new snapshot); models registered before keep the snapshot they took (see the models
//! pallet), so their fallback split still pays it.
//!
//! ## Curation of open datasets
//! At most [`Config::MaxContributionsPerDataset`] contributions are *stored* at a time (the
//! owner's file included). Should strangers fill an open dataset, its owner closes it
//! (`set_open(false)`), removes what they do not want (`remove_contribution`) and adds their
//! own: removal frees the slot.
//!
//! ## Approvals name who may use the data
//! Where a license requires approval, the dataset's owner approves a *(model id, model
//! owner)* pair: `approve_model(dataset, model, owner)`. Registering model `model` with the
//! dataset succeeds only when the registering account is `owner`
//! ([`DatasetsInspect::check_model_use_by`]), so an approval given before registration cannot
//! be taken by whoever happens to register model id `model`. Each approval holds
//! [`Config::ApprovalDeposit`] from the dataset's owner until `revoke_approval`, which may be
//! called at any time (also after retirement).
//!
//! Revoking stops new registrations of the model with the dataset and fee raises of an
//! already registered model (the models pallet re-checks on `set_fee`); it does not
//! unregister the model. Whether settlements of a registered model continue is the
//! settlement side's choice: [`DatasetsInspect::model_permitted`] tells it whether the
//! dataset's current terms still permit the model (no approval needed, or one present).
//!
//! Models list datasets through [`tributary_primitives::traits::DatasetsInspect`], which
//! this pallet implements.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod impls;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame_support::traits::fungible;
use sp_core::H256;
use tributary_primitives::{ContributionId, ContributionRef, DatasetId, License, ModelId};

/// The balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Reasons for which this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The storage deposit of a dataset (its record and the owner's file), held from the
		/// owner until the dataset is retired.
		#[codec(index = 0)]
		DatasetDeposit,
		/// The storage deposit of a contribution, held from the contributor until released
		/// after the dataset's retirement.
		#[codec(index = 1)]
		ContributionDeposit,
		/// The storage deposit of an approval, held from the dataset's owner until the
		/// approval is revoked.
		#[codec(index = 2)]
		ApprovalDeposit,
	}

	/// Configuration of the datasets pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency in which deposits are held.
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The fixed part of a dataset's storage deposit.
		#[pallet::constant]
		type DatasetDeposit: Get<BalanceOf<Self>>;

		/// The fixed part of a contribution's storage deposit.
		#[pallet::constant]
		type ContributionDeposit: Get<BalanceOf<Self>>;

		/// The deposit held from a dataset's owner for each approval.
		#[pallet::constant]
		type ApprovalDeposit: Get<BalanceOf<Self>>;

		/// The deposit per stored byte of uri and metadata.
		#[pallet::constant]
		type DepositPerByte: Get<BalanceOf<Self>>;

		/// The maximum length in bytes of a uri.
		#[pallet::constant]
		type MaxUriLen: Get<u32>;

		/// The maximum length in bytes of a dataset's metadata.
		#[pallet::constant]
		type MaxMetadataLen: Get<u32>;

		/// The maximum number of contributions one dataset stores at a time (the owner's file
		/// included); withdrawn and removed contributions free their slot.
		#[pallet::constant]
		type MaxContributionsPerDataset: Get<u32>;

		/// Weight information for the pallet's dispatchables.
		type WeightInfo: WeightInfo;
	}

	/// The id the next registered dataset will get.
	#[pallet::storage]
	pub type NextDatasetId<T: Config> = StorageValue<_, DatasetId, ValueQuery>;

	/// Every registered dataset, retired or not.
	#[pallet::storage]
	pub type Datasets<T: Config> = StorageMap<_, Blake2_128Concat, DatasetId, DatasetInfoOf<T>>;

	/// Every contribution, by dataset and contribution id (contribution 0 is the owner's
	/// file).
	#[pallet::storage]
	pub type Contributions<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		DatasetId,
		Twox64Concat,
		ContributionId,
		ContributionInfoOf<T>,
	>;

	/// The stored contribution with each content hash (a hash belongs to at most one stored
	/// contribution, chain-wide). Keys are user-chosen, hence a hashing hasher.
	#[pallet::storage]
	pub type ContentHashes<T: Config> = StorageMap<_, Blake2_128Concat, H256, ContributionRef>;

	/// The approvals of each dataset's owner, by model id: who may register that model with
	/// the dataset, and the deposit held for the entry.
	#[pallet::storage]
	pub type Approvals<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, DatasetId, Twox64Concat, ModelId, ApprovalOf<T>>;

	/// Events of the datasets pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A dataset was registered; its owner's file is contribution 0.
		DatasetRegistered {
			/// The new dataset's id.
			dataset: DatasetId,
			/// Its owner.
			owner: T::AccountId,
			/// Blake2-256 hash of the owner's file.
			content_hash: H256,
		},
		/// A contribution was added to a dataset.
		ContributionAdded {
			/// The dataset.
			dataset: DatasetId,
			/// The new contribution's id within the dataset.
			contribution: ContributionId,
			/// The account paid for it.
			contributor: T::AccountId,
		},
		/// A dataset's license changed.
		LicenseChanged {
			/// The dataset.
			dataset: DatasetId,
			/// The new license.
			license: License,
		},
		/// A dataset was opened to anyone's contributions, or closed to all but its owner's.
		OpenChanged {
			/// The dataset.
			dataset: DatasetId,
			/// Whether it is now open.
			open: bool,
		},
		/// A dataset was retired; its owner's deposit was released.
		DatasetRetired {
			/// The dataset.
			dataset: DatasetId,
		},
		/// A dataset's owner approved a model to list the dataset.
		ModelApproved {
			/// The dataset.
			dataset: DatasetId,
			/// The approved model id.
			model: ModelId,
			/// The account that may register the model with the dataset.
			owner: T::AccountId,
		},
		/// A dataset's owner withdrew an approval.
		ApprovalRevoked {
			/// The dataset.
			dataset: DatasetId,
			/// The model id.
			model: ModelId,
		},
		/// A contributor withdrew a contribution; its deposit was released and its storage
		/// removed.
		ContributionWithdrawn {
			/// The dataset.
			dataset: DatasetId,
			/// The contribution.
			contribution: ContributionId,
			/// The contributor.
			contributor: T::AccountId,
			/// The released deposit.
			amount: BalanceOf<T>,
		},
		/// A dataset's owner removed a contribution; its deposit went back to the contributor
		/// and its storage was removed.
		ContributionRemoved {
			/// The dataset.
			dataset: DatasetId,
			/// The contribution.
			contribution: ContributionId,
			/// The contributor, whose deposit was released.
			contributor: T::AccountId,
			/// The released deposit.
			amount: BalanceOf<T>,
		},
		/// A contributor's deposit was released after the dataset's retirement (and the
		/// contribution's storage removed).
		DepositReleased {
			/// The dataset.
			dataset: DatasetId,
			/// The contribution.
			contribution: ContributionId,
			/// The contributor.
			contributor: T::AccountId,
			/// The released amount.
			amount: BalanceOf<T>,
		},
	}

	/// Errors of the datasets pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// This content hash is already registered (as a dataset or a contribution).
		DuplicateContent,
		/// No dataset has this id.
		UnknownDataset,
		/// The dataset has no contribution with this id.
		UnknownContribution,
		/// Only the dataset's owner may do this.
		NotOwner,
		/// Only the contribution's contributor may do this.
		NotContributor,
		/// The dataset is closed: only its owner may contribute.
		DatasetClosed,
		/// The dataset is retired.
		Retired,
		/// The dataset is not retired yet.
		NotRetired,
		/// The uri is longer than `MaxUriLen`.
		UriTooLong,
		/// The metadata is longer than `MaxMetadataLen`.
		MetadataTooLong,
		/// The uri is empty.
		EmptyUri,
		/// A contribution must declare at least one record.
		NoRecords,
		/// The dataset already stores `MaxContributionsPerDataset` contributions.
		TooManyContributions,
		/// The model is already approved for this dataset.
		AlreadyApproved,
		/// The model is not approved for this dataset.
		NotApproved,
		/// The free balance cannot cover the storage deposit.
		InsufficientBalance,
		/// The deposit was already released (or never held, for contribution 0). Kept for
		/// index stability; released contributions are now removed (`UnknownContribution`).
		DepositAlreadyReleased,
		/// The new value equals the current one.
		Unchanged,
		/// No more dataset ids.
		IdOverflow,
		/// Contribution 0 is the owner's file: it goes with the dataset (on retirement).
		OwnerFile,
		/// No more contribution ids in this dataset.
		ContributionIdOverflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxUriLen::get() > 0, "MaxUriLen must be positive");
			assert!(
				T::MaxContributionsPerDataset::get() > 0,
				"MaxContributionsPerDataset must leave room for the owner's file"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register a dataset from a file: `content_hash` is the blake2-256 hash of the file's
		/// bytes (registered once, chain-wide), `uri` where it can be fetched, `license` its
		/// terms and `metadata` free-form bytes (e.g. JSON). The file becomes contribution 0,
		/// declaring one record. The caller owns the dataset; the dataset starts open.
		///
		/// Holds `DatasetDeposit + DepositPerByte × (uri + metadata bytes)` from the caller
		/// until the dataset is retired. Emits `DatasetRegistered`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_dataset(uri.len() as u32, metadata.len() as u32))]
		pub fn register_dataset(
			origin: OriginFor<T>,
			content_hash: H256,
			uri: Vec<u8>,
			license: License,
			metadata: Vec<u8>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_register_dataset(owner, content_hash, uri, license, metadata)
		}

		/// Add a file of `records` records (blake2-256 `content_hash`, fetchable at `uri`) to
		/// `dataset`. Anyone may contribute to an open dataset; only its owner to a closed one.
		/// The caller is paid for the contribution.
		///
		/// Holds `ContributionDeposit + DepositPerByte × uri bytes` from the caller until the
		/// contribution is withdrawn, removed by the owner, or released after the dataset's
		/// retirement. Emits `ContributionAdded`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::add_contribution(uri.len() as u32))]
		pub fn add_contribution(
			origin: OriginFor<T>,
			dataset: DatasetId,
			content_hash: H256,
			records: u32,
			uri: Vec<u8>,
		) -> DispatchResult {
			let contributor = ensure_signed(origin)?;
			Self::do_add_contribution(contributor, dataset, content_hash, records, uri)
		}

		/// Change the license of a dataset the caller owns. Models already registered keep
		/// their permission; the new terms apply to later registrations and fee changes.
		/// Emits `LicenseChanged`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_license())]
		pub fn set_license(
			origin: OriginFor<T>,
			dataset: DatasetId,
			license: License,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_license(who, dataset, license)
		}

		/// Open a dataset the caller owns to anyone's contributions (`open = true`) or close
		/// it to all but the owner's. Emits `OpenChanged`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_open())]
		pub fn set_open(origin: OriginFor<T>, dataset: DatasetId, open: bool) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_open(who, dataset, open)
		}

		/// Retire a dataset the caller owns: no new contributions or models may use it.
		/// Releases the owner's deposit and removes what it paid for (contribution 0, its
		/// content hash entry, the uri and metadata); a fixed-size record of the dataset stays.
		/// Contributors then release theirs with `release_contribution_deposit`.
		/// Emits `DatasetRetired`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::retire_dataset())]
		pub fn retire_dataset(origin: OriginFor<T>, dataset: DatasetId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_retire_dataset(who, dataset)
		}

		/// Approve model id `model`, registered by `owner`, to list a dataset the caller owns
		/// (needed where the license has `requires_approval`). The model need not exist yet:
		/// a model owner learns the id their registration will get from the models pallet's
		/// `NextModelId`; only `owner` can register it with the dataset.
		///
		/// Holds `ApprovalDeposit` from the caller until the approval is revoked.
		/// Emits `ModelApproved`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::approve_model())]
		pub fn approve_model(
			origin: OriginFor<T>,
			dataset: DatasetId,
			model: ModelId,
			owner: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_approve_model(who, dataset, model, owner)
		}

		/// Withdraw the approval of model id `model` for a dataset the caller owns (also after
		/// retirement) and release its deposit. A model already registered stays registered;
		/// it can no longer raise its fee from zero, and `DatasetsInspect::model_permitted`
		/// reports it as no longer permitted. Emits `ApprovalRevoked`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::revoke_approval())]
		pub fn revoke_approval(
			origin: OriginFor<T>,
			dataset: DatasetId,
			model: ModelId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_revoke_approval(who, dataset, model)
		}

		/// Release the caller's deposit for `contribution` of a retired `dataset` and remove
		/// the contribution's storage. Emits `DepositReleased`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::release_contribution_deposit())]
		pub fn release_contribution_deposit(
			origin: OriginFor<T>,
			dataset: DatasetId,
			contribution: ContributionId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_release_contribution_deposit(who, dataset, contribution)
		}

		/// Withdraw the caller's `contribution` from `dataset` (retired or not): its deposit is
		/// released, its record and content hash entry are removed and its slot is free. It is
		/// in no later model's snapshot; models registered before keep theirs. Contribution 0
		/// (the owner's file) goes with the dataset instead. Emits `ContributionWithdrawn`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::withdraw_contribution())]
		pub fn withdraw_contribution(
			origin: OriginFor<T>,
			dataset: DatasetId,
			contribution: ContributionId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_contribution(who, dataset, contribution)
		}

		/// Remove `contribution` from a dataset the caller owns (curation): the deposit goes
		/// back to its contributor, its record and content hash entry are removed and its slot
		/// is free. Contribution 0 (the owner's file) goes with the dataset instead.
		/// Emits `ContributionRemoved`.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::remove_contribution())]
		pub fn remove_contribution(
			origin: OriginFor<T>,
			dataset: DatasetId,
			contribution: ContributionId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_contribution(who, dataset, contribution)
		}
	}
}
