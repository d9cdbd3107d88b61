//! Unit tests of `pallet_models`: the happy paths, and for every call every way it can fail
//! (the named error, storage unchanged — `assert_noop!` compares the storage root — and the
//! accounts' free and held balances unchanged). `do_try_state` runs after every test.

use crate::{
	mock::*, Error, Event, HoldReason, ModelByArtifact, Models, NextModelId, SNAPSHOT_ENTRY_BYTES,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, Hooks},
};
use sp_core::H256;
use sp_runtime::{DispatchError, Perbill};
use tributary_primitives::{
	traits::ModelsInspect, ContributionRef, DatasetId, ModelId, RewardSplit,
};

type ModelsPallet = crate::Pallet<Test>;

fn split(owner: u32, stakers: u32, contributors: u32) -> RewardSplit {
	RewardSplit {
		model_owner: Perbill::from_percent(owner),
		stakers: Perbill::from_percent(stakers),
		contributors: Perbill::from_percent(contributors),
	}
}

fn good_split() -> RewardSplit {
	split(20, 10, 70)
}

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::ModelDeposit.into(), &who)
}

fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

/// Free and held balances of every mock account.
fn balances() -> Vec<(Balance, Balance)> {
	[ALICE, BOB, POOR].iter().map(|a| (free(*a), held(*a))).collect()
}

/// `assert_noop!` plus an explicit check that no balance or hold moved.
macro_rules! assert_noop_unchanged {
	($call:expr, $err:expr $(,)?) => {{
		let before = balances();
		let next = NextModelId::<Test>::get();
		assert_noop!($call, $err);
		assert_eq!(balances(), before, "balances changed");
		assert_eq!(NextModelId::<Test>::get(), next, "NextModelId changed");
	}};
}

/// Register with everything but the varied argument at good values.
struct Reg {
	who: AccountId,
	artifact: H256,
	uri: Vec<u8>,
	datasets: Vec<DatasetId>,
	base: Option<ModelId>,
	index_hash: H256,
	index_uri: Vec<u8>,
	fee: Balance,
	split: RewardSplit,
}

impl Reg {
	fn new(seed: u8) -> Self {
		Reg {
			who: ALICE,
			artifact: H256::repeat_byte(seed),
			uri: b"ipfs://model".to_vec(),
			datasets: vec![COMMERCIAL],
			base: None,
			index_hash: H256::repeat_byte(seed.wrapping_add(100)),
			index_uri: b"ipfs://index".to_vec(),
			fee: 5,
			split: good_split(),
		}
	}
	fn call(self) -> sp_runtime::DispatchResult {
		ModelsPallet::register_model(
			RuntimeOrigin::signed(self.who),
			self.artifact,
			self.uri,
			self.datasets,
			self.base,
			self.index_hash,
			self.index_uri,
			self.fee,
			self.split,
		)
	}
}

/// Deposit of a model registered by `Reg::new` (uri 12 + index uri 12 bytes).
const DEFAULT_DEPOSIT: Balance = 10 + 12 + 12;

