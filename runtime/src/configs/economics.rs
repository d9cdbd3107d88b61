//! The economics: `Models`, `Stake` and `Attribution`, and the accounts they pay through.

use frame_support::{
	parameter_types,
	traits::{ConstU32, Get},
	PalletId,
};
use frame_system::EnsureRoot;
use sp_runtime::{traits::AccountIdConversion, Perbill};

use crate::{
	AccountId, Balance, Balances, BlockNumber, Datasets, Models, Runtime, RuntimeHoldReason, Stake,
	MILLI_UNIT, MINUTES, UNIT,
};

/// The most contributions a model's snapshot holds: the models pallet's bound and the number
/// the attribution pallet pays on timeout (and its benchmarks look contributions up in).
pub const MAX_SNAPSHOT_CONTRIBUTIONS: u32 = 256;

parameter_types! {
	/// The escrow of pending inference fees.
	pub const AttributionPalletId: PalletId = PalletId(*b"trb/attr");
	/// The stakers' reward pot.
	pub const StakePalletId: PalletId = PalletId(*b"trb/stak");
	/// The protocol's treasury: its cut of each fee, rounding dust, slashed bonds.
	pub const ProtocolPalletId: PalletId = PalletId(*b"trb/prot");

	/// Held from a model's owner while the model lives (plus the per-byte part).
	pub const ModelDeposit: Balance = UNIT;
	/// Held per byte of a model's stored URIs.
	pub const ModelDepositPerByte: Balance = MILLI_UNIT;
	/// A model must leave at least half of each fee to its data contributors.
	pub const MinContributorsShare: Perbill = Perbill::from_percent(50);

	/// The smallest stake on a model or dataset.
	pub const MinStake: Balance = UNIT;
	/// The smallest attestor bond.
	pub const MinAttestorBond: Balance = 100 * UNIT;
	/// New stake earns only after an hour: just-in-time stake before a large settlement
	/// earns nothing from it.
	pub const StakeWarmup: BlockNumber = 60 * MINUTES;
	/// Unbonding funds stay held (and slashable) for a day.
	pub const UnbondingPeriod: BlockNumber = 24 * 60 * MINUTES;

	/// The protocol's cut of each fee.
	pub const ProtocolShare: Perbill = Perbill::from_percent(5);
	/// The part of the protocol's cut paid to the attestors of a winning quorum.
	pub const AttestorRewardShare: Perbill = Perbill::from_percent(50);
	/// The part of a model owner's share paid to the owner of its base model.
	pub const LineageShare: Perbill = Perbill::from_percent(10);
	/// Blocks an inference waits for an attribution quorum: ten minutes.
	pub const AttributionTimeout: BlockNumber = 10 * MINUTES;
	/// Reveals open at the latest two blocks after payment, even without a full quorum of
	/// commitments (a quorum of commitments opens them at once).
	pub const CommitWindow: BlockNumber = 2;
	/// Attestors' commit and reveal transactions live eight blocks in the pool.
	pub const SubmissionLongevity: u64 = 8;
	/// Attestations go before ordinary transactions.
	pub const AttestationPriority: u64 = u64::MAX / 2;
	/// A revealed result that differs from the settled quorum's costs a tenth of the bond.
	pub const DissentSlash: Perbill = Perbill::from_percent(10);
	/// Half of the stakers' part of a fee goes to the stakers of the datasets it pays (by what
	/// each dataset's contributions received), half to the model's.
	pub const DatasetStakersShare: Perbill = Perbill::from_percent(50);
	/// Escrowed with every inference: back to the payer after a quorum, to whoever settles
	/// the inference after its deadline otherwise. It covers the fee of the largest timeout
	/// settlement (`settle_expired` of `MaxFallbackContributions` contributions, ≈ 0.046 TRIB
	/// at the benchmarked weights; `runtime/tests/economy.rs` checks that it does).
	pub const ExpiryDeposit: Balance = 50 * MILLI_UNIT;
}

/// The protocol's treasury account.
pub struct ProtocolAccount;
impl Get<AccountId> for ProtocolAccount {
	fn get() -> AccountId {
		ProtocolPalletId::get().into_account_truncating()
	}
}

/// The accounts the economics pay through; genesis endows each with the existential deposit
/// so that payouts of any size can reach them.
pub fn system_accounts() -> [AccountId; 3] {
	[
		AttributionPalletId::get().into_account_truncating(),
		StakePalletId::get().into_account_truncating(),
		ProtocolAccount::get(),
	]
}

impl pallet_models::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Datasets = Datasets;
	type ModelDeposit = ModelDeposit;
	type DepositPerByte = ModelDepositPerByte;
	type MinContributorsShare = MinContributorsShare;
	type MaxDatasetsPerModel = ConstU32<16>;
	type MaxUriLen = ConstU32<256>;
	type MaxLineageDepth = ConstU32<8>;
	type MaxSnapshotContributions = ConstU32<MAX_SNAPSHOT_CONTRIBUTIONS>;
	type MaxRecordsPerContribution = ConstU32<1_000_000>;
	type WeightInfo = pallet_models::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::Helper;
}

impl pallet_stake::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Models = Models;
	type Datasets = Datasets;
	type PalletId = StakePalletId;
	type MinStake = MinStake;
	type MinAttestorBond = MinAttestorBond;
	type UnbondingPeriod = UnbondingPeriod;
	type StakeWarmup = StakeWarmup;
	type MaxUnbondingChunks = ConstU32<16>;
	type SlashOrigin = EnsureRoot<AccountId>;
	type SlashBeneficiary = ProtocolAccount;
	type WeightInfo = pallet_stake::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::Helper;
}

impl pallet_attribution::Config for Runtime {
	type Currency = Balances;
	type Datasets = Datasets;
	type Models = Models;
	type Staking = Stake;
	type PalletId = AttributionPalletId;
	type ProtocolAccount = ProtocolAccount;
	type ProtocolShare = ProtocolShare;
	type AttestorRewardShare = AttestorRewardShare;
	type LineageShare = LineageShare;
	type CommitWindow = CommitWindow;
	type SubmissionLongevity = SubmissionLongevity;
	type AttestationPriority = AttestationPriority;
	type DissentSlash = DissentSlash;
	type DatasetStakersShare = DatasetStakersShare;
	type MaxIndexBytes = ConstU32<{ 32 << 20 }>;
	type MaxWorkerInferences = ConstU32<64>;
	type AttributionTimeout = AttributionTimeout;
	type MaxQueryLen = ConstU32<4096>;
	type MaxAttributedContributions = ConstU32<32>;
	type MaxAttestors = ConstU32<8>;
	type MaxBatch = ConstU32<64>;
	type MaxExpiryScan = ConstU32<1024>;
	type MaxExpiredPerBlock = ConstU32<8>;
	// Every contribution of a model's fallback snapshot is paid on timeout.
	type MaxFallbackContributions = ConstU32<MAX_SNAPSHOT_CONTRIBUTIONS>;
	type ExpiryDeposit = ExpiryDeposit;
	type WeightInfo = pallet_attribution::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::Helper;
}
