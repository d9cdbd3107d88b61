//! Unit tests of the datasets pallet: every call's happy path and every way it can fail, each
//! failure leaving storage and balances unchanged; invariants checked after every test.

use crate::{
	mock::*, Approvals, ContentHashes, Contributions, Datasets as DatasetStore, Error, Event,
	HoldReason,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use sp_core::H256;
use sp_runtime::DispatchError;
use tributary_primitives::{
	traits::{DatasetUseError, DatasetsInspect},
	ContributionRef, License,
};

const OPEN_COMMERCIAL: License = License { commercial: true, requires_approval: false };
const APPROVAL_ONLY: License = License { commercial: true, requires_approval: true };
const NON_COMMERCIAL: License = License { commercial: false, requires_approval: false };

fn h(n: u8) -> H256 {
	H256::repeat_byte(n)
}

fn uri(n: u8) -> Vec<u8> {
	format!("ipfs://{n}").into_bytes()
}

fn held(who: AccountId, reason: HoldReason) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Datasets(reason), &who)
}

/// Registers a dataset for `owner` with content hash `h(n)` and returns its id.
fn register(owner: AccountId, n: u8, license: License) -> u32 {
	let id = crate::NextDatasetId::<Test>::get();
	assert_ok!(Datasets::register_dataset(
		RuntimeOrigin::signed(owner),
		h(n),
		uri(n),
		license,
		b"{}".to_vec()
	));
	id
}

/// Balances (free and held under every reason) of the test accounts.
fn balances() -> Vec<(Balance, Balance, Balance, Balance)> {
	[ALICE, BOB, CHARLIE, POOR]
		.iter()
		.map(|&a| {
			(
				Balances::balance(&a),
				held(a, HoldReason::DatasetDeposit),
				held(a, HoldReason::ContributionDeposit),
				held(a, HoldReason::ApprovalDeposit),
			)
		})
		.collect()
}

/// `assert_noop!` (storage root unchanged) plus an explicit balance comparison.
macro_rules! assert_fails_unchanged {
	($call:expr, $err:expr) => {{
		let before = balances();
		assert_noop!($call, $err);
		assert_eq!(balances(), before, "balances changed by a failed call");
	}};
}

// ---------------------------------------------------------------- register_dataset

#[test]
fn register_dataset_stores_it_holds_the_deposit_and_emits() {
	build_and_execute(|| {
		let id = register(ALICE, 1, OPEN_COMMERCIAL);
		assert_eq!(id, 0);
		let info = DatasetStore::<Test>::get(0).expect("stored");
		assert_eq!(info.owner, ALICE);
		assert_eq!(info.content_hash, h(1));
		assert_eq!(info.uri.to_vec(), uri(1));
		assert_eq!(info.license, OPEN_COMMERCIAL);
		assert!(info.open && !info.retired);
		assert_eq!(info.contribution_count, 1);
		let expected_deposit = 100 + (uri(1).len() as u64 + 2);
		assert_eq!(info.deposit, expected_deposit);
		assert_eq!(held(ALICE, HoldReason::DatasetDeposit), expected_deposit);
		assert_eq!(Balances::balance(&ALICE), RICH - expected_deposit);
		let first = Contributions::<Test>::get(0, 0).expect("owner's file is contribution 0");
		assert_eq!((first.contributor, first.records, first.deposit), (ALICE, 1, 0));
		assert_eq!(ContentHashes::<Test>::get(h(1)), Some(ContributionRef::new(0, 0)));
		System::assert_last_event(
			Event::DatasetRegistered { dataset: 0, owner: ALICE, content_hash: h(1) }.into(),
		);
		assert_eq!(register(BOB, 2, NON_COMMERCIAL), 1, "ids are sequential");
	});
}