#[test]
fn register_model_works() {
	ExtBuilder::build_and_execute(|| {
		assert_eq!(NextModelId::<Test>::get(), 0);
		assert_ok!(Reg { datasets: vec![COMMERCIAL, GATED, COMMERCIAL_2], ..Reg::new(1) }.call());
		System::assert_last_event(Event::ModelRegistered { model: 0, owner: ALICE }.into());
		assert_eq!(NextModelId::<Test>::get(), 1);
		assert_eq!(held(ALICE), DEFAULT_DEPOSIT);
		assert_eq!(free(ALICE), 1_000 - DEFAULT_DEPOSIT);
		let m = Models::<Test>::get(0).unwrap();
		assert_eq!(m.owner, ALICE);
		assert_eq!(m.datasets.to_vec(), vec![COMMERCIAL, GATED, COMMERCIAL_2]);
		assert_eq!(m.deposit, DEFAULT_DEPOSIT);
		assert_eq!(m.depth, 0);
		assert!(!m.retired);
		assert_eq!(ModelByArtifact::<Test>::get(H256::repeat_byte(1)), Some(0));

		let terms = <ModelsPallet as ModelsInspect<_, _>>::model(0).unwrap();
		assert_eq!(terms.owner, ALICE);
		assert_eq!(terms.fee, 5);
		assert_eq!(terms.split, good_split());
		assert_eq!(terms.datasets, vec![COMMERCIAL, GATED, COMMERCIAL_2]);
		assert_eq!(terms.base, None);
		assert_eq!(terms.index_hash, H256::repeat_byte(101));
		assert!(!terms.retired);
		assert!(<ModelsPallet as ModelsInspect<_, _>>::model(1).is_none());

		// Sequential ids; a second owner's deposit is held from them.
		assert_ok!(Reg { who: BOB, uri: vec![], ..Reg::new(2) }.call());
		System::assert_last_event(Event::ModelRegistered { model: 1, owner: BOB }.into());
		assert_eq!(held(BOB), 10 + 12);
		assert_eq!(NextModelId::<Test>::get(), 2);
	});
}

#[test]
fn free_model_may_use_non_commercial_data() {
	ExtBuilder::build_and_execute(|| {
		assert_ok!(Reg { datasets: vec![NON_COMMERCIAL], fee: 0, ..Reg::new(1) }.call());
		assert_eq!(Models::<Test>::get(0).unwrap().fee, 0);
	});
}

#[test]
fn minimum_contributors_share_and_bounds_are_inclusive() {
	ExtBuilder::build_and_execute(|| {
		MockDatasets::put(5, MockDataset { commercial: true, ..Default::default() });
		assert_ok!(Reg {
			split: split(25, 25, 50),
			datasets: vec![COMMERCIAL, GATED, COMMERCIAL_2, 5],
			uri: vec![b'x'; MAX_URI as usize],
			index_uri: vec![b'x'; MAX_URI as usize],
			..Reg::new(1)
		}
		.call());
		assert_eq!(held(ALICE), 10 + 2 * MAX_URI as Balance);
	});
}

#[test]
fn register_model_rejects_bad_splits() {
	ExtBuilder::build_and_execute(|| {
		assert_noop_unchanged!(
			Reg { split: split(20, 10, 69), ..Reg::new(1) }.call(),
			Error::<Test>::InvalidSplit
		);
		assert_noop_unchanged!(
			Reg { split: split(50, 10, 70), ..Reg::new(1) }.call(),
			Error::<Test>::InvalidSplit
		);
		let almost = RewardSplit {
			model_owner: Perbill::from_parts(300_000_000),
			stakers: Perbill::zero(),
			contributors: Perbill::from_parts(699_999_999),
		};
		assert_noop_unchanged!(
			Reg { split: almost, ..Reg::new(1) }.call(),
			Error::<Test>::InvalidSplit
		);
		assert_noop_unchanged!(
			Reg { split: split(30, 21, 49), ..Reg::new(1) }.call(),
			Error::<Test>::ContributorsShareTooLow
		);
	});
}

#[test]
fn register_model_rejects_bad_dataset_lists() {
	ExtBuilder::build_and_execute(|| {
		assert_noop_unchanged!(
			Reg { datasets: vec![], ..Reg::new(1) }.call(),
			Error::<Test>::NoDatasets
		);
		assert_noop_unchanged!(
			Reg { datasets: vec![COMMERCIAL, COMMERCIAL_2, COMMERCIAL], ..Reg::new(1) }.call(),
			Error::<Test>::DuplicateDataset
		);
		assert_noop_unchanged!(
			Reg { datasets: vec![0, 1, 2, 3, 4], ..Reg::new(1) }.call(),
			Error::<Test>::TooManyDatasets
		);
		assert_noop_unchanged!(
			Reg { datasets: vec![COMMERCIAL, MISSING], ..Reg::new(1) }.call(),
			Error::<Test>::UnknownDataset
		);
		assert_noop_unchanged!(
			Reg { datasets: vec![RETIRED], ..Reg::new(1) }.call(),
			Error::<Test>::DatasetRetired
		);
		assert_noop_unchanged!(
			Reg { datasets: vec![NON_COMMERCIAL], fee: 1, ..Reg::new(1) }.call(),
			Error::<Test>::NonCommercialDataset
		);
	});
}

