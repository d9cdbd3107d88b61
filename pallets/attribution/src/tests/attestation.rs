//! Commit and reveal: every way an attestation can be wrong, its authorization in the pool,
//! the attestor key registry and the quorum as chain state.

use super::*;
use crate::{Call, Commitments, Error, Event, KeyOwners, Quorum, Reveals, Totals, COMMIT_DOMAIN};
use frame_support::{
	pallet_prelude::{InvalidTransaction, TransactionSource, TransactionValidityError},
	traits::Authorize,
};
use sp_runtime::DispatchError;

fn authorize_commit(
	who: AccountId,
	id: u64,
	scores: &Scores,
) -> Result<(), TransactionValidityError> {
	let (commitment, signature) = signed_commitment(who, id, scores);
	Call::<Test>::commit_attribution { commitment, signature }
		.authorize(TransactionSource::External)
		.expect("the call is authorized by the pallet")
		.map(|_| ())
}

fn authorize_reveal(
	who: AccountId,
	id: u64,
	scores: &Scores,
) -> Result<(), TransactionValidityError> {
	let (reveal, signature) = signed_reveal(who, id, scores);
	Call::<Test>::reveal_attribution { reveal, signature }
		.authorize(TransactionSource::External)
		.expect("the call is authorized by the pallet")
		.map(|_| ())
}

// ---------------------------------------------------------------- commit

#[test]
fn commitments_reject_bad_input_without_changes() {
	build_and_execute(|| {
		let id = settle(0);
		// A key no attestor registered.
		let (mut commitment, _) = signed_commitment(ATT1, id, &half_half());
		commitment.key = attestor_key(99);
		let signature = attestor_sign(
			99,
			&signed_bytes(COMMIT_DOMAIN, &Attribution::genesis_hash(), &commitment),
		);
		assert_fails_unchanged!(
			submit_commit(commitment, signature),
			Error::<Test>::UnknownAttestorKey
		);
		// A registered key whose account is no longer in good standing.
		MockStaking::unbond(ATT3);
		assert_fails_unchanged!(commit(ATT3, id, &half_half()), Error::<Test>::NotAttestor);
		assert_fails_unchanged!(commit(ATT1, 99, &half_half()), Error::<Test>::UnknownInference);
		// Signed by another key than the one named.
		let (commitment, _) = signed_commitment(ATT1, id, &half_half());
		let (_, wrong) = signed_commitment(ATT2, id, &half_half());
		assert_fails_unchanged!(submit_commit(commitment, wrong), Error::<Test>::BadSignature);
		// A signature over a reveal payload is not one over a commitment (domain tags).
		let (commitment, _) = signed_commitment(ATT1, id, &half_half());
		let replayed = attestor_sign(
			ATT1,
			&signed_bytes(crate::REVEAL_DOMAIN, &Attribution::genesis_hash(), &commitment),
		);
		assert_fails_unchanged!(submit_commit(commitment, replayed), Error::<Test>::BadSignature);
		// Only through the authorized path.
		let (commitment, signature) = signed_commitment(ATT1, id, &half_half());
		assert_fails_unchanged!(
			Attribution::commit_attribution(RuntimeOrigin::signed(ATT1), commitment, signature),
			DispatchError::BadOrigin
		);
		assert_ok!(commit(ATT1, id, &half_half()));
		assert_fails_unchanged!(commit(ATT1, id, &half_half()), Error::<Test>::AlreadySubmitted);
		System::assert_last_event(
			Event::AttributionCommitted {
				inference: id,
				attestor: ATT1,
				commitment: signed_commitment(ATT1, id, &half_half()).0.commitment,
			}
			.into(),
		);
	});
}

#[test]
fn commitments_are_bounded() {
	build_and_execute(|| {
		let id = settle(0);
		for who in [50, 51] {
			assert_ok!(Attribution::register_attestor_key(
				RuntimeOrigin::root(),
				who,
				attestor_key(who)
			));
			MockStaking::bond(who);
		}
		// MaxAttestors = 4 commitments; the fifth finds no room.
		for who in [ATT1, ATT2, ATT3, 50] {
			assert_ok!(commit(who, id, &half_half()));
		}
		assert_fails_unchanged!(commit(51, id, &half_half()), Error::<Test>::TooManyAttestations);
		assert_eq!(Commitments::<Test>::get(id).len(), 4);
	});
}

