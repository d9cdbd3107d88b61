//! Test runtime for `pallet_attribution`, with in-memory doubles of the dataset registry,
//! the model registry and the staking pallet.

use crate as pallet_attribution;
use core::cell::RefCell;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
	PalletId,
};
use sp_core::H256;
use sp_runtime::{BuildStorage, Perbill};
use std::collections::{BTreeMap, BTreeSet};
use tributary_primitives::{
	traits::{
		ContributionShare, DatasetUseError, DatasetsInspect, ModelTerms, ModelsInspect,
		StakingHooks,
	},
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
		Attribution: pallet_attribution,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

/// The existential deposit of the mock.
pub const ED: Balance = 5;

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type ExistentialDeposit = ConstU64<ED>;
}

/// The protocol account.
pub const PROTOCOL: AccountId = 1000;
/// The stakers' reward account of the staking double.
pub const REWARDS: AccountId = 1001;
/// The maximum number of scores per result in the mock.
pub const MAX_SCORES: u32 = 16;
/// Blocks until an inference without quorum is settled by records.
pub const TIMEOUT: u64 = 10;

parameter_types! {
	pub const AttributionPalletId: PalletId = PalletId(*b"trb/attr");
	pub const Protocol: AccountId = PROTOCOL;
	pub const ProtocolShare: Perbill = Perbill::from_percent(5);
	pub const AttestorRewardShare: Perbill = Perbill::from_percent(40);
	pub const LineageShare: Perbill = Perbill::from_percent(10);
	pub const DissentSlash: Perbill = Perbill::from_percent(10);
	pub const DatasetStakersShare: Perbill = Perbill::from_percent(50);
	/// The expiry deposit: none unless a test sets one.
	pub static ExpiryDeposit: Balance = 0;
}

/// The mock's extrinsic: a general transaction carries no extension here.
pub type Extrinsic = sp_runtime::testing::TestXt<RuntimeCall, ()>;

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	type RuntimeCall = RuntimeCall;
	type Extrinsic = Extrinsic;
}

impl<LocalCall> frame_system::offchain::CreateTransaction<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	type Extension = ();
	fn create_transaction(call: RuntimeCall, extension: ()) -> Extrinsic {
		Extrinsic::new_transaction(call, extension)
	}
}

impl<LocalCall> frame_system::offchain::CreateAuthorizedTransaction<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	fn create_extension() {}
}

/// Blocks before reveals open without a full quorum of commitments.
pub const COMMIT_WINDOW: u64 = 3;
/// The pool longevity of attestations (and the worker's re-send interval).
pub const LONGEVITY: u64 = 4;

impl pallet_attribution::Config for Test {
	type Currency = Balances;
	type Datasets = MockDatasets;
	type Models = MockModels;
	type Staking = MockStaking;
	type PalletId = AttributionPalletId;
	type ProtocolAccount = Protocol;
	type ProtocolShare = ProtocolShare;
	type AttestorRewardShare = AttestorRewardShare;
	type LineageShare = LineageShare;
	type CommitWindow = ConstU64<COMMIT_WINDOW>;
	type SubmissionLongevity = ConstU64<LONGEVITY>;
	type AttestationPriority = ConstU64<{ u64::MAX / 2 }>;
	type DissentSlash = DissentSlash;
	type DatasetStakersShare = DatasetStakersShare;
	type MaxIndexBytes = ConstU32<{ 1 << 20 }>;
	type MaxWorkerInferences = ConstU32<8>;
	type AttributionTimeout = ConstU64<TIMEOUT>;
	type MaxQueryLen = ConstU32<64>;
	type MaxAttributedContributions = ConstU32<MAX_SCORES>;
	type MaxAttestors = ConstU32<4>;
	type MaxBatch = ConstU32<4>;
	type MaxExpiryScan = ConstU32<8>;
	type MaxExpiredPerBlock = ConstU32<2>;
	type MaxFallbackContributions = ConstU32<64>;
	type ExpiryDeposit = ExpiryDeposit;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

/// Builds the benchmarks' world in the doubles.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<AccountId, Balance> for MockBenchmarkHelper {
	fn model_with_contributions(
		datasets: u32,
		contributions: u32,
		fee: Balance,
	) -> (ModelId, Vec<ContributionRef>) {
		let model = MODELS.with(|m| m.borrow().keys().max().map_or(0, |k| k + 1)) + 100;
		let first = 1_000 + model * 100;
		let mut refs = Vec::new();
		for i in 0..contributions {
			let dataset = first + i % datasets;
			let id = i / datasets;
			MockDatasets::add(dataset, id, 10_000 + (model * 1_000 + i) as u64, 1 + i);
			refs.push(ContributionRef::new(dataset, id));
		}
		refs.sort();
		let base = model + 1_000;
		MockModels::add(base, BASE_OWNER, fee, split(), vec![], None);
		MockModels::add(
			model,
			OWNER,
			fee,
			split(),
			(first..first + datasets).collect(),
			Some(base),
		);
		MockStaking::stake_on(model);
		for dataset in first..first + datasets {
			MockStaking::stake_on_dataset(dataset);
		}
		(model, refs)
	}
	fn make_attestor(who: &AccountId) {
		MockStaking::bond(*who);
	}
}