#[test]
fn approval_is_for_a_model_id() {
	ExtBuilder::build_and_execute(|| {
		// GATED approved model id 0 only. Model 0 uses something else...
		assert_ok!(Reg { datasets: vec![COMMERCIAL], ..Reg::new(1) }.call());
		// ... so model 1 is not approved.
		assert_noop_unchanged!(
			Reg { datasets: vec![GATED], ..Reg::new(2) }.call(),
			Error::<Test>::NotApproved
		);
		MockDatasets::update(GATED, |d| d.approved.push((1, ALICE)));
		assert_ok!(Reg { datasets: vec![GATED], ..Reg::new(2) }.call());
	});
}

#[test]
fn register_model_rejects_bad_base_and_lineage() {
	ExtBuilder::build_and_execute(|| {
		assert_noop_unchanged!(
			Reg { base: Some(0), ..Reg::new(1) }.call(),
			Error::<Test>::UnknownBaseModel
		);
		assert_ok!(Reg::new(1).call());
		assert_ok!(Reg { base: Some(0), ..Reg::new(2) }.call());
		assert_ok!(Reg { base: Some(1), ..Reg::new(3) }.call());
		assert_eq!(Models::<Test>::get(2).unwrap().depth, MAX_DEPTH);
		assert_noop_unchanged!(
			Reg { base: Some(2), ..Reg::new(4) }.call(),
			Error::<Test>::LineageTooDeep
		);
		assert_noop_unchanged!(
			Reg { base: Some(3), ..Reg::new(4) }.call(),
			Error::<Test>::UnknownBaseModel
		);
	});
}

#[test]
fn register_model_rejects_duplicate_artifacts_even_after_retirement() {
	ExtBuilder::build_and_execute(|| {
		assert_ok!(Reg::new(1).call());
		assert_noop_unchanged!(
			Reg { who: BOB, ..Reg::new(1) }.call(),
			Error::<Test>::DuplicateArtifact
		);
		assert_ok!(ModelsPallet::retire_model(RuntimeOrigin::signed(ALICE), 0));
		assert_noop_unchanged!(Reg::new(1).call(), Error::<Test>::DuplicateArtifact);
	});
}

#[test]
fn register_model_rejects_bad_uris() {
	ExtBuilder::build_and_execute(|| {
		let long = vec![b'x'; MAX_URI as usize + 1];
		assert_noop_unchanged!(
			Reg { uri: long.clone(), ..Reg::new(1) }.call(),
			Error::<Test>::UriTooLong
		);
		assert_noop_unchanged!(
			Reg { index_uri: long, ..Reg::new(1) }.call(),
			Error::<Test>::UriTooLong
		);
		assert_noop_unchanged!(
			Reg { index_uri: vec![], ..Reg::new(1) }.call(),
			Error::<Test>::EmptyIndexUri
		);
	});
}