#[test]
fn an_attestor_cannot_attest_its_own_payment_model_or_earnings() {
	build_and_execute(|| {
		// DEV pays and OWNER owns model 0: both made attestors, both refused.
		for who in [DEV, OWNER] {
			assert_ok!(Attribution::register_attestor_key(
				RuntimeOrigin::root(),
				who,
				attestor_key(who)
			));
			MockStaking::bond(who);
		}
		let id = settle(0);
		assert_fails_unchanged!(commit(DEV, id, &half_half()), Error::<Test>::ConflictOfInterest);
		assert_fails_unchanged!(commit(OWNER, id, &half_half()), Error::<Test>::ConflictOfInterest);
		// ATT1 adds a contribution of its own and attests 100% to it: refused at the reveal.
		MockDatasets::add(0, 7, ATT1, 1);
		let selfish: Scores = vec![(c(0, 7), Perbill::one())];
		assert_ok!(commit(ATT1, id, &selfish));
		assert_ok!(commit(ATT2, id, &half_half()));
		assert_fails_unchanged!(reveal(ATT1, id, &selfish), Error::<Test>::ConflictOfInterest);
		assert_eq!(unclaimed(ATT1), 0);
	});
}

// ---------------------------------------------------------------- reveal

#[test]
fn reveals_reject_bad_scores_without_changes() {
	build_and_execute(|| {
		Quorum::<Test>::put(1);
		let p = Perbill::from_percent;
		let cases: Vec<(Scores, Error<Test>)> = vec![
			(vec![], Error::<Test>::EmptyScores),
			(
				(0..17).map(|i| (c(0, i), Perbill::from_parts(1))).collect(),
				Error::<Test>::TooManyScores,
			),
			(vec![(c(1, 0), p(50)), (c(0, 0), p(50))], Error::<Test>::UnsortedScores),
			(vec![(c(0, 0), p(50)), (c(0, 0), p(50))], Error::<Test>::UnsortedScores),
			(vec![(c(0, 0), p(0)), (c(1, 0), p(100))], Error::<Test>::ZeroShare),
			(vec![(c(0, 0), p(50)), (c(1, 0), p(49))], Error::<Test>::SharesNotComplete),
			(vec![(c(0, 0), p(50)), (c(0, 9), p(50))], Error::<Test>::UnknownContribution),
			(vec![(c(0, 0), p(50)), (c(5, 0), p(50))], Error::<Test>::ContributionNotInModel),
		];
		for (scores, error) in cases {
			let id = settle(0);
			assert_ok!(commit(ATT1, id, &scores));
			assert_fails_unchanged!(reveal(ATT1, id, &scores), error);
		}
	});
}

#[test]
fn a_reveal_counts_only_after_its_own_commitment() {
	build_and_execute(|| {
		let id = settle(0);
		assert_ok!(commit(ATT1, id, &half_half()));
		assert_ok!(commit(ATT2, id, &half_half()));
		assert_ok!(reveal(ATT1, id, &half_half()));
		// ATT3 saw ATT1's reveal and copies it without having committed: refused, in the pool
		// too.
		assert_fails_unchanged!(reveal(ATT3, id, &half_half()), Error::<Test>::NoCommitment);
		assert_eq!(
			authorize_reveal(ATT3, id, &half_half()),
			Err(code(Error::<Test>::NoCommitment))
		);
		// Committing only now is too late to matter: the honest quorum settles first.
		assert_ok!(reveal(ATT2, id, &half_half()));
		assert!(!Inferences::<Test>::contains_key(id));
		assert_eq!(Totals::<Test>::get().inferences_settled, 1);
	});
}

#[test]
fn reveals_must_match_the_commitment_and_wait_for_the_window() {
	build_and_execute(|| {
		let id = settle(0);
		assert_ok!(commit(ATT1, id, &half_half()));
		// One commitment of a quorum of two, inside the commit window.
		assert_fails_unchanged!(reveal(ATT1, id, &half_half()), Error::<Test>::RevealTooEarly);
		assert_eq!(
			authorize_reveal(ATT1, id, &half_half()),
			Err(code(Error::<Test>::RevealTooEarly))
		);
		run_to_block(1 + COMMIT_WINDOW);
		let other: Scores = vec![(c(0, 0), Perbill::one())];
		assert_fails_unchanged!(reveal(ATT1, id, &other), Error::<Test>::CommitmentMismatch);
		// The right result under another salt does not match either.
		let (mut r, _) = signed_reveal(ATT1, id, &half_half());
		r.salt = [0xee; 32];
		let signature = attestor_sign(
			ATT1,
			&signed_bytes(crate::REVEAL_DOMAIN, &Attribution::genesis_hash(), &r),
		);
		assert_fails_unchanged!(submit_reveal(r, signature), Error::<Test>::CommitmentMismatch);
		let (r, _) = signed_reveal(ATT1, id, &half_half());
		let (_, wrong) = signed_reveal(ATT2, id, &half_half());
		assert_fails_unchanged!(submit_reveal(r, wrong), Error::<Test>::BadSignature);
		assert_ok!(reveal(ATT1, id, &half_half()));
		assert_fails_unchanged!(reveal(ATT1, id, &half_half()), Error::<Test>::AlreadySubmitted);
		assert_eq!(Reveals::<Test>::get(id).len(), 1);
		assert!(Inferences::<Test>::contains_key(id), "one reveal of a quorum of two");
	});
}

