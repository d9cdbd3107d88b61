//! The models pallet's logic: registration, updates, retirement, lineage and the
//! [`ModelsInspect`] implementation.

use alloc::vec::Vec;
use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	traits::{fungible::MutateHold, tokens::Precision, Get},
};
use sp_core::H256;
use sp_runtime::{
	traits::{Saturating, Zero},
	DispatchError,
};
use tributary_primitives::{
	traits::{ContributionShare, DatasetUseError, DatasetsInspect, ModelTerms, ModelsInspect},
	ContributionRef, DatasetId, ModelId, RewardSplit,
};

use crate::{
	BalanceOf, Config, DatasetsOf, Error, Event, HoldReason, LineageOf, ModelByArtifact, ModelInfo,
	Models, NextModelId, Pallet, SnapshotEntry, SnapshotEntryOf, Snapshots, UriOf,
	SNAPSHOT_ENTRY_BYTES,
};

impl<T: Config> Pallet<T> {
	/// The storage deposit for a model storing `uri_bytes` bytes of URIs:
	/// `ModelDeposit + DepositPerByte × uri_bytes` (saturating).
	pub fn deposit_for(uri_bytes: u32) -> BalanceOf<T> {
		T::DepositPerByte::get()
			.saturating_mul(uri_bytes.into())
			.saturating_add(T::ModelDeposit::get())
	}

	/// The storage deposit for a model storing `uri_bytes` bytes of URIs and a snapshot of
	/// `entries` entries: `deposit_for(uri_bytes + SNAPSHOT_ENTRY_BYTES × entries)`.
	pub fn deposit_with_snapshot(uri_bytes: u32, entries: u32) -> BalanceOf<T> {
		Self::deposit_for(uri_bytes.saturating_add(SNAPSHOT_ENTRY_BYTES.saturating_mul(entries)))
	}

	/// The fallback snapshot of `datasets`: every contribution they store now, with
	/// `min(declared, MaxRecordsPerContribution)` records, sorted by contribution. Reads at
	/// most `MaxSnapshotContributions + 1` contributions.
	pub(crate) fn build_snapshot(
		datasets: &[DatasetId],
	) -> Result<Vec<SnapshotEntryOf<T>>, DispatchError> {
		let max = T::MaxSnapshotContributions::get();
		let cap = T::MaxRecordsPerContribution::get();
		let mut out: Vec<SnapshotEntryOf<T>> = Vec::new();
		for d in datasets {
			let room = max.saturating_sub(out.len() as u32);
			let found = T::Datasets::live_contributions(*d, room.saturating_add(1));
			ensure!(found.len() as u32 <= room, Error::<T>::TooManySnapshotContributions);
			out.extend(found.into_iter().filter(|c| c.records > 0).map(|c| SnapshotEntry {
				contribution: c.contribution,
				contributor: c.contributor,
				records: c.records.min(cap),
			}));
		}
		out.sort_by_key(|e| e.contribution);
		out.dedup_by_key(|e| e.contribution);
		Ok(out)
	}

	/// Replace `model`'s stored snapshot (of `old_len` entries) with `entries`.
	pub(crate) fn store_snapshot(model: ModelId, old_len: u32, entries: &[SnapshotEntryOf<T>]) {
		for i in (entries.len() as u32)..old_len {
			Snapshots::<T>::remove(model, i);
		}
		for (i, e) in entries.iter().enumerate() {
			Snapshots::<T>::insert(model, i as u32, e);
		}
	}

	/// The sum of the entries' record counts.
	fn snapshot_records(entries: &[SnapshotEntryOf<T>]) -> u64 {
		entries.iter().fold(0u64, |acc, e| acc.saturating_add(e.records as u64))
	}

	/// The ancestors of `model`, nearest first: its base, the base's base, and so on.
	/// Empty for an unknown model or one without a base. At most `MaxLineageDepth` entries
	/// (registration refuses deeper lineages), so the walk is bounded.
	pub fn lineage(model: ModelId) -> LineageOf<T> {
		let mut out = LineageOf::<T>::new();
		let mut next = Models::<T>::get(model).and_then(|m| m.base);
		while let Some(id) = next {
			if out.try_push(id).is_err() {
				break;
			}
			next = Models::<T>::get(id).and_then(|m| m.base);
		}
		out
	}

	fn map_use_error(e: DatasetUseError) -> Error<T> {
		match e {
			DatasetUseError::UnknownDataset => Error::<T>::UnknownDataset,
			DatasetUseError::Retired => Error::<T>::DatasetRetired,
			DatasetUseError::NotApproved => Error::<T>::NotApproved,
			DatasetUseError::NonCommercial => Error::<T>::NonCommercialDataset,
		}
	}

