//! Test runtime for `pallet_datasets`.

use crate as pallet_datasets;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

/// The mock's account id.
pub type AccountId = u64;
/// The mock's balance type.
pub type Balance = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Datasets: pallet_datasets,
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
	pub const DatasetDeposit: Balance = 100;
	pub const ContributionDeposit: Balance = 10;
	pub const ApprovalDeposit: Balance = 5;
	pub const DepositPerByte: Balance = 1;
}

/// Maximum uri length in the mock.
pub const MAX_URI: u32 = 32;
/// Maximum metadata length in the mock.
pub const MAX_METADATA: u32 = 64;
/// Maximum contributions per dataset in the mock (the owner's file included).
pub const MAX_CONTRIBUTIONS: u32 = 4;

impl pallet_datasets::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type DatasetDeposit = DatasetDeposit;
	type ContributionDeposit = ContributionDeposit;
	type ApprovalDeposit = ApprovalDeposit;
	type DepositPerByte = DepositPerByte;
	type MaxUriLen = ConstU32<MAX_URI>;
	type MaxMetadataLen = ConstU32<MAX_METADATA>;
	type MaxContributionsPerDataset = ConstU32<MAX_CONTRIBUTIONS>;
	type WeightInfo = ();
}

/// Alice: a rich dataset owner.
pub const ALICE: AccountId = 1;
/// Bob: a rich contributor.
pub const BOB: AccountId = 2;
/// Charlie: another rich account.
pub const CHARLIE: AccountId = 3;
/// Poor: an account that cannot pay any deposit.
pub const POOR: AccountId = 4;
/// Starting balance of the rich accounts.
pub const RICH: Balance = 1_000_000;
/// Starting balance of `POOR`: above the existential deposit, below every deposit.
pub const POOR_BALANCE: Balance = 12;

/// Externalities with funded accounts, at block 1 (so events are recorded).
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(ALICE, RICH), (BOB, RICH), (CHARLIE, RICH), (POOR, POOR_BALANCE)],
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(t);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` in fresh externalities, then checks the pallet's invariants.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Datasets::do_try_state().expect("invariants hold after the test");
	});
}