#[test]
fn the_result_hash_binds_the_index_the_inference_was_paid_against() {
	build_and_execute(|| {
		let id = settle(0);
		let paid_against = Inferences::<Test>::get(id).unwrap().index_hash;
		// The owner swaps the index after payment: the pending inference keeps the old one.
		MockModels::set_index(0, sp_core::H256::repeat_byte(0xaa));
		assert_eq!(Inferences::<Test>::get(id).unwrap().index_hash, paid_against);
		let a = result_hash(ENGINE_VERSION, id, &paid_against, &half_half());
		let b = result_hash(ENGINE_VERSION, id, &sp_core::H256::repeat_byte(0xaa), &half_half());
		let other_engine = result_hash(ENGINE_VERSION + 1, id, &paid_against, &half_half());
		let other_inference = result_hash(ENGINE_VERSION, id + 1, &paid_against, &half_half());
		assert!(a != b && a != other_engine && a != other_inference);
		reach_quorum(id, half_half());
		assert_eq!(Totals::<Test>::get().inferences_settled, 1);
	});
}

// ---------------------------------------------------------------- authorization

#[test]
fn the_pool_admits_exactly_what_the_dispatch_accepts() {
	build_and_execute(|| {
		let id = settle(0);
		let (commitment, signature) = signed_commitment(ATT1, id, &half_half());
		let (valid, refund) = Call::<Test>::commit_attribution { commitment, signature }
			.authorize(TransactionSource::External)
			.unwrap()
			.unwrap();
		assert_eq!(refund, frame_support::weights::Weight::zero());
		assert_eq!(valid.longevity, LONGEVITY);
		assert!(valid.propagate);
		assert_eq!(valid.provides.len(), 1);
		assert!(valid.requires.is_empty());
		// Each attestor provides its own tag; the same attestor's two commitments clash.
		let (c2, s2) = signed_commitment(ATT2, id, &half_half());
		let (valid2, _) = Call::<Test>::commit_attribution { commitment: c2, signature: s2 }
			.authorize(TransactionSource::External)
			.unwrap()
			.unwrap();
		assert_ne!(valid.provides, valid2.provides);
		assert_eq!(authorize_commit(ATT1, 99, &half_half()), Err(InvalidTransaction::Stale.into()));
		MockStaking::unbond(ATT3);
		assert_eq!(authorize_commit(ATT3, id, &half_half()), Err(code(Error::<Test>::NotAttestor)));
		assert_ok!(commit(ATT1, id, &half_half()));
		assert_eq!(authorize_commit(ATT1, id, &half_half()), Err(InvalidTransaction::Stale.into()));
		assert_ok!(commit(ATT2, id, &half_half()));
		assert_eq!(authorize_reveal(ATT1, id, &half_half()), Ok(()));
		assert_eq!(
			authorize_reveal(ATT1, id, &vec![(c(0, 0), Perbill::one())]),
			Err(code(Error::<Test>::CommitmentMismatch))
		);
	});
}

// ---------------------------------------------------------------- keys and quorum

