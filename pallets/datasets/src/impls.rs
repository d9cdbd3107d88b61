//! The datasets pallet's logic: registration, contributions, settings, retirement, deposits,
//! and the [`DatasetsInspect`] implementation other pallets read datasets through.

use alloc::vec::Vec;
use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	traits::{fungible::MutateHold, tokens::Precision, Get},
};
use sp_core::H256;
use sp_runtime::traits::{Saturating, Zero};
use tributary_primitives::{
	traits::{ContributionShare, DatasetUseError, DatasetsInspect},
	ContributionId, ContributionRef, DatasetId, License, ModelId,
};

use crate::{
	Approvals, BalanceOf, Config, ContentHashes, ContributionInfo, Contributions, DatasetInfo,
	DatasetInfoOf, Datasets, Error, Event, HoldReason, MetadataOf, NextDatasetId, Pallet, UriOf,
};

impl<T: Config> Pallet<T> {
	/// The storage deposit of a dataset storing `bytes` bytes of uri and metadata:
	/// `DatasetDeposit + DepositPerByte × bytes` (saturating).
	pub fn dataset_deposit(bytes: u32) -> BalanceOf<T> {
		T::DepositPerByte::get()
			.saturating_mul(bytes.into())
			.saturating_add(T::DatasetDeposit::get())
	}

	/// The storage deposit of a contribution storing `bytes` bytes of uri:
	/// `ContributionDeposit + DepositPerByte × bytes` (saturating).
	pub fn contribution_deposit(bytes: u32) -> BalanceOf<T> {
		T::DepositPerByte::get()
			.saturating_mul(bytes.into())
			.saturating_add(T::ContributionDeposit::get())
	}

	/// A non-empty uri within `MaxUriLen`.
	fn bounded_uri(uri: Vec<u8>) -> Result<UriOf<T>, Error<T>> {
		ensure!(!uri.is_empty(), Error::<T>::EmptyUri);
		uri.try_into().map_err(|_| Error::<T>::UriTooLong)
	}

	/// The dataset `dataset`, which `who` must own.
	fn owned_dataset(who: &T::AccountId, dataset: DatasetId) -> Result<DatasetInfoOf<T>, Error<T>> {
		let info = Datasets::<T>::get(dataset).ok_or(Error::<T>::UnknownDataset)?;
		ensure!(&info.owner == who, Error::<T>::NotOwner);
		Ok(info)
	}

	/// Holds `amount` from `who` for `reason`; a shortfall is `InsufficientBalance`.
	fn hold(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::Currency::hold(&reason.into(), who, amount)
			.map_err(|_| Error::<T>::InsufficientBalance.into())
	}

	/// Releases exactly `amount` held from `who` for `reason`.
	fn release(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::Currency::release(&reason.into(), who, amount, Precision::Exact).map(|_| ())
	}