#[test]
fn register_dataset_rejects_bad_input_without_changes() {
	build_and_execute(|| {
		register(ALICE, 1, OPEN_COMMERCIAL);
		let meta = b"{}".to_vec();
		// The same bytes again, from anyone.
		assert_fails_unchanged!(
			Datasets::register_dataset(
				RuntimeOrigin::signed(BOB),
				h(1),
				uri(9),
				OPEN_COMMERCIAL,
				meta.clone()
			),
			Error::<Test>::DuplicateContent
		);
		assert_fails_unchanged!(
			Datasets::register_dataset(
				RuntimeOrigin::signed(ALICE),
				h(2),
				vec![b'x'; MAX_URI as usize + 1],
				OPEN_COMMERCIAL,
				meta.clone()
			),
			Error::<Test>::UriTooLong
		);
		assert_fails_unchanged!(
			Datasets::register_dataset(
				RuntimeOrigin::signed(ALICE),
				h(2),
				vec![],
				OPEN_COMMERCIAL,
				meta.clone()
			),
			Error::<Test>::EmptyUri
		);
		assert_fails_unchanged!(
			Datasets::register_dataset(
				RuntimeOrigin::signed(ALICE),
				h(2),
				uri(2),
				OPEN_COMMERCIAL,
				vec![b'm'; MAX_METADATA as usize + 1]
			),
			Error::<Test>::MetadataTooLong
		);
		assert_fails_unchanged!(
			Datasets::register_dataset(
				RuntimeOrigin::signed(POOR),
				h(2),
				uri(2),
				OPEN_COMMERCIAL,
				meta.clone()
			),
			Error::<Test>::InsufficientBalance
		);
		assert_fails_unchanged!(
			Datasets::register_dataset(RuntimeOrigin::none(), h(2), uri(2), OPEN_COMMERCIAL, meta),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn register_dataset_rejects_a_hash_already_used_by_a_contribution() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		assert_ok!(Datasets::add_contribution(RuntimeOrigin::signed(BOB), d, h(5), 3, uri(5)));
		assert_fails_unchanged!(
			Datasets::register_dataset(
				RuntimeOrigin::signed(CHARLIE),
				h(5),
				uri(5),
				OPEN_COMMERCIAL,
				vec![]
			),
			Error::<Test>::DuplicateContent
		);
	});
}

#[test]
fn deposit_grows_with_stored_bytes() {
	build_and_execute(|| {
		assert_ok!(Datasets::register_dataset(
			RuntimeOrigin::signed(ALICE),
			h(1),
			vec![b'u'; MAX_URI as usize],
			OPEN_COMMERCIAL,
			vec![b'm'; MAX_METADATA as usize]
		));
		assert_eq!(held(ALICE, HoldReason::DatasetDeposit), 100 + (MAX_URI + MAX_METADATA) as u64);
	});
}

// ---------------------------------------------------------------- add_contribution

#[test]
fn anyone_contributes_to_an_open_dataset() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		assert_ok!(Datasets::add_contribution(RuntimeOrigin::signed(BOB), d, h(2), 40, uri(2)));
		let c = Contributions::<Test>::get(d, 1).expect("stored");
		assert_eq!((c.contributor, c.records, c.content_hash), (BOB, 40, h(2)));
		let deposit = 10 + uri(2).len() as u64;
		assert_eq!(c.deposit, deposit);
		assert_eq!(held(BOB, HoldReason::ContributionDeposit), deposit);
		assert_eq!(DatasetStore::<Test>::get(d).unwrap().contribution_count, 2);
		assert_eq!(ContentHashes::<Test>::get(h(2)), Some(ContributionRef::new(d, 1)));
		System::assert_last_event(
			Event::ContributionAdded { dataset: d, contribution: 1, contributor: BOB }.into(),
		);
		assert_ok!(Datasets::add_contribution(RuntimeOrigin::signed(CHARLIE), d, h(3), 1, uri(3)));
		assert_eq!(DatasetStore::<Test>::get(d).unwrap().contribution_count, 3);
	});
}

#[test]
fn only_the_owner_contributes_to_a_closed_dataset() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		assert_ok!(Datasets::set_open(RuntimeOrigin::signed(ALICE), d, false));
		assert_fails_unchanged!(
			Datasets::add_contribution(RuntimeOrigin::signed(BOB), d, h(2), 1, uri(2)),
			Error::<Test>::DatasetClosed
		);
		assert_ok!(Datasets::add_contribution(RuntimeOrigin::signed(ALICE), d, h(2), 1, uri(2)));
	});
}