#[test]
fn register_model_needs_the_deposit_and_a_signed_origin() {
	ExtBuilder::build_and_execute(|| {
		// POOR has 15: the deposit is 34.
		assert_noop_unchanged!(
			Reg { who: POOR, ..Reg::new(1) }.call(),
			Error::<Test>::InsufficientBalance
		);
		assert_noop_unchanged!(
			ModelsPallet::register_model(
				RuntimeOrigin::root(),
				H256::repeat_byte(1),
				vec![],
				vec![COMMERCIAL],
				None,
				H256::zero(),
				b"i".to_vec(),
				0,
				good_split(),
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn set_fee_works_and_rechecks_licences() {
	ExtBuilder::build_and_execute(|| {
		assert_ok!(Reg { datasets: vec![COMMERCIAL, NON_COMMERCIAL], fee: 0, ..Reg::new(1) }.call());
		assert_ok!(Reg { datasets: vec![COMMERCIAL], ..Reg::new(2) }.call());
		// Free model on non-commercial data cannot start charging.
		assert_noop_unchanged!(
			ModelsPallet::set_fee(RuntimeOrigin::signed(ALICE), 0, 1),
			Error::<Test>::NonCommercialDataset
		);
		// Fee 0 is always allowed.
		assert_ok!(ModelsPallet::set_fee(RuntimeOrigin::signed(ALICE), 0, 0));
		System::assert_last_event(Event::FeeSet { model: 0, fee: 0 }.into());
		assert_ok!(ModelsPallet::set_fee(RuntimeOrigin::signed(ALICE), 1, 42));
		System::assert_last_event(Event::FeeSet { model: 1, fee: 42 }.into());
		assert_eq!(Models::<Test>::get(1).unwrap().fee, 42);
		// The licence changes after registration: a fee is re-checked.
		MockDatasets::update(COMMERCIAL, |d| d.commercial = false);
		assert_noop_unchanged!(
			ModelsPallet::set_fee(RuntimeOrigin::signed(ALICE), 1, 43),
			Error::<Test>::NonCommercialDataset
		);
		MockDatasets::update(COMMERCIAL, |d| {
			d.commercial = true;
			d.retired = true
		});
		assert_noop_unchanged!(
			ModelsPallet::set_fee(RuntimeOrigin::signed(ALICE), 1, 43),
			Error::<Test>::DatasetRetired
		);
	});
}

#[test]
fn set_fee_rejects_bad_callers_and_models() {
	ExtBuilder::build_and_execute(|| {
		assert_noop_unchanged!(
			ModelsPallet::set_fee(RuntimeOrigin::signed(ALICE), 0, 1),
			Error::<Test>::UnknownModel
		);
		assert_ok!(Reg::new(1).call());
		assert_noop_unchanged!(
			ModelsPallet::set_fee(RuntimeOrigin::signed(BOB), 0, 1),
			Error::<Test>::NotOwner
		);
		assert_noop_unchanged!(
			ModelsPallet::set_fee(RuntimeOrigin::root(), 0, 1),
			DispatchError::BadOrigin
		);
		assert_ok!(ModelsPallet::retire_model(RuntimeOrigin::signed(ALICE), 0));
		assert_noop_unchanged!(
			ModelsPallet::set_fee(RuntimeOrigin::signed(ALICE), 0, 1),
			Error::<Test>::Retired
		);
	});
}

#[test]
fn set_index_works_and_adjusts_the_deposit() {
	ExtBuilder::build_and_execute(|| {
		assert_ok!(Reg::new(1).call());
		assert_eq!(held(ALICE), DEFAULT_DEPOSIT);
		// Longer index URI: 8 more bytes held.
		assert_ok!(ModelsPallet::set_index(
			RuntimeOrigin::signed(ALICE),
			0,
			H256::repeat_byte(7),
			vec![b'a'; 20]
		));
		System::assert_last_event(
			Event::IndexUpdated { model: 0, index_hash: H256::repeat_byte(7) }.into(),
		);
		assert_eq!(held(ALICE), DEFAULT_DEPOSIT + 8);
		assert_eq!(free(ALICE), 1_000 - DEFAULT_DEPOSIT - 8);
		let m = Models::<Test>::get(0).unwrap();
		assert_eq!(m.index_hash, H256::repeat_byte(7));
		assert_eq!(m.index_uri.to_vec(), vec![b'a'; 20]);
		// Shorter: released again.
		assert_ok!(ModelsPallet::set_index(
			RuntimeOrigin::signed(ALICE),
			0,
			H256::repeat_byte(8),
			vec![b'b'; 2]
		));
		assert_eq!(held(ALICE), DEFAULT_DEPOSIT - 10);
		assert_eq!(free(ALICE), 1_000 - DEFAULT_DEPOSIT + 10);
	});
}

#[test]
fn set_index_rejects_bad_input() {
	ExtBuilder::build_and_execute(|| {
		let h = H256::repeat_byte(7);
		assert_noop_unchanged!(
			ModelsPallet::set_index(RuntimeOrigin::signed(ALICE), 0, h, b"x".to_vec()),
			Error::<Test>::UnknownModel
		);
		assert_ok!(Reg::new(1).call());
		assert_noop_unchanged!(
			ModelsPallet::set_index(RuntimeOrigin::signed(BOB), 0, h, b"x".to_vec()),
			Error::<Test>::NotOwner
		);
		assert_noop_unchanged!(
			ModelsPallet::set_index(RuntimeOrigin::root(), 0, h, b"x".to_vec()),
			DispatchError::BadOrigin
		);
		assert_noop_unchanged!(
			ModelsPallet::set_index(
				RuntimeOrigin::signed(ALICE),
				0,
				h,
				vec![b'x'; MAX_URI as usize + 1]
			),
			Error::<Test>::UriTooLong
		);
		assert_noop_unchanged!(
			ModelsPallet::set_index(RuntimeOrigin::signed(ALICE), 0, h, vec![]),
			Error::<Test>::EmptyIndexUri
		);
		// A longer URI needs more deposit than ALICE can free.
		let spare = free(ALICE);
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(ALICE), BOB, spare - 2));
		assert_noop_unchanged!(
			ModelsPallet::set_index(RuntimeOrigin::signed(ALICE), 0, h, vec![b'x'; 20]),
			Error::<Test>::InsufficientBalance
		);
		assert_ok!(ModelsPallet::retire_model(RuntimeOrigin::signed(ALICE), 0));
		assert_noop_unchanged!(
			ModelsPallet::set_index(RuntimeOrigin::signed(ALICE), 0, h, b"x".to_vec()),
			Error::<Test>::Retired
		);
	});
}

#[test]
fn retire_model_releases_the_deposit() {
	ExtBuilder::build_and_execute(|| {
		assert_ok!(Reg::new(1).call());
		assert_ok!(Reg::new(2).call());
		assert_eq!(held(ALICE), 2 * DEFAULT_DEPOSIT);
		assert_ok!(ModelsPallet::retire_model(RuntimeOrigin::signed(ALICE), 0));
		System::assert_last_event(Event::ModelRetired { model: 0 }.into());
		assert_eq!(held(ALICE), DEFAULT_DEPOSIT);
		assert_eq!(free(ALICE), 1_000 - DEFAULT_DEPOSIT);
		let m = Models::<Test>::get(0).unwrap();
		assert!(m.retired);
		assert_eq!(m.deposit, 0);
		assert!(<ModelsPallet as ModelsInspect<_, _>>::model(0).unwrap().retired);
		// A retired model may still be a base (lineage of fine-tunes survives it).
		assert_ok!(Reg { base: Some(0), ..Reg::new(3) }.call());
	});
}

#[test]
fn retire_model_rejects_bad_input() {
	ExtBuilder::build_and_execute(|| {
		assert_noop_unchanged!(
			ModelsPallet::retire_model(RuntimeOrigin::signed(ALICE), 0),
			Error::<Test>::UnknownModel
		);
		assert_ok!(Reg::new(1).call());
		assert_noop_unchanged!(
			ModelsPallet::retire_model(RuntimeOrigin::signed(BOB), 0),
			Error::<Test>::NotOwner
		);
		assert_noop_unchanged!(
			ModelsPallet::retire_model(RuntimeOrigin::root(), 0),
			DispatchError::BadOrigin
		);
		assert_ok!(ModelsPallet::retire_model(RuntimeOrigin::signed(ALICE), 0));
		assert_noop_unchanged!(
			ModelsPallet::retire_model(RuntimeOrigin::signed(ALICE), 0),
			Error::<Test>::Retired
		);
	});
}

#[test]
fn lineage_walks_the_bases() {
	ExtBuilder::build_and_execute(|| {
		assert_ok!(Reg::new(1).call());
		assert_ok!(Reg { base: Some(0), ..Reg::new(2) }.call());
		assert_ok!(Reg { base: Some(1), ..Reg::new(3) }.call());
		assert_ok!(Reg { base: Some(0), ..Reg::new(4) }.call());
		assert_eq!(ModelsPallet::lineage(2).to_vec(), vec![1, 0]);
		assert_eq!(ModelsPallet::lineage(3).to_vec(), vec![0]);
		assert_eq!(ModelsPallet::lineage(0).to_vec(), Vec::<ModelId>::new());
		assert_eq!(ModelsPallet::lineage(99).to_vec(), Vec::<ModelId>::new());
		assert_eq!(<ModelsPallet as ModelsInspect<_, _>>::model(2).unwrap().base, Some(1));
	});
}

#[test]
fn try_state_detects_a_broken_deposit() {
	ExtBuilder::build().execute_with(|| {
		assert_ok!(Reg::new(1).call());
		assert_ok!(ModelsPallet::do_try_state());
		Models::<Test>::mutate(0, |m| m.as_mut().unwrap().deposit = 1);
		assert!(ModelsPallet::do_try_state().is_err());
	});
}

#[test]
fn integrity_test_passes() {
	ExtBuilder::build_and_execute(|| {
		<ModelsPallet as Hooks<u64>>::integrity_test();
	});
}

// ---------------------------------------------------------------- approvals name the owner

#[test]
fn an_approval_for_one_owner_cannot_be_captured_by_another() {
	ExtBuilder::build_and_execute(|| {
		// GATED approved model id 0 for Alice; Bob tries to register model 0 first.
		assert_noop_unchanged!(
			Reg { who: BOB, datasets: vec![GATED], ..Reg::new(1) }.call(),
			Error::<Test>::NotApproved
		);
		assert_ok!(Reg { datasets: vec![GATED], ..Reg::new(1) }.call());
		assert_eq!(Models::<Test>::get(0).unwrap().owner, ALICE);
	});
}

// ---------------------------------------------------------------- fallback snapshot

fn shares(model: ModelId, start: u32, limit: u32) -> Vec<(ContributionRef, AccountId, u32)> {
	<ModelsPallet as ModelsInspect<AccountId, Balance>>::fallback_shares(model, start, limit)
		.into_iter()
		.map(|c| (c.contribution, c.contributor, c.records))
		.collect()
}

#[test]
fn the_fallback_snapshot_is_fixed_at_registration_and_capped() {
	ExtBuilder::build_and_execute(|| {
		MockDatasets::update(COMMERCIAL, |d| {
			d.contributions = vec![(0, 9, 1), (1, 20, u32::MAX), (2, 21, 50)]
		});
		assert_ok!(Reg::new(1).call());
		let r = |c| ContributionRef::new(COMMERCIAL, c);
		assert_eq!(<ModelsPallet as ModelsInspect<AccountId, Balance>>::fallback_len(0), 3);
		assert_eq!(
			<ModelsPallet as ModelsInspect<AccountId, Balance>>::fallback_total_records(0),
			1 + MAX_RECORDS as u64 + 50
		);
		assert_eq!(
			shares(0, 0, 10),
			vec![(r(0), 9, 1), (r(1), 20, MAX_RECORDS), (r(2), 21, 50)],
			"u32::MAX declared counts as the cap"
		);
		assert_eq!(shares(0, 1, 1), vec![(r(1), 20, MAX_RECORDS)], "pages are bounded");
		assert!(shares(0, 3, 10).is_empty());
		assert_eq!(held(ALICE), DEFAULT_DEPOSIT + 3 * SNAPSHOT_ENTRY_BYTES as Balance);

		// A contribution added after registration is not in the snapshot; one withdrawn
		// after it still is, and still resolves.
		MockDatasets::update(COMMERCIAL, |d| {
			d.contributions = vec![(0, 9, 1), (2, 21, 50), (3, 22, 100)]
		});
		assert_eq!(<ModelsPallet as ModelsInspect<AccountId, Balance>>::fallback_len(0), 3);
		assert_eq!(
			<ModelsPallet as ModelsInspect<AccountId, Balance>>::snapshot_contribution(0, r(1))
				.map(|c| (c.contributor, c.records)),
			Some((20, MAX_RECORDS))
		);
		assert_eq!(
			<ModelsPallet as ModelsInspect<AccountId, Balance>>::snapshot_contribution(0, r(3)),
			None
		);

		// Rebuilding the index takes a new snapshot.
		assert_ok!(ModelsPallet::set_index(
			RuntimeOrigin::signed(ALICE),
			0,
			H256::repeat_byte(7),
			b"ipfs://index".to_vec()
		));
		assert_eq!(shares(0, 0, 10), vec![(r(0), 9, 1), (r(2), 21, 50), (r(3), 22, 100)]);
		assert_eq!(
			<ModelsPallet as ModelsInspect<AccountId, Balance>>::fallback_total_records(0),
			151
		);
		assert_eq!(held(ALICE), DEFAULT_DEPOSIT + 3 * SNAPSHOT_ENTRY_BYTES as Balance);
	});
}

#[test]
fn a_snapshot_beyond_the_bound_is_refused_without_changes() {
	ExtBuilder::build_and_execute(|| {
		MockDatasets::update(COMMERCIAL, |d| {
			d.contributions = (0..MAX_SNAPSHOT + 1).map(|i| (i, 30 + i as AccountId, 1)).collect()
		});
		assert_noop_unchanged!(Reg::new(1).call(), Error::<Test>::TooManySnapshotContributions);
		// Split over two datasets, the bound is on the total.
		MockDatasets::update(COMMERCIAL, |d| d.contributions.truncate(4));
		MockDatasets::update(COMMERCIAL_2, |d| {
			d.contributions = vec![(0, 40, 1), (1, 41, 1), (2, 42, 1)]
		});
		assert_noop_unchanged!(
			Reg { datasets: vec![COMMERCIAL, COMMERCIAL_2], ..Reg::new(1) }.call(),
			Error::<Test>::TooManySnapshotContributions
		);
		assert_ok!(Reg::new(1).call());
		// set_index refuses too, and leaves the snapshot as it was.
		MockDatasets::update(COMMERCIAL, |d| {
			d.contributions = (0..MAX_SNAPSHOT + 1).map(|i| (i, 30 + i as AccountId, 1)).collect()
		});
		assert_noop_unchanged!(
			ModelsPallet::set_index(
				RuntimeOrigin::signed(ALICE),
				0,
				H256::repeat_byte(7),
				b"ipfs://index".to_vec()
			),
			Error::<Test>::TooManySnapshotContributions
		);
		assert_eq!(<ModelsPallet as ModelsInspect<AccountId, Balance>>::fallback_len(0), 4);
	});
}

#[test]
fn artifact_hashes_are_keyed_through_a_hashing_hasher() {
	ExtBuilder::build_and_execute(|| {
		// Blake2_128Concat: pallet + storage prefixes (32) + 16-byte hash + the 32-byte key.
		assert_eq!(ModelByArtifact::<Test>::hashed_key_for(H256::zero()).len(), 32 + 16 + 32);
	});
}