	pub(crate) fn do_register_dataset(
		owner: T::AccountId,
		content_hash: H256,
		uri: Vec<u8>,
		license: License,
		metadata: Vec<u8>,
	) -> DispatchResult {
		let uri = Self::bounded_uri(uri)?;
		let metadata: MetadataOf<T> =
			metadata.try_into().map_err(|_| Error::<T>::MetadataTooLong)?;
		ensure!(!ContentHashes::<T>::contains_key(content_hash), Error::<T>::DuplicateContent);
		let dataset = NextDatasetId::<T>::get();
		let next = dataset.checked_add(1).ok_or(Error::<T>::IdOverflow)?;

		let bytes = (uri.len() as u32).saturating_add(metadata.len() as u32);
		let deposit = Self::dataset_deposit(bytes);
		Self::hold(HoldReason::DatasetDeposit, &owner, deposit)?;

		Contributions::<T>::insert(
			dataset,
			0,
			ContributionInfo {
				contributor: owner.clone(),
				content_hash,
				records: 1,
				uri: uri.clone(),
				deposit: Zero::zero(),
			},
		);
		Datasets::<T>::insert(
			dataset,
			DatasetInfo {
				owner: owner.clone(),
				content_hash,
				uri,
				license,
				metadata,
				open: true,
				retired: false,
				contribution_count: 1,
				deposit,
				created_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		ContentHashes::<T>::insert(content_hash, ContributionRef::new(dataset, 0));
		NextDatasetId::<T>::put(next);
		Self::deposit_event(Event::DatasetRegistered { dataset, owner, content_hash });
		Ok(())
	}

	pub(crate) fn do_add_contribution(
		contributor: T::AccountId,
		dataset: DatasetId,
		content_hash: H256,
		records: u32,
		uri: Vec<u8>,
	) -> DispatchResult {
		let uri = Self::bounded_uri(uri)?;
		ensure!(records > 0, Error::<T>::NoRecords);
		let mut info = Datasets::<T>::get(dataset).ok_or(Error::<T>::UnknownDataset)?;
		ensure!(!info.retired, Error::<T>::Retired);
		ensure!(info.open || info.owner == contributor, Error::<T>::DatasetClosed);
		ensure!(
			info.contribution_count < T::MaxContributionsPerDataset::get(),
			Error::<T>::TooManyContributions
		);
		ensure!(!ContentHashes::<T>::contains_key(content_hash), Error::<T>::DuplicateContent);

		let deposit = Self::contribution_deposit(uri.len() as u32);
		Self::hold(HoldReason::ContributionDeposit, &contributor, deposit)?;

		let contribution = info.contribution_count;
		info.contribution_count = contribution.saturating_add(1);
		Contributions::<T>::insert(
			dataset,
			contribution,
			ContributionInfo {
				contributor: contributor.clone(),
				content_hash,
				records,
				uri,
				deposit,
			},
		);
		Datasets::<T>::insert(dataset, info);
		ContentHashes::<T>::insert(content_hash, ContributionRef::new(dataset, contribution));
		Self::deposit_event(Event::ContributionAdded { dataset, contribution, contributor });
		Ok(())
	}

	pub(crate) fn do_set_license(
		who: T::AccountId,
		dataset: DatasetId,
		license: License,
	) -> DispatchResult {
		let mut info = Self::owned_dataset(&who, dataset)?;
		ensure!(!info.retired, Error::<T>::Retired);
		ensure!(info.license != license, Error::<T>::Unchanged);
		info.license = license;
		Datasets::<T>::insert(dataset, info);
		Self::deposit_event(Event::LicenseChanged { dataset, license });
		Ok(())
	}

	pub(crate) fn do_set_open(who: T::AccountId, dataset: DatasetId, open: bool) -> DispatchResult {
		let mut info = Self::owned_dataset(&who, dataset)?;
		ensure!(!info.retired, Error::<T>::Retired);
		ensure!(info.open != open, Error::<T>::Unchanged);
		info.open = open;
		Datasets::<T>::insert(dataset, info);
		Self::deposit_event(Event::OpenChanged { dataset, open });
		Ok(())
	}

	pub(crate) fn do_retire_dataset(who: T::AccountId, dataset: DatasetId) -> DispatchResult {
		let mut info = Self::owned_dataset(&who, dataset)?;
		ensure!(!info.retired, Error::<T>::Retired);
		Self::release(HoldReason::DatasetDeposit, &who, info.deposit)?;
		info.deposit = Zero::zero();
		info.retired = true;
		Datasets::<T>::insert(dataset, info);
		Self::deposit_event(Event::DatasetRetired { dataset });
		Ok(())
	}

	pub(crate) fn do_approve_model(
		who: T::AccountId,
		dataset: DatasetId,
		model: ModelId,
	) -> DispatchResult {
		let info = Self::owned_dataset(&who, dataset)?;
		ensure!(!info.retired, Error::<T>::Retired);
		ensure!(!Approvals::<T>::contains_key(dataset, model), Error::<T>::AlreadyApproved);
		Approvals::<T>::insert(dataset, model, ());
		Self::deposit_event(Event::ModelApproved { dataset, model });
		Ok(())
	}

	pub(crate) fn do_revoke_approval(
		who: T::AccountId,
		dataset: DatasetId,
		model: ModelId,
	) -> DispatchResult {
		Self::owned_dataset(&who, dataset)?;
		ensure!(Approvals::<T>::contains_key(dataset, model), Error::<T>::NotApproved);
		Approvals::<T>::remove(dataset, model);
		Self::deposit_event(Event::ApprovalRevoked { dataset, model });
		Ok(())
	}

	pub(crate) fn do_release_contribution_deposit(
		who: T::AccountId,
		dataset: DatasetId,
		contribution: ContributionId,
	) -> DispatchResult {
		let info = Datasets::<T>::get(dataset).ok_or(Error::<T>::UnknownDataset)?;
		let mut item = Contributions::<T>::get(dataset, contribution)
			.ok_or(Error::<T>::UnknownContribution)?;
		ensure!(item.contributor == who, Error::<T>::NotContributor);
		ensure!(info.retired, Error::<T>::NotRetired);
		ensure!(!item.deposit.is_zero(), Error::<T>::DepositAlreadyReleased);
		let amount = item.deposit;
		Self::release(HoldReason::ContributionDeposit, &who, amount)?;
		item.deposit = Zero::zero();
		Contributions::<T>::insert(dataset, contribution, item);
		Self::deposit_event(Event::DepositReleased {
			dataset,
			contribution,
			contributor: who,
			amount,
		});
		Ok(())
	}

	/// Checks the pallet's invariants:
	/// - every dataset has exactly `contribution_count` contributions, ids `0..count`;
	/// - every content hash maps to the contribution that stores it, and back;
	/// - contribution 0 is the owner's file, holding no deposit of its own;
	/// - retired datasets hold no deposit; live ones hold the deposit their bytes require;
	/// - each account's held balance per reason equals the deposits recorded for it;
	/// - no dataset id at or above `NextDatasetId`; no approval for an unknown dataset.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use frame_support::traits::fungible::InspectHold;

		let next = NextDatasetId::<T>::get();
		let mut held: BTreeMap<(T::AccountId, u8), BalanceOf<T>> = BTreeMap::new();
		let mut contributions = 0u64;
		for (id, info) in Datasets::<T>::iter() {
			ensure!(id < next, "dataset id at or above NextDatasetId");
			let stored = Contributions::<T>::iter_prefix(id).count() as u64;
			ensure!(stored == info.contribution_count as u64, "contribution count mismatch");
			contributions = contributions.saturating_add(stored);
			let first = Contributions::<T>::get(id, 0).ok_or("dataset without contribution 0")?;
			ensure!(first.contributor == info.owner, "contribution 0 is not the owner's");
			ensure!(first.content_hash == info.content_hash, "contribution 0 hash mismatch");
			ensure!(first.deposit.is_zero(), "contribution 0 holds a deposit of its own");
			if info.retired {
				ensure!(info.deposit.is_zero(), "retired dataset still holds a deposit");
			} else {
				let bytes = (info.uri.len() as u32).saturating_add(info.metadata.len() as u32);
				ensure!(info.deposit == Self::dataset_deposit(bytes), "dataset deposit mismatch");
			}
			let e = held.entry((info.owner.clone(), 0)).or_insert_with(Zero::zero);
			*e = e.saturating_add(info.deposit);
			for (cid, item) in Contributions::<T>::iter_prefix(id) {
				ensure!(cid < info.contribution_count, "contribution id out of range");
				ensure!(
					ContentHashes::<T>::get(item.content_hash)
						== Some(ContributionRef::new(id, cid)),
					"content hash index mismatch"
				);
				let e = held.entry((item.contributor.clone(), 1)).or_insert_with(Zero::zero);
				*e = e.saturating_add(item.deposit);
			}
		}
		ensure!(
			ContentHashes::<T>::iter().count() as u64 == contributions,
			"content hash index has entries without contributions"
		);
		for (dataset, _, _) in Approvals::<T>::iter() {
			ensure!(Datasets::<T>::contains_key(dataset), "approval for an unknown dataset");
		}
		for ((who, reason), amount) in held {
			let reason = if reason == 0 {
				HoldReason::DatasetDeposit
			} else {
				HoldReason::ContributionDeposit
			};
			ensure!(
				T::Currency::balance_on_hold(&reason.into(), &who) == amount,
				"held balance differs from recorded deposits"
			);
		}
		Ok(())
	}
}

impl<T: Config> DatasetsInspect<T::AccountId> for Pallet<T> {
	fn check_model_use(
		dataset: DatasetId,
		model: ModelId,
		commercial: bool,
	) -> Result<(), DatasetUseError> {
		let info = Datasets::<T>::get(dataset).ok_or(DatasetUseError::UnknownDataset)?;
		if info.retired {
			return Err(DatasetUseError::Retired);
		}
		if commercial && !info.license.commercial {
			return Err(DatasetUseError::NonCommercial);
		}
		if info.license.requires_approval && !Approvals::<T>::contains_key(dataset, model) {
			return Err(DatasetUseError::NotApproved);
		}
		Ok(())
	}

	fn dataset_owner(dataset: DatasetId) -> Option<T::AccountId> {
		Datasets::<T>::get(dataset).map(|d| d.owner)
	}

	fn contribution(contribution: ContributionRef) -> Option<(T::AccountId, u32)> {
		Contributions::<T>::get(contribution.dataset, contribution.contribution)
			.map(|c| (c.contributor, c.records))
	}

	fn contributions(dataset: DatasetId, limit: u32) -> Vec<ContributionShare<T::AccountId>> {
		let count = Datasets::<T>::get(dataset).map(|d| d.contribution_count).unwrap_or(0);
		(0..count.min(limit))
			.filter_map(|id| {
				Contributions::<T>::get(dataset, id).map(|c| ContributionShare {
					contribution: ContributionRef::new(dataset, id),
					contributor: c.contributor,
					records: c.records,
				})
			})
			.collect()
	}

	fn contribution_count(dataset: DatasetId) -> ContributionId {
		Datasets::<T>::get(dataset).map(|d| d.contribution_count).unwrap_or(0)
	}
}