#[test]
fn add_contribution_rejects_bad_input_without_changes() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		let other = register(CHARLIE, 7, OPEN_COMMERCIAL);
		assert_ok!(Datasets::add_contribution(
			RuntimeOrigin::signed(CHARLIE),
			other,
			h(8),
			1,
			uri(8)
		));
		let bob = RuntimeOrigin::signed(BOB);
		assert_fails_unchanged!(
			Datasets::add_contribution(bob.clone(), 99, h(2), 1, uri(2)),
			Error::<Test>::UnknownDataset
		);
		// The owner's file, and a contribution of another dataset: registered chain-wide.
		assert_fails_unchanged!(
			Datasets::add_contribution(bob.clone(), d, h(1), 1, uri(2)),
			Error::<Test>::DuplicateContent
		);
		assert_fails_unchanged!(
			Datasets::add_contribution(bob.clone(), d, h(8), 1, uri(2)),
			Error::<Test>::DuplicateContent
		);
		assert_fails_unchanged!(
			Datasets::add_contribution(bob.clone(), d, h(2), 0, uri(2)),
			Error::<Test>::NoRecords
		);
		assert_fails_unchanged!(
			Datasets::add_contribution(bob.clone(), d, h(2), 1, vec![b'x'; MAX_URI as usize + 1]),
			Error::<Test>::UriTooLong
		);
		assert_fails_unchanged!(
			Datasets::add_contribution(bob.clone(), d, h(2), 1, vec![]),
			Error::<Test>::EmptyUri
		);
		assert_fails_unchanged!(
			Datasets::add_contribution(RuntimeOrigin::signed(POOR), d, h(2), 1, uri(2)),
			Error::<Test>::InsufficientBalance
		);
		assert_fails_unchanged!(
			Datasets::add_contribution(RuntimeOrigin::none(), d, h(2), 1, uri(2)),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn add_contribution_respects_the_bound() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		for n in 2..(MAX_CONTRIBUTIONS as u8 + 1) {
			assert_ok!(Datasets::add_contribution(RuntimeOrigin::signed(BOB), d, h(n), 1, uri(n)));
		}
		assert_eq!(DatasetStore::<Test>::get(d).unwrap().contribution_count, MAX_CONTRIBUTIONS);
		assert_fails_unchanged!(
			Datasets::add_contribution(RuntimeOrigin::signed(BOB), d, h(50), 1, uri(50)),
			Error::<Test>::TooManyContributions
		);
	});
}

#[test]
fn retired_datasets_take_no_contributions() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		assert_ok!(Datasets::retire_dataset(RuntimeOrigin::signed(ALICE), d));
		assert_fails_unchanged!(
			Datasets::add_contribution(RuntimeOrigin::signed(ALICE), d, h(2), 1, uri(2)),
			Error::<Test>::Retired
		);
	});
}

// ---------------------------------------------------------------- set_license / set_open

#[test]
fn owner_changes_license_and_openness() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		assert_ok!(Datasets::set_license(RuntimeOrigin::signed(ALICE), d, APPROVAL_ONLY));
		assert_eq!(DatasetStore::<Test>::get(d).unwrap().license, APPROVAL_ONLY);
		System::assert_last_event(
			Event::LicenseChanged { dataset: d, license: APPROVAL_ONLY }.into(),
		);
		assert_ok!(Datasets::set_open(RuntimeOrigin::signed(ALICE), d, false));
		assert!(!DatasetStore::<Test>::get(d).unwrap().open);
		System::assert_last_event(Event::OpenChanged { dataset: d, open: false }.into());
	});
}

#[test]
fn settings_reject_bad_input_without_changes() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		assert_fails_unchanged!(
			Datasets::set_license(RuntimeOrigin::signed(ALICE), 9, APPROVAL_ONLY),
			Error::<Test>::UnknownDataset
		);
		assert_fails_unchanged!(
			Datasets::set_license(RuntimeOrigin::signed(BOB), d, APPROVAL_ONLY),
			Error::<Test>::NotOwner
		);
		assert_fails_unchanged!(
			Datasets::set_license(RuntimeOrigin::signed(ALICE), d, OPEN_COMMERCIAL),
			Error::<Test>::Unchanged
		);
		assert_fails_unchanged!(
			Datasets::set_open(RuntimeOrigin::signed(ALICE), 9, false),
			Error::<Test>::UnknownDataset
		);
		assert_fails_unchanged!(
			Datasets::set_open(RuntimeOrigin::signed(BOB), d, false),
			Error::<Test>::NotOwner
		);
		assert_fails_unchanged!(
			Datasets::set_open(RuntimeOrigin::signed(ALICE), d, true),
			Error::<Test>::Unchanged
		);
		assert_ok!(Datasets::retire_dataset(RuntimeOrigin::signed(ALICE), d));
		assert_fails_unchanged!(
			Datasets::set_license(RuntimeOrigin::signed(ALICE), d, APPROVAL_ONLY),
			Error::<Test>::Retired
		);
		assert_fails_unchanged!(
			Datasets::set_open(RuntimeOrigin::signed(ALICE), d, false),
			Error::<Test>::Retired
		);
	});
}