	/// Every dataset must permit its use by `model` of `owner` (commercially when
	/// `commercial`).
	fn check_datasets(
		datasets: &[DatasetId],
		model: ModelId,
		owner: &T::AccountId,
		commercial: bool,
	) -> DispatchResult {
		for d in datasets {
			T::Datasets::check_model_use_by(*d, model, owner, commercial)
				.map_err(Self::map_use_error)?;
		}
		Ok(())
	}

	fn bounded_uri(uri: Vec<u8>) -> Result<UriOf<T>, DispatchError> {
		uri.try_into().map_err(|_| Error::<T>::UriTooLong.into())
	}

	/// Hold `new - old` more, or release `old - new`, of the owner's deposit.
	fn adjust_deposit(
		owner: &T::AccountId,
		old: BalanceOf<T>,
		new: BalanceOf<T>,
	) -> DispatchResult {
		let reason = HoldReason::ModelDeposit.into();
		if new > old {
			T::Currency::hold(&reason, owner, new.saturating_sub(old))
				.map_err(|_| Error::<T>::InsufficientBalance)?;
		} else if old > new {
			T::Currency::release(&reason, owner, old.saturating_sub(new), Precision::BestEffort)?;
		}
		Ok(())
	}

	/// Register a model; see [`Pallet::register_model`].
	#[allow(clippy::too_many_arguments)]
	pub(crate) fn do_register_model(
		owner: T::AccountId,
		artifact_hash: H256,
		uri: Vec<u8>,
		datasets: Vec<DatasetId>,
		base: Option<ModelId>,
		index_hash: H256,
		index_uri: Vec<u8>,
		fee: BalanceOf<T>,
		split: RewardSplit,
	) -> DispatchResult {
		ensure!(split.is_complete(), Error::<T>::InvalidSplit);
		ensure!(
			split.contributors >= T::MinContributorsShare::get(),
			Error::<T>::ContributorsShareTooLow
		);
		ensure!(!datasets.is_empty(), Error::<T>::NoDatasets);
		let datasets: DatasetsOf<T> =
			datasets.try_into().map_err(|_| Error::<T>::TooManyDatasets)?;
		let mut sorted: Vec<DatasetId> = datasets.to_vec();
		sorted.sort_unstable();
		ensure!(sorted.windows(2).all(|w| w[0] != w[1]), Error::<T>::DuplicateDataset);
		let uri = Self::bounded_uri(uri)?;
		let index_uri = Self::bounded_uri(index_uri)?;
		ensure!(!index_uri.is_empty(), Error::<T>::EmptyIndexUri);

		let model = NextModelId::<T>::get();
		let next = model.checked_add(1).ok_or(Error::<T>::ModelIdOverflow)?;
		Self::check_datasets(&datasets, model, &owner, !fee.is_zero())?;

		let depth = match base {
			None => 0,
			Some(b) => {
				let base_info = Models::<T>::get(b).ok_or(Error::<T>::UnknownBaseModel)?;
				ensure!(base_info.depth < T::MaxLineageDepth::get(), Error::<T>::LineageTooDeep);
				base_info.depth.saturating_add(1)
			}
		};
		ensure!(!ModelByArtifact::<T>::contains_key(artifact_hash), Error::<T>::DuplicateArtifact);
		let snapshot = Self::build_snapshot(&datasets)?;

		let deposit = Self::deposit_with_snapshot(
			(uri.len() as u32).saturating_add(index_uri.len() as u32),
			snapshot.len() as u32,
		);
		T::Currency::hold(&HoldReason::ModelDeposit.into(), &owner, deposit)
			.map_err(|_| Error::<T>::InsufficientBalance)?;

		Models::<T>::insert(
			model,
			ModelInfo {
				owner: owner.clone(),
				artifact_hash,
				uri,
				datasets,
				base,
				depth,
				index_hash,
				index_uri,
				fee,
				split,
				deposit,
				retired: false,
				snapshot_len: snapshot.len() as u32,
				snapshot_records: Self::snapshot_records(&snapshot),
			},
		);
		Self::store_snapshot(model, 0, &snapshot);
		ModelByArtifact::<T>::insert(artifact_hash, model);
		NextModelId::<T>::put(next);
		Self::deposit_event(Event::ModelRegistered { model, owner });
		Ok(())
	}