thread_local! {
	static CONTRIBUTIONS: RefCell<BTreeMap<ContributionRef, (AccountId, u32)>> =
		RefCell::new(BTreeMap::new());
	static MODELS: RefCell<BTreeMap<ModelId, ModelTerms<AccountId, Balance>>> =
		RefCell::new(BTreeMap::new());
	static ATTESTORS: RefCell<BTreeSet<AccountId>> = RefCell::new(BTreeSet::new());
	static STAKED_MODELS: RefCell<BTreeSet<ModelId>> = RefCell::new(BTreeSet::new());
	static STAKER_REWARDS: RefCell<BTreeMap<ModelId, Balance>> = RefCell::new(BTreeMap::new());
	static STAKED_DATASETS: RefCell<BTreeMap<DatasetId, Balance>> = RefCell::new(BTreeMap::new());
	static SLASHED: RefCell<BTreeMap<AccountId, Perbill>> = RefCell::new(BTreeMap::new());
}

/// The dataset registry double.
pub struct MockDatasets;
impl MockDatasets {
	/// Adds a contribution paid to `account` with `records` records.
	pub fn add(dataset: DatasetId, contribution: ContributionId, account: AccountId, records: u32) {
		CONTRIBUTIONS.with(|c| {
			c.borrow_mut().insert(ContributionRef::new(dataset, contribution), (account, records))
		});
	}
}
impl DatasetsInspect<AccountId> for MockDatasets {
	fn check_model_use(_: DatasetId, _: ModelId, _: bool) -> Result<(), DatasetUseError> {
		Ok(())
	}
	fn dataset_owner(_: DatasetId) -> Option<AccountId> {
		None
	}
	fn contribution(c: ContributionRef) -> Option<(AccountId, u32)> {
		CONTRIBUTIONS.with(|m| m.borrow().get(&c).copied())
	}
	fn contributions(dataset: DatasetId, limit: u32) -> Vec<ContributionShare<AccountId>> {
		CONTRIBUTIONS.with(|m| {
			m.borrow()
				.iter()
				.filter(|(c, _)| c.dataset == dataset)
				.take(limit as usize)
				.map(|(c, (a, r))| ContributionShare {
					contribution: *c,
					contributor: *a,
					records: *r,
				})
				.collect()
		})
	}
	fn contribution_count(dataset: DatasetId) -> ContributionId {
		Self::contributions(dataset, u32::MAX).len() as u32
	}
}

/// The model registry double.
pub struct MockModels;
impl MockModels {
	/// Registers `model` with the given terms.
	pub fn add(
		model: ModelId,
		owner: AccountId,
		fee: Balance,
		split: RewardSplit,
		datasets: Vec<DatasetId>,
		base: Option<ModelId>,
	) {
		MODELS.with(|m| {
			m.borrow_mut().insert(
				model,
				ModelTerms {
					owner,
					fee,
					split,
					datasets,
					base,
					index_hash: H256::repeat_byte(model as u8),
					index_uri: b"http://127.0.0.1:1/index".to_vec(),
					retired: false,
				},
			)
		});
	}
	/// Points `model` at another index hash (as `set_index` would).
	pub fn set_index(model: ModelId, hash: H256) {
		MODELS.with(|m| m.borrow_mut().get_mut(&model).map(|t| t.index_hash = hash));
	}
	/// Points `model` at another index hash and URI.
	pub fn set_index_at(model: ModelId, hash: H256, uri: &[u8]) {
		MODELS.with(|m| {
			m.borrow_mut().get_mut(&model).map(|t| {
				t.index_hash = hash;
				t.index_uri = uri.to_vec();
			})
		});
	}
	/// Retires `model`.
	pub fn retire(model: ModelId) {
		MODELS.with(|m| m.borrow_mut().get_mut(&model).map(|t| t.retired = true));
	}
}
impl MockModels {
	/// The double's fallback snapshot of `model`: the contributions its datasets hold now
	/// (the real registry freezes them at registration; its own tests cover that).
	fn snapshot(model: ModelId) -> Vec<ContributionShare<AccountId>> {
		let datasets = Self::model(model).map(|t| t.datasets).unwrap_or_default();
		CONTRIBUTIONS.with(|m| {
			m.borrow()
				.iter()
				.filter(|(c, _)| datasets.contains(&c.dataset))
				.map(|(c, (a, r))| ContributionShare {
					contribution: *c,
					contributor: *a,
					records: *r,
				})
				.collect()
		})
	}
}
impl ModelsInspect<AccountId, Balance> for MockModels {
	fn model(model: ModelId) -> Option<ModelTerms<AccountId, Balance>> {
		MODELS.with(|m| m.borrow().get(&model).cloned())
	}
	fn fallback_len(model: ModelId) -> u32 {
		Self::snapshot(model).len() as u32
	}
	fn fallback_total_records(model: ModelId) -> u64 {
		Self::snapshot(model).iter().map(|s| s.records as u64).sum()
	}
	fn fallback_shares(
		model: ModelId,
		start: u32,
		limit: u32,
	) -> Vec<ContributionShare<AccountId>> {
		Self::snapshot(model).into_iter().skip(start as usize).take(limit as usize).collect()
	}
	fn snapshot_contribution(
		model: ModelId,
		contribution: ContributionRef,
	) -> Option<ContributionShare<AccountId>> {
		Self::snapshot(model).into_iter().find(|s| s.contribution == contribution)
	}
}