// ---------------------------------------------------------------- retire_dataset

#[test]
fn retirement_releases_the_owner_deposit_and_keeps_records() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		assert_ok!(Datasets::add_contribution(RuntimeOrigin::signed(BOB), d, h(2), 5, uri(2)));
		assert!(held(ALICE, HoldReason::DatasetDeposit) > 0);
		assert_ok!(Datasets::retire_dataset(RuntimeOrigin::signed(ALICE), d));
		assert_eq!(held(ALICE, HoldReason::DatasetDeposit), 0);
		assert_eq!(Balances::balance(&ALICE), RICH);
		let info = DatasetStore::<Test>::get(d).unwrap();
		assert!(info.retired);
		assert_eq!(info.deposit, 0);
		assert!(Contributions::<Test>::contains_key(d, 1), "contributions keep their deposit");
		assert!(!Contributions::<Test>::contains_key(d, 0), "the owner's file goes with it");
		assert_eq!(ContentHashes::<Test>::get(h(1)), None);
		assert!(info.uri.is_empty() && info.metadata.is_empty());
		assert!(held(BOB, HoldReason::ContributionDeposit) > 0, "contributors release their own");
		System::assert_last_event(Event::DatasetRetired { dataset: d }.into());
	});
}

#[test]
fn retire_dataset_rejects_bad_input_without_changes() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		assert_fails_unchanged!(
			Datasets::retire_dataset(RuntimeOrigin::signed(ALICE), 9),
			Error::<Test>::UnknownDataset
		);
		assert_fails_unchanged!(
			Datasets::retire_dataset(RuntimeOrigin::signed(BOB), d),
			Error::<Test>::NotOwner
		);
		assert_ok!(Datasets::retire_dataset(RuntimeOrigin::signed(ALICE), d));
		assert_fails_unchanged!(
			Datasets::retire_dataset(RuntimeOrigin::signed(ALICE), d),
			Error::<Test>::Retired
		);
	});
}

// ---------------------------------------------------------------- approvals

#[test]
fn owner_approves_and_revokes_models() {
	build_and_execute(|| {
		let d = register(ALICE, 1, APPROVAL_ONLY);
		assert_eq!(Datasets::check_model_use(d, 3, true), Err(DatasetUseError::NotApproved));
		assert_ok!(Datasets::approve_model(RuntimeOrigin::signed(ALICE), d, 3, BOB));
		assert!(Approvals::<Test>::contains_key(d, 3));
		System::assert_last_event(Event::ModelApproved { dataset: d, model: 3, owner: BOB }.into());
		assert_eq!(Datasets::check_model_use(d, 3, true), Ok(()));
		assert_eq!(Datasets::check_model_use(d, 4, true), Err(DatasetUseError::NotApproved));
		assert_ok!(Datasets::revoke_approval(RuntimeOrigin::signed(ALICE), d, 3));
		assert!(!Approvals::<Test>::contains_key(d, 3));
		System::assert_last_event(Event::ApprovalRevoked { dataset: d, model: 3 }.into());
		assert_eq!(Datasets::check_model_use(d, 3, true), Err(DatasetUseError::NotApproved));
	});
}