	/// Set a model's fee; see [`Pallet::set_fee`].
	pub(crate) fn do_set_fee(
		who: T::AccountId,
		model: ModelId,
		fee: BalanceOf<T>,
	) -> DispatchResult {
		Models::<T>::try_mutate(model, |m| {
			let info = m.as_mut().ok_or(Error::<T>::UnknownModel)?;
			ensure!(info.owner == who, Error::<T>::NotOwner);
			ensure!(!info.retired, Error::<T>::Retired);
			if !fee.is_zero() {
				// Licences can change after registration: re-check commercial use. Any
				// failure (a dataset retired or no longer permitting the use) blocks a fee.
				Self::check_datasets(&info.datasets, model, &info.owner, true)?;
			}
			info.fee = fee;
			Ok::<_, DispatchError>(())
		})?;
		Self::deposit_event(Event::FeeSet { model, fee });
		Ok(())
	}

	/// Replace a model's index commitment; see [`Pallet::set_index`].
	pub(crate) fn do_set_index(
		who: T::AccountId,
		model: ModelId,
		index_hash: H256,
		index_uri: Vec<u8>,
	) -> DispatchResult {
		Models::<T>::try_mutate(model, |m| {
			let info = m.as_mut().ok_or(Error::<T>::UnknownModel)?;
			ensure!(info.owner == who, Error::<T>::NotOwner);
			ensure!(!info.retired, Error::<T>::Retired);
			let index_uri = Self::bounded_uri(index_uri)?;
			ensure!(!index_uri.is_empty(), Error::<T>::EmptyIndexUri);
			let snapshot = Self::build_snapshot(&info.datasets)?;
			let deposit = Self::deposit_with_snapshot(
				(info.uri.len() as u32).saturating_add(index_uri.len() as u32),
				snapshot.len() as u32,
			);
			Self::adjust_deposit(&who, info.deposit, deposit)?;
			Self::store_snapshot(model, info.snapshot_len, &snapshot);
			info.snapshot_len = snapshot.len() as u32;
			info.snapshot_records = Self::snapshot_records(&snapshot);
			info.deposit = deposit;
			info.index_hash = index_hash;
			info.index_uri = index_uri;
			Ok::<_, DispatchError>(())
		})?;
		Self::deposit_event(Event::IndexUpdated { model, index_hash });
		Ok(())
	}

	/// Retire a model; see [`Pallet::retire_model`].
	pub(crate) fn do_retire_model(who: T::AccountId, model: ModelId) -> DispatchResult {
		Models::<T>::try_mutate(model, |m| {
			let info = m.as_mut().ok_or(Error::<T>::UnknownModel)?;
			ensure!(info.owner == who, Error::<T>::NotOwner);
			ensure!(!info.retired, Error::<T>::Retired);
			T::Currency::release(
				&HoldReason::ModelDeposit.into(),
				&who,
				info.deposit,
				Precision::BestEffort,
			)?;
			info.deposit = Zero::zero();
			info.retired = true;
			Ok::<_, DispatchError>(())
		})?;
		Self::deposit_event(Event::ModelRetired { model });
		Ok(())
	}

