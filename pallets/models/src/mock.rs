//! Test runtime for `pallet_models`, with an in-memory dataset registry double.

use crate as pallet_models;
use core::cell::RefCell;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use sp_runtime::{BuildStorage, Perbill};
use std::collections::BTreeMap;
use tributary_primitives::{
	traits::{ContributionShare, DatasetUseError, DatasetsInspect},
	ContributionId, ContributionRef, DatasetId, ModelId,
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
		Models: pallet_models,
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

parameter_types! {
	pub const ModelDeposit: Balance = 10;
	pub const DepositPerByte: Balance = 1;
	pub const MinContributorsShare: Perbill = Perbill::from_percent(50);
}

/// Maximum datasets per model in the mock.
pub const MAX_DATASETS: u32 = 4;
/// Maximum URI length in the mock.
pub const MAX_URI: u32 = 32;
/// Maximum lineage depth in the mock.
pub const MAX_DEPTH: u32 = 2;
/// Maximum fallback snapshot length in the mock.
pub const MAX_SNAPSHOT: u32 = 6;
/// Record cap per contribution in the mock's snapshots.
pub const MAX_RECORDS: u32 = 1_000;

impl pallet_models::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Datasets = MockDatasets;
	type ModelDeposit = ModelDeposit;
	type DepositPerByte = DepositPerByte;
	type MinContributorsShare = MinContributorsShare;
	type MaxDatasetsPerModel = ConstU32<MAX_DATASETS>;
	type MaxUriLen = ConstU32<MAX_URI>;
	type MaxLineageDepth = ConstU32<MAX_DEPTH>;
	type MaxSnapshotContributions = ConstU32<MAX_SNAPSHOT>;
	type MaxRecordsPerContribution = ConstU32<MAX_RECORDS>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockDatasets;
}

/// A dataset as the double knows it.
#[derive(Clone, Default, Debug)]
pub struct MockDataset {
	/// Owner of the dataset.
	pub owner: AccountId,
	/// Retired datasets may not be used.
	pub retired: bool,
	/// Whether models with a fee may use it.
	pub commercial: bool,
	/// Whether each model needs the owner's approval.
	pub requires_approval: bool,
	/// Approved model ids, each for the account that may register it.
	pub approved: Vec<(ModelId, AccountId)>,
	/// Stored contributions: `(id, contributor, declared records)`, in id order.
	pub contributions: Vec<(ContributionId, AccountId, u32)>,
}

thread_local! {
	static DATASETS: RefCell<BTreeMap<DatasetId, MockDataset>> = const { RefCell::new(BTreeMap::new()) };
}

/// In-memory dataset registry implementing [`DatasetsInspect`].
pub struct MockDatasets;

impl MockDatasets {
	/// Insert or replace a dataset.
	pub fn put(id: DatasetId, d: MockDataset) {
		DATASETS.with(|m| m.borrow_mut().insert(id, d));
	}
	/// Change a dataset in place.
	pub fn update(id: DatasetId, f: impl FnOnce(&mut MockDataset)) {
		DATASETS.with(|m| {
			if let Some(d) = m.borrow_mut().get_mut(&id) {
				f(d)
			}
		});
	}
}