#[test]
fn approvals_reject_bad_input_without_changes() {
	build_and_execute(|| {
		let d = register(ALICE, 1, APPROVAL_ONLY);
		assert_fails_unchanged!(
			Datasets::approve_model(RuntimeOrigin::signed(ALICE), 9, 1, BOB),
			Error::<Test>::UnknownDataset
		);
		assert_fails_unchanged!(
			Datasets::approve_model(RuntimeOrigin::signed(BOB), d, 1, BOB),
			Error::<Test>::NotOwner
		);
		assert_ok!(Datasets::approve_model(RuntimeOrigin::signed(ALICE), d, 1, BOB));
		assert_fails_unchanged!(
			Datasets::approve_model(RuntimeOrigin::signed(ALICE), d, 1, CHARLIE),
			Error::<Test>::AlreadyApproved
		);
		assert_fails_unchanged!(
			Datasets::revoke_approval(RuntimeOrigin::signed(ALICE), d, 2),
			Error::<Test>::NotApproved
		);
		assert_fails_unchanged!(
			Datasets::revoke_approval(RuntimeOrigin::signed(BOB), d, 1),
			Error::<Test>::NotOwner
		);
		assert_fails_unchanged!(
			Datasets::revoke_approval(RuntimeOrigin::signed(ALICE), 9, 1),
			Error::<Test>::UnknownDataset
		);
		assert_ok!(Datasets::retire_dataset(RuntimeOrigin::signed(ALICE), d));
		assert_fails_unchanged!(
			Datasets::approve_model(RuntimeOrigin::signed(ALICE), d, 2, BOB),
			Error::<Test>::Retired
		);
	});
}

// ---------------------------------------------------------------- release_contribution_deposit

#[test]
fn contributors_release_their_deposit_after_retirement() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		assert_ok!(Datasets::add_contribution(RuntimeOrigin::signed(BOB), d, h(2), 5, uri(2)));
		let deposit = held(BOB, HoldReason::ContributionDeposit);
		assert_ok!(Datasets::retire_dataset(RuntimeOrigin::signed(ALICE), d));
		assert_ok!(Datasets::release_contribution_deposit(RuntimeOrigin::signed(BOB), d, 1));
		assert_eq!(held(BOB, HoldReason::ContributionDeposit), 0);
		assert_eq!(Balances::balance(&BOB), RICH);
		assert!(!Contributions::<Test>::contains_key(d, 1), "released storage is removed");
		assert_eq!(ContentHashes::<Test>::get(h(2)), None);
		System::assert_last_event(
			Event::DepositReleased {
				dataset: d,
				contribution: 1,
				contributor: BOB,
				amount: deposit,
			}
			.into(),
		);
	});
}

#[test]
fn release_contribution_deposit_rejects_bad_input_without_changes() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		assert_ok!(Datasets::add_contribution(RuntimeOrigin::signed(BOB), d, h(2), 5, uri(2)));
		assert_fails_unchanged!(
			Datasets::release_contribution_deposit(RuntimeOrigin::signed(BOB), d, 1),
			Error::<Test>::NotRetired
		);
		assert_ok!(Datasets::retire_dataset(RuntimeOrigin::signed(ALICE), d));
		assert_fails_unchanged!(
			Datasets::release_contribution_deposit(RuntimeOrigin::signed(BOB), 9, 1),
			Error::<Test>::UnknownDataset
		);
		assert_fails_unchanged!(
			Datasets::release_contribution_deposit(RuntimeOrigin::signed(BOB), d, 7),
			Error::<Test>::UnknownContribution
		);
		assert_fails_unchanged!(
			Datasets::release_contribution_deposit(RuntimeOrigin::signed(CHARLIE), d, 1),
			Error::<Test>::NotContributor
		);
		// Contribution 0's deposit is the dataset's: retirement released it and removed it.
		assert_fails_unchanged!(
			Datasets::release_contribution_deposit(RuntimeOrigin::signed(ALICE), d, 0),
			Error::<Test>::UnknownContribution
		);
		assert_ok!(Datasets::release_contribution_deposit(RuntimeOrigin::signed(BOB), d, 1));
		assert_fails_unchanged!(
			Datasets::release_contribution_deposit(RuntimeOrigin::signed(BOB), d, 1),
			Error::<Test>::UnknownContribution
		);
	});
}

// ---------------------------------------------------------------- approvals name the owner