	/// Check the pallet's invariants:
	/// - every model id is below `NextModelId`, and the artifact index maps both ways;
	/// - every model has 1..=`MaxDatasetsPerModel` distinct datasets, a complete split with the
	///   contributors' part ≥ `MinContributorsShare`, a non-empty index URI;
	/// - a base is an earlier model and `depth` = base's depth + 1 ≤ `MaxLineageDepth`;
	/// - live models hold exactly `deposit_with_snapshot(uri bytes, snapshot_len)`, retired ones
	///   hold nothing, and each owner's `ModelDeposit` hold equals the sum of their models'
	///   deposits;
	/// - each snapshot has exactly entries `0..snapshot_len` ≤ `MaxSnapshotContributions`,
	///   strictly sorted by contribution, of the model's datasets, records in
	///   `1..=MaxRecordsPerContribution` summing to `snapshot_records`; no snapshot entry
	///   belongs to an unknown model.
	#[cfg(any(feature = "try-runtime", feature = "std", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use frame_support::traits::fungible::InspectHold;
		let next = NextModelId::<T>::get();
		let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut count: u32 = 0;
		for (id, m) in Models::<T>::iter() {
			count = count.saturating_add(1);
			ensure!(id < next, "model id not below NextModelId");
			ensure!(
				ModelByArtifact::<T>::get(m.artifact_hash) == Some(id),
				"artifact index does not point at the model"
			);
			ensure!(!m.datasets.is_empty(), "model without datasets");
			let mut sorted = m.datasets.to_vec();
			sorted.sort_unstable();
			ensure!(sorted.windows(2).all(|w| w[0] != w[1]), "duplicate dataset");
			ensure!(m.split.is_complete(), "incomplete split");
			ensure!(
				m.split.contributors >= T::MinContributorsShare::get(),
				"contributors' share below minimum"
			);
			ensure!(!m.index_uri.is_empty(), "empty index uri");
			match m.base {
				None => ensure!(m.depth == 0, "depth without base"),
				Some(b) => {
					ensure!(b < id, "base is not an earlier model");
					let base = Models::<T>::get(b).ok_or("unknown base model")?;
					ensure!(m.depth == base.depth.saturating_add(1), "wrong lineage depth");
				}
			}
			ensure!(m.depth <= T::MaxLineageDepth::get(), "lineage too deep");
			if m.retired {
				ensure!(m.deposit.is_zero(), "retired model still has a deposit");
			} else {
				let expected = Self::deposit_with_snapshot(
					(m.uri.len() as u32).saturating_add(m.index_uri.len() as u32),
					m.snapshot_len,
				);
				ensure!(m.deposit == expected, "deposit does not match the stored bytes");
			}
			ensure!(m.snapshot_len <= T::MaxSnapshotContributions::get(), "snapshot too long");
			ensure!(
				Snapshots::<T>::iter_prefix(id).count() as u32 == m.snapshot_len,
				"snapshot length mismatch"
			);
			let mut previous: Option<ContributionRef> = None;
			let mut records = 0u64;
			for i in 0..m.snapshot_len {
				let e = Snapshots::<T>::get(id, i).ok_or("snapshot entry missing")?;
				ensure!(previous.is_none_or(|p| p < e.contribution), "snapshot not sorted");
				ensure!(
					m.datasets.contains(&e.contribution.dataset),
					"snapshot entry not in model"
				);
				ensure!(
					e.records > 0 && e.records <= T::MaxRecordsPerContribution::get(),
					"snapshot records out of range"
				);
				previous = Some(e.contribution);
				records = records.saturating_add(e.records as u64);
			}
			ensure!(records == m.snapshot_records, "snapshot record total mismatch");
			let entry = held.entry(m.owner.clone()).or_default();
			*entry = entry.saturating_add(m.deposit);
		}
		ensure!(count == ModelByArtifact::<T>::iter().count() as u32, "stray artifact entries");
		for (id, _) in Snapshots::<T>::iter_keys() {
			ensure!(Models::<T>::contains_key(id), "snapshot of an unknown model");
		}
		for (owner, total) in held {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::ModelDeposit.into(), &owner) == total,
				"held deposit differs from the models' deposits"
			);
		}
		Ok(())
	}
}

impl<T: Config> ModelsInspect<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn model(model: ModelId) -> Option<ModelTerms<T::AccountId, BalanceOf<T>>> {
		Models::<T>::get(model).map(|m| ModelTerms {
			owner: m.owner,
			fee: m.fee,
			split: m.split,
			datasets: m.datasets.into_inner(),
			base: m.base,
			index_hash: m.index_hash,
			index_uri: m.index_uri.into_inner(),
			retired: m.retired,
		})
	}

	fn fallback_len(model: ModelId) -> u32 {
		Models::<T>::get(model).map(|m| m.snapshot_len).unwrap_or(0)
	}

	fn fallback_total_records(model: ModelId) -> u64 {
		Models::<T>::get(model).map(|m| m.snapshot_records).unwrap_or(0)
	}

	fn fallback_shares(
		model: ModelId,
		start: u32,
		limit: u32,
	) -> Vec<ContributionShare<T::AccountId>> {
		let len = Self::fallback_len(model);
		(start..start.saturating_add(limit).min(len))
			.filter_map(|i| Snapshots::<T>::get(model, i))
			.map(|e| ContributionShare {
				contribution: e.contribution,
				contributor: e.contributor,
				records: e.records,
			})
			.collect()
	}

	fn snapshot_contribution(
		model: ModelId,
		contribution: ContributionRef,
	) -> Option<ContributionShare<T::AccountId>> {
		// Binary search over the sorted entries: at most ⌈log2(len)⌉ + 1 reads.
		let (mut lo, mut hi) = (0u32, Self::fallback_len(model));
		while lo < hi {
			let mid = lo + (hi - lo) / 2;
			let e = Snapshots::<T>::get(model, mid)?;
			match e.contribution.cmp(&contribution) {
				core::cmp::Ordering::Less => lo = mid + 1,
				core::cmp::Ordering::Greater => hi = mid,
				core::cmp::Ordering::Equal => {
					return Some(ContributionShare {
						contribution: e.contribution,
						contributor: e.contributor,
						records: e.records,
					})
				}
			}
		}
		None
	}
}