/// The staking double: a set of attestors, models with stake, credited rewards.
pub struct MockStaking;
impl MockStaking {
	/// Bonds `who` as an attestor.
	pub fn bond(who: AccountId) {
		ATTESTORS.with(|a| a.borrow_mut().insert(who));
	}
	/// Puts stake on `model`.
	pub fn stake_on(model: ModelId) {
		STAKED_MODELS.with(|s| s.borrow_mut().insert(model));
	}
	/// Puts stake on `dataset`.
	pub fn stake_on_dataset(dataset: DatasetId) {
		STAKED_DATASETS.with(|s| s.borrow_mut().insert(dataset, 0));
	}
	/// Rewards credited to the stakers of `dataset`.
	pub fn credited_dataset(dataset: DatasetId) -> Balance {
		STAKED_DATASETS.with(|s| s.borrow().get(&dataset).copied().unwrap_or(0))
	}
	/// Removes `who` from the attestors (slashed below the minimum, or unbonding).
	pub fn unbond(who: AccountId) {
		ATTESTORS.with(|a| a.borrow_mut().remove(&who));
	}
	/// The fraction `who` was slashed by, if it was.
	pub fn slashed(who: AccountId) -> Option<Perbill> {
		SLASHED.with(|s| s.borrow().get(&who).copied())
	}
	/// Rewards credited to the stakers of `model`.
	pub fn credited(model: ModelId) -> Balance {
		STAKER_REWARDS.with(|r| r.borrow().get(&model).copied().unwrap_or(0))
	}
}
impl StakingHooks<AccountId, Balance> for MockStaking {
	fn reward_account() -> AccountId {
		REWARDS
	}
	fn reward_stakers(target: StakeTarget, amount: Balance) -> Result<(), Balance> {
		if !Self::can_reward(target, amount) {
			return Err(amount);
		}
		match target {
			StakeTarget::Model(model) => {
				STAKER_REWARDS.with(|r| *r.borrow_mut().entry(model).or_default() += amount)
			}
			StakeTarget::Dataset(dataset) => {
				STAKED_DATASETS.with(|s| *s.borrow_mut().entry(dataset).or_default() += amount)
			}
		}
		Ok(())
	}
	fn can_reward(target: StakeTarget, _amount: Balance) -> bool {
		match target {
			StakeTarget::Model(model) => STAKED_MODELS.with(|s| s.borrow().contains(&model)),
			StakeTarget::Dataset(dataset) => {
				STAKED_DATASETS.with(|s| s.borrow().contains_key(&dataset))
			}
		}
	}
	fn is_attestor(who: &AccountId) -> bool {
		ATTESTORS.with(|a| a.borrow().contains(who))
	}
	fn slash_attestor(who: &AccountId, fraction: Perbill) -> Balance {
		if !Self::is_attestor(who) {
			return 0;
		}
		SLASHED.with(|s| s.borrow_mut().insert(*who, fraction));
		// The double's bonds are all 1_000.
		fraction.mul_floor(1_000u64)
	}
}