#[test]
fn an_approval_given_before_registration_cannot_be_captured() {
	build_and_execute(|| {
		let d = register(ALICE, 1, APPROVAL_ONLY);
		// Alice approves model id 0 for Bob, before Bob registers it.
		assert_ok!(Datasets::approve_model(RuntimeOrigin::signed(ALICE), d, 0, BOB));
		assert_eq!(held(ALICE, HoldReason::ApprovalDeposit), ApprovalDeposit::get());
		// Charlie registering model id 0 first is refused; Bob is accepted.
		assert_eq!(
			Datasets::check_model_use_by(d, 0, &CHARLIE, true),
			Err(DatasetUseError::NotApproved)
		);
		assert_eq!(Datasets::check_model_use_by(d, 0, &BOB, true), Ok(()));
		assert_eq!(
			Datasets::check_model_use_by(d, 1, &BOB, true),
			Err(DatasetUseError::NotApproved)
		);
		assert!(Datasets::model_permitted(d, 0));
		assert!(!Datasets::model_permitted(d, 1));
		// Revoking releases the deposit and withdraws the permission.
		assert_ok!(Datasets::revoke_approval(RuntimeOrigin::signed(ALICE), d, 0));
		assert_eq!(held(ALICE, HoldReason::ApprovalDeposit), 0);
		assert_eq!(Balances::balance(&ALICE), RICH - held(ALICE, HoldReason::DatasetDeposit));
		assert!(!Datasets::model_permitted(d, 0));
		assert_eq!(
			Datasets::check_model_use_by(d, 0, &BOB, true),
			Err(DatasetUseError::NotApproved)
		);
	});
}

#[test]
fn approvals_hold_a_deposit_and_can_be_revoked_after_retirement() {
	build_and_execute(|| {
		let d = register(ALICE, 1, APPROVAL_ONLY);
		assert_ok!(Datasets::approve_model(RuntimeOrigin::signed(ALICE), d, 4, BOB));
		assert_ok!(Datasets::retire_dataset(RuntimeOrigin::signed(ALICE), d));
		assert!(Datasets::model_permitted(d, 4), "retirement keeps registered models permitted");
		assert_ok!(Datasets::revoke_approval(RuntimeOrigin::signed(ALICE), d, 4));
		assert_eq!(Balances::balance(&ALICE), RICH);
		assert!(Approvals::<Test>::iter().next().is_none());
		// An owner who cannot pay the approval deposit gets nothing stored.
		let gated = DatasetStore::<Test>::get(d).unwrap();
		assert!(gated.retired);
		// Charlie keeps 4 free after the dataset deposit (110): less than the approval's 5.
		<Balances as frame_support::traits::fungible::Mutate<_>>::set_balance(&CHARLIE, 114);
		let c = register(CHARLIE, 7, APPROVAL_ONLY);
		assert_fails_unchanged!(
			Datasets::approve_model(RuntimeOrigin::signed(CHARLIE), c, 0, BOB),
			Error::<Test>::InsufficientBalance
		);
	});
}

// ---------------------------------------------------------------- withdrawal and curation

#[test]
fn a_contributor_withdraws_and_gets_the_deposit_back() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		assert_ok!(Datasets::add_contribution(RuntimeOrigin::signed(BOB), d, h(2), 5, uri(2)));
		let deposit = held(BOB, HoldReason::ContributionDeposit);
		assert!(deposit > 0);
		assert_ok!(Datasets::withdraw_contribution(RuntimeOrigin::signed(BOB), d, 1));
		assert_eq!(held(BOB, HoldReason::ContributionDeposit), 0);
		assert_eq!(Balances::balance(&BOB), RICH);
		assert!(!Contributions::<Test>::contains_key(d, 1));
		assert_eq!(ContentHashes::<Test>::get(h(2)), None);
		assert_eq!(Datasets::contribution(ContributionRef::new(d, 1)), None);
		assert_eq!(Datasets::contribution_count(d), 1);
		System::assert_last_event(
			Event::ContributionWithdrawn {
				dataset: d,
				contribution: 1,
				contributor: BOB,
				amount: deposit,
			}
			.into(),
		);
		// The file may be contributed again; ids are not reused.
		assert_ok!(Datasets::add_contribution(RuntimeOrigin::signed(BOB), d, h(2), 5, uri(2)));
		assert_eq!(ContentHashes::<Test>::get(h(2)), Some(ContributionRef::new(d, 2)));
		let live: Vec<_> =
			Datasets::live_contributions(d, u32::MAX).iter().map(|c| c.contribution).collect();
		assert_eq!(live, vec![ContributionRef::new(d, 0), ContributionRef::new(d, 2)]);
	});
}

