//! `Datasets`: the dataset registry and its storage deposits.

use frame_support::{parameter_types, traits::ConstU32};

use crate::{Balance, Balances, Runtime, RuntimeHoldReason, MILLI_UNIT, UNIT};

parameter_types! {
	/// Held from a dataset's owner while the dataset lives (plus the per-byte part).
	pub const DatasetDeposit: Balance = UNIT;
	/// Held from a contributor for each contribution (plus the per-byte part).
	pub const ContributionDeposit: Balance = 100 * MILLI_UNIT;
	/// Held per byte of stored uri and metadata.
	pub const DepositPerByte: Balance = MILLI_UNIT;
	/// Held from a dataset's owner for each approval it gives, until revoked.
	pub const ApprovalDeposit: Balance = 100 * MILLI_UNIT;
}

impl pallet_datasets::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type DatasetDeposit = DatasetDeposit;
	type ContributionDeposit = ContributionDeposit;
	type DepositPerByte = DepositPerByte;
	type ApprovalDeposit = ApprovalDeposit;
	type MaxUriLen = ConstU32<256>;
	type MaxMetadataLen = ConstU32<1024>;
	type MaxContributionsPerDataset = ConstU32<1000>;
	type WeightInfo = pallet_datasets::weights::SubstrateWeight<Runtime>;
}
