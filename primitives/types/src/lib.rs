//! Tributary primitives: the ids, shared structs and cross-pallet traits that the runtime's
//! pallets, the node and the clients agree on.
//!
//! Pallets never read each other's storage: they talk through the small traits in
//! [`traits`], implemented by the owning pallet and wired together in the runtime.

#![cfg_attr(not(feature = "std"), no_std)]

pub mod attestor;
pub mod traits;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{PerThing, Perbill};

pub use sp_core::H256;

/// Identifier of a dataset ("datanet"), assigned sequentially from 0.
pub type DatasetId = u32;

/// Identifier of a contribution inside its dataset, assigned sequentially from 0 per dataset.
/// Contribution 0 is the file the dataset's owner registered it with.
pub type ContributionId = u32;

/// Identifier of a registered model, assigned sequentially from 0.
pub type ModelId = u32;

/// Identifier of a settled (or pending) inference, assigned sequentially from 0.
pub type InferenceId = u64;

/// A chain-wide reference to one contribution: `dataset:contribution` in the engine's CSV files.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct ContributionRef {
	/// The dataset the contribution belongs to.
	pub dataset: DatasetId,
	/// The contribution's id inside that dataset.
	pub contribution: ContributionId,
}

impl ContributionRef {
	/// A reference to `contribution` of `dataset`.
	pub const fn new(dataset: DatasetId, contribution: ContributionId) -> Self {
		Self { dataset, contribution }
	}
}

/// The terms under which a dataset may be used to train models that earn on-chain.
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
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct License {
	/// Models trained on the data may charge fees (be used commercially).
	pub commercial: bool,
	/// Each model must be approved by the dataset's owner (`approve_model`) before it may
	/// list the dataset.
	pub requires_approval: bool,
}

/// How a model's per-inference fee is divided. The three parts sum to exactly 100%; the
/// protocol's cut is taken before this split.
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
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct RewardSplit {
	/// The model owner's part.
	pub model_owner: Perbill,
	/// The part shared by the model's stakers (reward-per-share accumulator).
	pub stakers: Perbill,
	/// The part shared by the data contributors, by influence.
	pub contributors: Perbill,
}

impl RewardSplit {
	/// Whether the three parts add up to exactly 100%.
	pub fn is_complete(&self) -> bool {
		let total = (self.model_owner.deconstruct() as u64)
			.saturating_add(self.stakers.deconstruct() as u64)
			.saturating_add(self.contributors.deconstruct() as u64);
		total == Perbill::ACCURACY as u64
	}
}

/// What a stake is placed on.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum StakeTarget {
	/// A registered model.
	Model(ModelId),
	/// A registered dataset.
	Dataset(DatasetId),
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn split_must_sum_to_exactly_one_hundred_percent() {
		let full = RewardSplit {
			model_owner: Perbill::from_percent(20),
			stakers: Perbill::from_percent(10),
			contributors: Perbill::from_percent(70),
		};
		assert!(full.is_complete());
		let short = RewardSplit { contributors: Perbill::from_parts(699_999_999), ..full };
		assert!(!short.is_complete());
		let over = RewardSplit { model_owner: Perbill::one(), ..full };
		assert!(!over.is_complete());
	}

	#[test]
	fn contribution_ref_orders_by_dataset_then_contribution() {
		let mut refs = vec![
			ContributionRef::new(2, 0),
			ContributionRef::new(1, 5),
			ContributionRef::new(1, 2),
		];
		refs.sort();
		assert_eq!(
			refs,
			vec![
				ContributionRef::new(1, 2),
				ContributionRef::new(1, 5),
				ContributionRef::new(2, 0)
			]
		);
	}
}