#[test]
fn withdraw_contribution_rejects_bad_input_without_changes() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		assert_ok!(Datasets::add_contribution(RuntimeOrigin::signed(BOB), d, h(2), 5, uri(2)));
		assert_fails_unchanged!(
			Datasets::withdraw_contribution(RuntimeOrigin::signed(BOB), 9, 1),
			Error::<Test>::UnknownDataset
		);
		assert_fails_unchanged!(
			Datasets::withdraw_contribution(RuntimeOrigin::signed(BOB), d, 7),
			Error::<Test>::UnknownContribution
		);
		assert_fails_unchanged!(
			Datasets::withdraw_contribution(RuntimeOrigin::signed(CHARLIE), d, 1),
			Error::<Test>::NotContributor
		);
		assert_fails_unchanged!(
			Datasets::withdraw_contribution(RuntimeOrigin::signed(ALICE), d, 0),
			Error::<Test>::OwnerFile
		);
	});
}

#[test]
fn the_owner_curates_an_open_dataset_that_strangers_filled() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		for i in 1..MAX_CONTRIBUTIONS as u8 {
			assert_ok!(Datasets::add_contribution(
				RuntimeOrigin::signed(BOB),
				d,
				h(10 + i),
				u32::MAX,
				uri(i)
			));
		}
		// Full: the owner is locked out.
		assert_fails_unchanged!(
			Datasets::add_contribution(RuntimeOrigin::signed(ALICE), d, h(50), 1, uri(50)),
			Error::<Test>::TooManyContributions
		);
		let deposit = Datasets::contribution_deposit(uri(1).len() as u32);
		assert_ok!(Datasets::set_open(RuntimeOrigin::signed(ALICE), d, false));
		assert_ok!(Datasets::remove_contribution(RuntimeOrigin::signed(ALICE), d, 1));
		System::assert_last_event(
			Event::ContributionRemoved {
				dataset: d,
				contribution: 1,
				contributor: BOB,
				amount: deposit,
			}
			.into(),
		);
		assert_eq!(
			held(BOB, HoldReason::ContributionDeposit),
			deposit * (MAX_CONTRIBUTIONS as u64 - 2),
			"the removed contribution's deposit went back to its contributor"
		);
		// The slot is free again for the owner.
		assert_ok!(Datasets::add_contribution(RuntimeOrigin::signed(ALICE), d, h(50), 1, uri(50)));
		assert_eq!(Datasets::contribution_count(d), MAX_CONTRIBUTIONS);
	});
}

#[test]
fn remove_contribution_rejects_bad_input_without_changes() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		assert_ok!(Datasets::add_contribution(RuntimeOrigin::signed(BOB), d, h(2), 5, uri(2)));
		assert_fails_unchanged!(
			Datasets::remove_contribution(RuntimeOrigin::signed(ALICE), 9, 1),
			Error::<Test>::UnknownDataset
		);
		assert_fails_unchanged!(
			Datasets::remove_contribution(RuntimeOrigin::signed(BOB), d, 1),
			Error::<Test>::NotOwner
		);
		assert_fails_unchanged!(
			Datasets::remove_contribution(RuntimeOrigin::signed(ALICE), d, 0),
			Error::<Test>::OwnerFile
		);
		assert_fails_unchanged!(
			Datasets::remove_contribution(RuntimeOrigin::signed(ALICE), d, 5),
			Error::<Test>::UnknownContribution
		);
	});
}

#[test]
fn retirement_and_release_leave_no_contribution_storage() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		assert_ok!(Datasets::add_contribution(RuntimeOrigin::signed(BOB), d, h(2), 5, uri(2)));
		assert_ok!(Datasets::add_contribution(RuntimeOrigin::signed(CHARLIE), d, h(3), 5, uri(3)));
		assert_ok!(Datasets::retire_dataset(RuntimeOrigin::signed(ALICE), d));
		assert_ok!(Datasets::release_contribution_deposit(RuntimeOrigin::signed(BOB), d, 1));
		assert_ok!(Datasets::withdraw_contribution(RuntimeOrigin::signed(CHARLIE), d, 2));
		assert_eq!(Contributions::<Test>::iter_prefix(d).count(), 0);
		assert_eq!(ContentHashes::<Test>::iter().count(), 0);
		for who in [ALICE, BOB, CHARLIE] {
			assert_eq!(Balances::balance(&who), RICH, "every deposit is back");
		}
		// A fixed-size record of the dataset stays for ids and history.
		let info = DatasetStore::<Test>::get(d).unwrap();
		assert!(info.retired && info.uri.is_empty() && info.metadata.is_empty());
		assert_eq!(info.live_contributions, 0);
	});
}