/// The developer who pays for inferences.
pub const DEV: AccountId = 1;
/// A developer without funds.
pub const BROKE: AccountId = 2;
/// The model owner.
pub const OWNER: AccountId = 10;
/// The base model's owner.
pub const BASE_OWNER: AccountId = 11;
/// Attestors.
pub const ATT1: AccountId = 21;
/// Attestors.
pub const ATT2: AccountId = 22;
/// Attestors.
pub const ATT3: AccountId = 23;
/// Contributors.
pub const C1: AccountId = 31;
/// Contributors.
pub const C2: AccountId = 32;
/// Contributors (a fresh account with no balance).
pub const C3: AccountId = 33;
/// A contributor of a dataset outside the model.
pub const OUTSIDER: AccountId = 40;

/// The standard split: 20% owner, 10% stakers, 70% contributors.
pub fn split() -> RewardSplit {
	RewardSplit {
		model_owner: Perbill::from_percent(20),
		stakers: Perbill::from_percent(10),
		contributors: Perbill::from_percent(70),
	}
}

/// The world of the tests: model 0 (fee 1_000, datasets 0 and 1, base model 1), model 1
/// (the base), model 2 (retired); contributions 0:0 (C1, 10 records), 0:1 (C2, 30), 1:0 (C3,
/// 60), 5:0 (OUTSIDER); attestors ATT1..ATT3.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let escrow = crate::Pallet::<Test>::escrow_account();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![
			(DEV, 1_000_000),
			(BROKE, 10),
			(OWNER, 100),
			(BASE_OWNER, 100),
			(ATT1, 100),
			(ATT2, 100),
			(ATT3, 100),
			(C1, 100),
			(C2, 100),
			(OUTSIDER, 100),
			(PROTOCOL, ED),
			(REWARDS, ED),
			(escrow, ED),
		],
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.unwrap();
	pallet_attribution::GenesisConfig::<Test> {
		quorum: 2,
		attestor_keys: [ATT1, ATT2, ATT3].iter().map(|a| (*a, attestor_key(*a))).collect(),
	}
	.assimilate_storage(&mut t)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(t);
	// The benchmarks generate and sign with `attr` keys.
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext.execute_with(|| {
		System::set_block_number(1);
		ExpiryDeposit::set(0);
		CONTRIBUTIONS.with(|c| c.borrow_mut().clear());
		MODELS.with(|m| m.borrow_mut().clear());
		ATTESTORS.with(|a| a.borrow_mut().clear());
		STAKED_MODELS.with(|s| s.borrow_mut().clear());
		STAKER_REWARDS.with(|r| r.borrow_mut().clear());
		STAKED_DATASETS.with(|s| s.borrow_mut().clear());
		SLASHED.with(|s| s.borrow_mut().clear());
		MockDatasets::add(0, 0, C1, 10);
		MockDatasets::add(0, 1, C2, 30);
		MockDatasets::add(1, 0, C3, 60);
		MockDatasets::add(5, 0, OUTSIDER, 5);
		MockModels::add(1, BASE_OWNER, 100, split(), vec![0], None);
		MockModels::add(0, OWNER, 1_000, split(), vec![0, 1], Some(1));
		MockModels::add(2, OWNER, 1_000, split(), vec![0], None);
		MockModels::retire(2);
		for a in [ATT1, ATT2, ATT3] {
			MockStaking::bond(a);
		}
	});
	ext
}

/// The dev seed of an attestor's `attr` key in the tests.
pub fn attestor_seed(who: AccountId) -> String {
	format!("//attestor{who}")
}

/// The sr25519 pair of `who`'s `attr` key.
pub fn attestor_pair(who: AccountId) -> sp_core::sr25519::Pair {
	use sp_core::Pair;
	sp_core::sr25519::Pair::from_string(&attestor_seed(who), None).expect("valid seed")
}

/// `who`'s `attr` public key.
pub fn attestor_key(who: AccountId) -> tributary_primitives::attestor::AttestorId {
	use sp_core::Pair;
	attestor_pair(who).public().into()
}

/// Signs `message` with `who`'s `attr` key.
pub fn attestor_sign(
	who: AccountId,
	message: &[u8],
) -> tributary_primitives::attestor::AttestorSignature {
	use sp_core::Pair;
	attestor_pair(who).sign(message).into()
}

/// Runs `test` in fresh externalities, then checks the pallet's invariants.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Attribution::do_try_state().expect("invariants hold after the test");
	});
}

/// Advances to block `n`, running the pallet's `on_initialize` on the way.
pub fn run_to_block(n: u64) {
	use frame_support::traits::Hooks;
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Attribution::on_initialize(next);
	}
}