impl DatasetsInspect<AccountId> for MockDatasets {
	fn check_model_use(
		dataset: DatasetId,
		model: ModelId,
		commercial: bool,
	) -> Result<(), DatasetUseError> {
		DATASETS.with(|m| {
			let m = m.borrow();
			let d = m.get(&dataset).ok_or(DatasetUseError::UnknownDataset)?;
			if d.retired {
				return Err(DatasetUseError::Retired);
			}
			if d.requires_approval && !d.approved.iter().any(|(m, _)| *m == model) {
				return Err(DatasetUseError::NotApproved);
			}
			if commercial && !d.commercial {
				return Err(DatasetUseError::NonCommercial);
			}
			Ok(())
		})
	}
	fn check_model_use_by(
		dataset: DatasetId,
		model: ModelId,
		owner: &AccountId,
		commercial: bool,
	) -> Result<(), DatasetUseError> {
		Self::check_model_use(dataset, model, commercial)?;
		DATASETS.with(|m| {
			let m = m.borrow();
			let d = m.get(&dataset).ok_or(DatasetUseError::UnknownDataset)?;
			if d.requires_approval && !d.approved.contains(&(model, *owner)) {
				return Err(DatasetUseError::NotApproved);
			}
			Ok(())
		})
	}
	fn dataset_owner(dataset: DatasetId) -> Option<AccountId> {
		DATASETS.with(|m| m.borrow().get(&dataset).map(|d| d.owner))
	}
	fn contribution(c: ContributionRef) -> Option<(AccountId, u32)> {
		DATASETS.with(|m| {
			m.borrow().get(&c.dataset).and_then(|d| {
				d.contributions.iter().find(|x| x.0 == c.contribution).map(|x| (x.1, x.2))
			})
		})
	}
	fn contributions(dataset: DatasetId, limit: u32) -> Vec<ContributionShare<AccountId>> {
		Self::live_contributions(dataset, limit)
	}
	fn live_contributions(dataset: DatasetId, limit: u32) -> Vec<ContributionShare<AccountId>> {
		DATASETS.with(|m| {
			m.borrow()
				.get(&dataset)
				.map(|d| {
					d.contributions
						.iter()
						.take(limit as usize)
						.map(|&(id, contributor, records)| ContributionShare {
							contribution: ContributionRef::new(dataset, id),
							contributor,
							records,
						})
						.collect()
				})
				.unwrap_or_default()
		})
	}
	fn contribution_count(dataset: DatasetId) -> ContributionId {
		DATASETS
			.with(|m| m.borrow().get(&dataset).map(|d| d.contributions.len() as u32))
			.unwrap_or(0)
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<AccountId> for MockDatasets {
	fn usable_dataset(i: u32, _model: ModelId) -> DatasetId {
		let id = 1_000 + i;
		Self::put(id, MockDataset { owner: 99, commercial: true, ..Default::default() });
		id
	}
	fn add_contributions(dataset: DatasetId, n: u32) {
		Self::update(dataset, |d| {
			let first = d.contributions.len() as u32;
			d.contributions.extend((first..first + n).map(|i| (i, 50 + i as AccountId, 10)));
		});
	}
}

/// A well-funded model owner.
pub const ALICE: AccountId = 1;
/// Another well-funded account.
pub const BOB: AccountId = 2;
/// An account that can pay fees but not a model deposit.
pub const POOR: AccountId = 3;

/// Open commercial dataset.
pub const COMMERCIAL: DatasetId = 0;
/// Open non-commercial dataset.
pub const NON_COMMERCIAL: DatasetId = 1;
/// Commercial dataset that requires approval; model 0 approved.
pub const GATED: DatasetId = 2;
/// Retired dataset.
pub const RETIRED: DatasetId = 3;
/// A second open commercial dataset.
pub const COMMERCIAL_2: DatasetId = 4;
/// A dataset id nobody registered.
pub const MISSING: DatasetId = 77;

/// Builds the test externalities.
pub struct ExtBuilder;

impl ExtBuilder {
	/// Build the state: balances and the dataset double.
	pub fn build() -> sp_io::TestExternalities {
		let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> {
			balances: vec![(ALICE, 1_000), (BOB, 1_000), (POOR, 15)],
			..Default::default()
		}
		.assimilate_storage(&mut t)
		.unwrap();
		DATASETS.with(|m| m.borrow_mut().clear());
		let open = MockDataset { owner: 9, commercial: true, ..Default::default() };
		MockDatasets::put(COMMERCIAL, open.clone());
		MockDatasets::put(NON_COMMERCIAL, MockDataset { commercial: false, ..open.clone() });
		MockDatasets::put(
			GATED,
			MockDataset { requires_approval: true, approved: vec![(0, ALICE)], ..open.clone() },
		);
		MockDatasets::put(RETIRED, MockDataset { retired: true, ..open.clone() });
		MockDatasets::put(COMMERCIAL_2, open);
		let mut ext = sp_io::TestExternalities::new(t);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Run `test` on a fresh state, then check the pallet's invariants.
	pub fn build_and_execute(test: impl FnOnce()) {
		Self::build().execute_with(|| {
			test();
			Models::do_try_state().expect("try_state invariants hold after the test");
		});
	}
}

/// Fresh externalities (for the benchmark test suite).
#[allow(dead_code)]
pub fn new_test_ext() -> sp_io::TestExternalities {
	ExtBuilder::build()
}