#[test]
fn content_hashes_are_keyed_through_a_hashing_hasher() {
	build_and_execute(|| {
		// Blake2_128Concat: pallet + storage prefixes (32) + 16-byte hash + the 32-byte key.
		assert_eq!(ContentHashes::<Test>::hashed_key_for(h(1)).len(), 32 + 16 + 32);
	});
}

// ---------------------------------------------------------------- DatasetsInspect

#[test]
fn model_use_follows_the_license() {
	build_and_execute(|| {
		let open = register(ALICE, 1, OPEN_COMMERCIAL);
		let research = register(ALICE, 2, NON_COMMERCIAL);
		let gated = register(ALICE, 3, APPROVAL_ONLY);
		assert_eq!(Datasets::check_model_use(open, 0, true), Ok(()));
		assert_eq!(Datasets::check_model_use(research, 0, false), Ok(()));
		assert_eq!(
			Datasets::check_model_use(research, 0, true),
			Err(DatasetUseError::NonCommercial)
		);
		assert_eq!(Datasets::check_model_use(gated, 0, false), Err(DatasetUseError::NotApproved));
		assert_eq!(Datasets::check_model_use(42, 0, false), Err(DatasetUseError::UnknownDataset));
		assert_ok!(Datasets::retire_dataset(RuntimeOrigin::signed(ALICE), open));
		assert_eq!(Datasets::check_model_use(open, 0, true), Err(DatasetUseError::Retired));
	});
}

#[test]
fn inspect_lists_contributions_in_id_order() {
	build_and_execute(|| {
		let d = register(ALICE, 1, OPEN_COMMERCIAL);
		assert_ok!(Datasets::add_contribution(RuntimeOrigin::signed(BOB), d, h(2), 40, uri(2)));
		assert_ok!(Datasets::add_contribution(RuntimeOrigin::signed(CHARLIE), d, h(3), 60, uri(3)));
		let list = Datasets::contributions(d, u32::MAX);
		let view: Vec<_> =
			list.iter().map(|c| (c.contribution.contribution, c.contributor, c.records)).collect();
		assert_eq!(view, vec![(0, ALICE, 1), (1, BOB, 40), (2, CHARLIE, 60)]);
		assert_eq!(Datasets::contribution(ContributionRef::new(d, 2)), Some((CHARLIE, 60)));
		assert_eq!(Datasets::contribution(ContributionRef::new(d, 3)), None);
		assert_eq!(Datasets::contribution_count(d), 3);
		assert_eq!(Datasets::contribution_count(9), 0);
		assert!(Datasets::contributions(9, u32::MAX).is_empty());
		let first_two: Vec<_> =
			Datasets::contributions(d, 2).iter().map(|c| c.contributor).collect();
		assert_eq!(first_two, vec![ALICE, BOB], "the limit bounds the list");
		assert_eq!(Datasets::dataset_owner(d), Some(ALICE));
		assert_eq!(Datasets::dataset_owner(9), None);
	});
}

// ---------------------------------------------------------------- invariants

#[test]
fn try_state_detects_a_deposit_out_of_step_with_holds() {
	new_test_ext().execute_with(|| {
		register(ALICE, 1, OPEN_COMMERCIAL);
		assert!(Datasets::do_try_state().is_ok());
		DatasetStore::<Test>::mutate(0, |d| d.as_mut().unwrap().deposit += 1);
		assert!(Datasets::do_try_state().is_err());
	});
}

#[test]
fn try_state_detects_a_dangling_content_hash() {
	new_test_ext().execute_with(|| {
		register(ALICE, 1, OPEN_COMMERCIAL);
		ContentHashes::<Test>::insert(h(9), ContributionRef::new(0, 5));
		assert!(Datasets::do_try_state().is_err());
	});
}
