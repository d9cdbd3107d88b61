//! Test runtime for `pallet_stake`, with in-memory model and dataset registry doubles.

use crate as pallet_stake;
use core::cell::RefCell;
use frame_support::{derive_impl, parameter_types, traits::ConstU32, PalletId};
use frame_system::EnsureRoot;
use sp_core::H256;
use sp_runtime::{BuildStorage, Perbill};
use std::collections::BTreeMap;
use tributary_primitives::{
	traits::{ContributionShare, DatasetUseError, DatasetsInspect, ModelTerms, ModelsInspect},
	ContributionId, ContributionRef, DatasetId, ModelId, RewardSplit, StakeTarget,
};

type Block = frame_system::mocking::MockBlock<Test>;

/// The mock's account id.
pub type AccountId = u64;
/// The mock's balance type.
pub type Balance = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Stake: pallet_stake,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

/// The slash beneficiary (a treasury).
pub const TREASURY: AccountId = 100;
/// Unbonding period in the mock.
pub const UNBONDING: u64 = 10;
/// Unbonding chunks in the mock.
pub const MAX_CHUNKS: u32 = 3;

parameter_types! {
	pub const StakePalletId: PalletId = PalletId(*b"trb/stak");
	pub const MinStake: Balance = 10;
	pub const MinAttestorBond: Balance = 100;
	pub const UnbondingPeriod: u64 = UNBONDING;
	pub const SlashBeneficiary: AccountId = TREASURY;
	/// No warm-up unless a test sets one.
	pub static StakeWarmup: u64 = 0;
}

impl pallet_stake::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Models = MockModels;
	type Datasets = MockDatasets;
	type PalletId = StakePalletId;
	type MinStake = MinStake;
	type MinAttestorBond = MinAttestorBond;
	type UnbondingPeriod = UnbondingPeriod;
	type StakeWarmup = StakeWarmup;
	type MaxUnbondingChunks = ConstU32<MAX_CHUNKS>;
	type SlashOrigin = EnsureRoot<AccountId>;
	type SlashBeneficiary = SlashBeneficiary;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockModels;
}

thread_local! {
	/// Model id → retired.
	static MODELS: RefCell<BTreeMap<ModelId, bool>> = const { RefCell::new(BTreeMap::new()) };
	/// Dataset id → retired.
	static DATASETS: RefCell<BTreeMap<DatasetId, bool>> = const { RefCell::new(BTreeMap::new()) };
}

/// In-memory model registry.
pub struct MockModels;
impl MockModels {
	/// Register (or retire) a model.
	pub fn put(id: ModelId, retired: bool) {
		MODELS.with(|m| m.borrow_mut().insert(id, retired));
	}
}
impl ModelsInspect<AccountId, Balance> for MockModels {
	fn model(model: ModelId) -> Option<ModelTerms<AccountId, Balance>> {
		MODELS.with(|m| m.borrow().get(&model).copied()).map(|retired| ModelTerms {
			owner: 50,
			fee: 10,
			split: RewardSplit {
				model_owner: Perbill::from_percent(20),
				stakers: Perbill::from_percent(10),
				contributors: Perbill::from_percent(70),
			},
			datasets: vec![0],
			base: None,
			index_hash: H256::zero(),
			index_uri: Vec::new(),
			retired,
		})
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper for MockModels {
	fn active_target() -> StakeTarget {
		Self::put(500, false);
		StakeTarget::Model(500)
	}
}

/// In-memory dataset registry (every dataset requires approval, so the stake pallet must not
/// confuse "not approved" with "inactive").
pub struct MockDatasets;
impl MockDatasets {
	/// Register (or retire) a dataset.
	pub fn put(id: DatasetId, retired: bool) {
		DATASETS.with(|m| m.borrow_mut().insert(id, retired));
	}
}
impl DatasetsInspect<AccountId> for MockDatasets {
	fn check_model_use(dataset: DatasetId, _: ModelId, _: bool) -> Result<(), DatasetUseError> {
		match DATASETS.with(|m| m.borrow().get(&dataset).copied()) {
			None => Err(DatasetUseError::UnknownDataset),
			Some(true) => Err(DatasetUseError::Retired),
			Some(false) => Err(DatasetUseError::NotApproved),
		}
	}
	fn dataset_owner(dataset: DatasetId) -> Option<AccountId> {
		DATASETS.with(|m| m.borrow().get(&dataset).map(|_| 60))
	}
	fn contribution(_: ContributionRef) -> Option<(AccountId, u32)> {
		None
	}
	fn contributions(_: DatasetId, _: u32) -> Vec<ContributionShare<AccountId>> {
		Vec::new()
	}
	fn contribution_count(_: DatasetId) -> ContributionId {
		0
	}
}

/// Stakers and attestors.
pub const ALICE: AccountId = 1;
/// Second account.
pub const BOB: AccountId = 2;
/// Third account.
pub const CHARLIE: AccountId = 3;
/// A poor account.
pub const POOR: AccountId = 4;
/// The genesis attestor.
pub const GENESIS_ATTESTOR: AccountId = 5;
/// Funds settlement-like reward credits in tests.
pub const SETTLER: AccountId = 9;

/// A live model.
pub const MODEL: StakeTarget = StakeTarget::Model(0);
/// A retired model.
pub const RETIRED_MODEL: StakeTarget = StakeTarget::Model(1);
/// A live dataset.
pub const DATASET: StakeTarget = StakeTarget::Dataset(0);
/// A retired dataset.
pub const RETIRED_DATASET: StakeTarget = StakeTarget::Dataset(1);

/// Builds the test externalities.
pub struct ExtBuilder {
	balances: Vec<(AccountId, Balance)>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self {
			balances: vec![
				(ALICE, 10_000),
				(BOB, 10_000),
				(CHARLIE, 10_000),
				(POOR, 5),
				(GENESIS_ATTESTOR, 1_000),
				(SETTLER, 1_000_000_000),
				(TREASURY, 1),
			],
		}
	}
}

impl ExtBuilder {
	/// Also endow these accounts.
	pub fn with_balances(mut self, more: Vec<(AccountId, Balance)>) -> Self {
		self.balances.extend(more);
		self
	}

	/// Build the state.
	pub fn build(self) -> sp_io::TestExternalities {
		let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> { balances: self.balances, ..Default::default() }
			.assimilate_storage(&mut t)
			.unwrap();
		pallet_stake::GenesisConfig::<Test> { attestors: vec![(GENESIS_ATTESTOR, 200)] }
			.assimilate_storage(&mut t)
			.unwrap();
		MODELS.with(|m| m.borrow_mut().clear());
		DATASETS.with(|m| m.borrow_mut().clear());
		MockModels::put(0, false);
		MockModels::put(1, true);
		MockDatasets::put(0, false);
		MockDatasets::put(1, true);
		let mut ext = sp_io::TestExternalities::new(t);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Run `test` on a fresh state, then check the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Stake::do_try_state().expect("try_state invariants hold after the test");
		});
	}
}

/// Fresh externalities (for the benchmark test suite).
#[allow(dead_code)]
pub fn new_test_ext() -> sp_io::TestExternalities {
	ExtBuilder::default().build()
}
