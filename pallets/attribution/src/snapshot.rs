//! Lookups in a model's snapshot of contributions, remembered for one call.
//!
//! Every reveal of a batch names contributions of the batch's model, mostly the same ones
//! (the training data most influential on that model's queries). A lookup in the snapshot
//! costs storage reads; a batch reads each distinct contribution once and is charged for each
//! distinct contribution (see [`crate::Pallet::settling_weight`]). The snapshot cannot change
//! during a call of this pallet, so a remembered entry is the stored one.

use alloc::collections::btree_map::BTreeMap;
use tributary_primitives::{traits::ModelsInspect, ContributionRef, ModelId};

use crate::Config;

/// The snapshot entries of one model looked up so far: the account each contribution pays.
pub(crate) struct SnapshotCache<T: Config> {
	model: Option<ModelId>,
	contributors: BTreeMap<ContributionRef, T::AccountId>,
}

impl<T: Config> Default for SnapshotCache<T> {
	fn default() -> Self {
		Self { model: None, contributors: BTreeMap::new() }
	}
}

impl<T: Config> SnapshotCache<T> {
	/// The account `model`'s snapshot pays for `contribution`, if the snapshot holds it.
	/// Remembers the entries of one model (the first one asked for); others are read each
	/// time.
	pub(crate) fn contributor(
		&mut self,
		model: ModelId,
		contribution: ContributionRef,
	) -> Option<T::AccountId> {
		let remembered = *self.model.get_or_insert(model) == model;
		if remembered {
			if let Some(account) = self.contributors.get(&contribution) {
				return Some(account.clone());
			}
		}
		let account = T::Models::snapshot_contribution(model, contribution)?.contributor;
		if remembered {
			self.contributors.insert(contribution, account.clone());
		}
		Some(account)
	}
}