#[test]
fn attestor_keys_register_rotate_and_retire() {
	build_and_execute(|| {
		let id = settle(0);
		assert_fails_unchanged!(
			Attribution::register_attestor_key(RuntimeOrigin::signed(ATT1), 50, attestor_key(50)),
			DispatchError::BadOrigin
		);
		assert_fails_unchanged!(
			Attribution::register_attestor_key(RuntimeOrigin::root(), ATT1, attestor_key(50)),
			Error::<Test>::AlreadyHasKey
		);
		assert_fails_unchanged!(
			Attribution::register_attestor_key(RuntimeOrigin::root(), 50, attestor_key(ATT1)),
			Error::<Test>::KeyInUse
		);
		assert_fails_unchanged!(
			Attribution::rotate_attestor_key(RuntimeOrigin::signed(ATT1), attestor_key(ATT2)),
			Error::<Test>::KeyInUse
		);
		assert_fails_unchanged!(
			Attribution::rotate_attestor_key(RuntimeOrigin::signed(50), attestor_key(50)),
			Error::<Test>::NoKey
		);
		// ATT1 commits with its old key, rotates to a new one (seed of account 77), and
		// reveals with the new key: commitments belong to the account.
		assert_ok!(commit(ATT1, id, &half_half()));
		assert_ok!(commit(ATT2, id, &half_half()));
		let old = attestor_key(ATT1);
		assert_ok!(Attribution::rotate_attestor_key(RuntimeOrigin::signed(ATT1), attestor_key(77)));
		System::assert_last_event(
			Event::AttestorKeySet { attestor: ATT1, key: attestor_key(77) }.into(),
		);
		assert_eq!(KeyOwners::<Test>::get(&old), None);
		let (r, _) = signed_reveal(ATT1, id, &half_half());
		let old_signature = attestor_sign(
			ATT1,
			&signed_bytes(crate::REVEAL_DOMAIN, &Attribution::genesis_hash(), &r),
		);
		assert_fails_unchanged!(submit_reveal(r, old_signature), Error::<Test>::UnknownAttestorKey);
		let r = crate::Reveal { key: attestor_key(77), ..signed_reveal(ATT1, id, &half_half()).0 };
		let signature = attestor_sign(
			77,
			&signed_bytes(crate::REVEAL_DOMAIN, &Attribution::genesis_hash(), &r),
		);
		assert_ok!(submit_reveal(r, signature));
		// Removed by root: ATT2's key no longer counts.
		assert_ok!(Attribution::remove_attestor_key(RuntimeOrigin::root(), ATT2));
		assert_fails_unchanged!(reveal(ATT2, id, &half_half()), Error::<Test>::UnknownAttestorKey);
		assert_fails_unchanged!(
			Attribution::remove_attestor_key(RuntimeOrigin::root(), ATT2),
			Error::<Test>::NoKey
		);
	});
}

#[test]
fn the_quorum_is_chain_state_set_by_root() {
	build_and_execute(|| {
		assert_eq!(Quorum::<Test>::get(), 2, "from genesis");
		for bad in [0, 5] {
			assert_fails_unchanged!(
				Attribution::set_quorum(RuntimeOrigin::root(), bad),
				Error::<Test>::BadQuorum
			);
		}
		assert_fails_unchanged!(
			Attribution::set_quorum(RuntimeOrigin::signed(ATT1), 1),
			DispatchError::BadOrigin
		);
		assert_ok!(Attribution::set_quorum(RuntimeOrigin::root(), 1));
		System::assert_last_event(Event::QuorumSet { quorum: 1 }.into());
		// One commitment now opens reveals, and one reveal settles.
		let id = settle(0);
		assert_ok!(commit(ATT1, id, &half_half()));
		assert_ok!(reveal(ATT1, id, &half_half()));
		assert!(!Inferences::<Test>::contains_key(id));
	});
}

#[test]
fn the_weight_of_a_reveal_counts_its_datasets() {
	let one = Attribution::reveal_weight(&[(c(0, 0), Perbill::one())]);
	let same = Attribution::reveal_weight(&[
		(c(0, 0), Perbill::from_percent(50)),
		(c(0, 1), Perbill::from_percent(50)),
	]);
	let two = Attribution::reveal_weight(&half_half());
	assert!(one.all_lt(same) && same.all_lt(two), "{one:?} < {same:?} < {two:?}");
}

#[test]
fn a_settling_reveal_is_charged_for_the_dissenters_beyond_its_benchmark() {
	use frame_support::dispatch::GetDispatchInfo;
	build_and_execute(|| {
		// The single reveal's benchmark rewards MaxAttestors / 2 = 2 attestors and slashes the
		// other 2; this quorum is 3.
		Quorum::<Test>::put(3);
		let scores = half_half();
		let id = settle(0);
		for who in [ATT1, ATT2, ATT3] {
			assert_ok!(commit(who, id, &scores));
		}
		assert_ok!(reveal(ATT1, id, &scores));
		assert_ok!(reveal(ATT2, id, &scores));
		let (last, signature) = signed_reveal(ATT3, id, &scores);
		let charged =
			Call::<Test>::reveal_attribution { reveal: last.clone(), signature: signature.clone() }
				.get_dispatch_info()
				.call_weight;
		let post = Attribution::reveal_attribution(authorized(), last.clone(), signature)
			.expect("the third reveal settles");
		assert!(!Inferences::<Test>::contains_key(id), "settled");
		// The benchmark's two dissenter slots cover the third winner: nothing more is used.
		let used = Attribution::reveal_weight(&last.scores);
		assert_eq!(post.actual_weight, Some(used));
		// Charged before: room for one dissenter more than the benchmark's (a quorum below
		// the benchmarked one leaves room for more dissenters).
		assert_eq!(charged, used.saturating_add(<() as crate::WeightInfo>::dissent(1)));
	});
}
