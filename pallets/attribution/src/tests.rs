//! Unit and property tests of settlement: escrow, attestation rules, quorum payouts, the
//! timeout split, and conservation of every escrowed unit.

use crate::{
	mock::*, result_hash, Attestations, ContributorEarnings, Earnings, Error, Event, ExpiryCursor,
	Inferences, NextInferenceId, Scores, Totals,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::Inspect, Currency},
};
use sp_runtime::{DispatchError, Perbill};
use tributary_primitives::ContributionRef;

fn c(dataset: u32, contribution: u32) -> ContributionRef {
	ContributionRef::new(dataset, contribution)
}

fn half_half() -> Scores {
	vec![(c(0, 0), Perbill::from_percent(50)), (c(1, 0), Perbill::from_percent(50))]
}

fn query() -> Vec<u8> {
	b"alcohol,malic_acid\n13.2,1.78\n".to_vec()
}

fn free(who: AccountId) -> Balance {
	Balances::balance(&who)
}

fn escrow() -> Balance {
	free(Attribution::escrow_account())
}

/// Every account the tests touch, with its balance.
fn all_balances() -> Vec<Balance> {
	[DEV, BROKE, OWNER, BASE_OWNER, ATT1, ATT2, ATT3, C1, C2, C3, OUTSIDER, PROTOCOL, REWARDS]
		.iter()
		.map(|a| free(*a))
		.chain([escrow()])
		.collect()
}

macro_rules! assert_fails_unchanged {
	($call:expr, $err:expr) => {{
		let before = all_balances();
		assert_noop!($call, $err);
		assert_eq!(all_balances(), before, "balances changed by a failed call");
	}};
}

/// Claims `who`'s earnings.
fn claim(who: AccountId) {
	assert_ok!(Attribution::claim_earnings(RuntimeOrigin::signed(who)));
}

/// `who`'s unclaimed earnings.
fn unclaimed(who: AccountId) -> Balance {
	ContributorEarnings::<Test>::get(who).unclaimed
}

/// ATT1 and ATT2 (the mock's quorum) submit `scores` for `id`.
fn reach_quorum(id: u64, scores: Scores) {
	for att in [ATT1, ATT2] {
		assert_ok!(Attribution::submit_attribution(RuntimeOrigin::signed(att), id, scores.clone()));
	}
}

fn settle(model: u32) -> u64 {
	let id = crate::NextInferenceId::<Test>::get();
	assert_ok!(Attribution::settle_inference(RuntimeOrigin::signed(DEV), model, query(), 10_000));
	id
}

// ---------------------------------------------------------------- settle_inference

#[test]
fn settle_inference_escrows_the_fee() {
	build_and_execute(|| {
		let id = settle(0);
		assert_eq!(escrow(), ED + 1_000);
		assert_eq!(free(DEV), 1_000_000 - 1_000);
		let pending = Inferences::<Test>::get(id).expect("pending");
		assert_eq!((pending.model, pending.payer, pending.fee), (0, DEV, 1_000));
		assert_eq!(pending.query.to_vec(), query());
		assert_eq!(pending.deadline, 1 + TIMEOUT);
		System::assert_last_event(
			Event::InferenceSubmitted { inference: id, model: 0, payer: DEV, fee: 1_000 }.into(),
		);
		assert_eq!(Totals::<Test>::get().paying_developers, 1);
		settle(0);
		assert_eq!(Totals::<Test>::get().paying_developers, 1, "a developer counts once");
	});
}

#[test]
fn settle_inference_rejects_bad_input_without_changes() {
	build_and_execute(|| {
		let dev = RuntimeOrigin::signed(DEV);
		assert_fails_unchanged!(
			Attribution::settle_inference(dev.clone(), 9, query(), 10_000),
			Error::<Test>::UnknownModel
		);
		assert_fails_unchanged!(
			Attribution::settle_inference(dev.clone(), 2, query(), 10_000),
			Error::<Test>::ModelRetired
		);
		assert_fails_unchanged!(
			Attribution::settle_inference(dev.clone(), 0, query(), 999),
			Error::<Test>::FeeAboveMax
		);
		assert_fails_unchanged!(
			Attribution::settle_inference(dev.clone(), 0, vec![], 10_000),
			Error::<Test>::EmptyQuery
		);
		assert_fails_unchanged!(
			Attribution::settle_inference(dev.clone(), 0, vec![b'q'; 65], 10_000),
			Error::<Test>::QueryTooLong
		);
		assert_fails_unchanged!(
			Attribution::settle_inference(RuntimeOrigin::signed(BROKE), 0, query(), 10_000),
			Error::<Test>::InsufficientBalance
		);
		assert_fails_unchanged!(
			Attribution::settle_inference(RuntimeOrigin::none(), 0, query(), 10_000),
			DispatchError::BadOrigin
		);
		NextInferenceId::<Test>::put(u64::MAX);
		assert_fails_unchanged!(
			Attribution::settle_inference(dev, 0, query(), 10_000),
			Error::<Test>::IdOverflow
		);
	});
}

#[test]
fn batches_settle_all_or_nothing() {
	build_and_execute(|| {
		let dev = RuntimeOrigin::signed(DEV);
		assert_ok!(Attribution::settle_inferences(
			dev.clone(),
			vec![(0, query(), 1_000), (1, query(), 100)]
		));
		assert_eq!(escrow(), ED + 1_100);
		assert_eq!(crate::NextInferenceId::<Test>::get(), 2);
		assert_fails_unchanged!(
			Attribution::settle_inferences(dev.clone(), vec![(0, query(), 1_000), (9, query(), 1)]),
			Error::<Test>::UnknownModel
		);
		assert_fails_unchanged!(
			Attribution::settle_inferences(dev.clone(), vec![]),
			Error::<Test>::BadBatch
		);
		assert_fails_unchanged!(
			Attribution::settle_inferences(dev, vec![(0, query(), 1_000); 5]),
			Error::<Test>::BadBatch
		);
	});
}

// ---------------------------------------------------------------- submit_attribution

#[test]
fn submit_attribution_rejects_bad_scores_without_changes() {
	build_and_execute(|| {
		let id = settle(0);
		let att = RuntimeOrigin::signed(ATT1);
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
			assert_fails_unchanged!(
				Attribution::submit_attribution(att.clone(), id, scores),
				error
			);
		}
		assert_fails_unchanged!(
			Attribution::submit_attribution(RuntimeOrigin::signed(DEV), id, half_half()),
			Error::<Test>::NotAttestor
		);
		assert_fails_unchanged!(
			Attribution::submit_attribution(att.clone(), 99, half_half()),
			Error::<Test>::UnknownInference
		);
		assert_ok!(Attribution::submit_attribution(att.clone(), id, half_half()));
		assert_fails_unchanged!(
			Attribution::submit_attribution(att, id, half_half()),
			Error::<Test>::AlreadySubmitted
		);
	});
}

#[test]
fn attestations_are_bounded() {
	build_and_execute(|| {
		let id = settle(0);
		// Four attestors (MaxAttestors) disagree, so no quorum: a fifth finds no room.
		let results = [
			vec![(c(0, 0), Perbill::one())],
			vec![(c(0, 1), Perbill::one())],
			vec![(c(1, 0), Perbill::one())],
			half_half(),
		];
		for (i, scores) in results.into_iter().enumerate() {
			let attestor = 50 + i as AccountId;
			MockStaking::bond(attestor);
			assert_ok!(Attribution::submit_attribution(
				RuntimeOrigin::signed(attestor),
				id,
				scores
			));
		}
		MockStaking::bond(60);
		assert_fails_unchanged!(
			Attribution::submit_attribution(RuntimeOrigin::signed(60), id, half_half()),
			Error::<Test>::TooManyAttestations
		);
	});
}

#[test]
fn attribution_batches_settle_and_skip_what_settled_meanwhile() {
	build_and_execute(|| {
		let (a, b, x) = (settle(0), settle(0), settle(0));
		// x reaches its quorum first, through single calls.
		assert_ok!(Attribution::submit_attribution(RuntimeOrigin::signed(ATT1), x, half_half()));
		assert_ok!(Attribution::submit_attribution(RuntimeOrigin::signed(ATT2), x, half_half()));
		assert_ok!(Attribution::submit_attributions(
			RuntimeOrigin::signed(ATT1),
			vec![(a, half_half()), (b, half_half())]
		));
		assert_eq!(Attestations::<Test>::get(a).len(), 1);
		// ATT3's batch names x, already settled: skipped, the others reach their quorum.
		assert_ok!(Attribution::submit_attributions(
			RuntimeOrigin::signed(ATT3),
			vec![(a, half_half()), (x, half_half()), (b, half_half())]
		));
		assert!(Inferences::<Test>::iter().next().is_none(), "a and b settled");
		assert_eq!(Totals::<Test>::get().inferences_settled, 3);
		assert_eq!(unclaimed(C1), 3 * 332);
	});
}

#[test]
fn attribution_batches_reject_bad_input_without_changes() {
	build_and_execute(|| {
		let (a, b) = (settle(0), settle(0));
		let att = RuntimeOrigin::signed(ATT1);
		assert_fails_unchanged!(
			Attribution::submit_attributions(att.clone(), vec![]),
			Error::<Test>::BadBatch
		);
		assert_fails_unchanged!(
			Attribution::submit_attributions(att.clone(), vec![(a, half_half()); 5]),
			Error::<Test>::BadBatch
		);
		// One bad item rejects the whole batch, including the good one before it.
		assert_fails_unchanged!(
			Attribution::submit_attributions(
				att.clone(),
				vec![(a, half_half()), (b, vec![(c(5, 0), Perbill::one())])]
			),
			Error::<Test>::ContributionNotInModel
		);
		assert_fails_unchanged!(
			Attribution::submit_attributions(
				att.clone(),
				vec![(a, half_half()), (99, half_half())]
			),
			Error::<Test>::UnknownInference
		);
		assert_fails_unchanged!(
			Attribution::submit_attributions(att.clone(), vec![(a, half_half()), (a, half_half())]),
			Error::<Test>::AlreadySubmitted
		);
		assert_fails_unchanged!(
			Attribution::submit_attributions(RuntimeOrigin::signed(DEV), vec![(a, half_half())]),
			Error::<Test>::NotAttestor
		);
		assert_fails_unchanged!(
			Attribution::submit_attributions(RuntimeOrigin::none(), vec![(a, half_half())]),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn the_weight_of_a_result_counts_its_datasets() {
	let one = Attribution::attribution_weight(&[(c(0, 0), Perbill::one())]);
	let same = Attribution::attribution_weight(&[
		(c(0, 0), Perbill::from_percent(50)),
		(c(0, 1), Perbill::from_percent(50)),
	]);
	let two = Attribution::attribution_weight(&half_half());
	assert!(one.all_lt(same) && same.all_lt(two), "{one:?} < {same:?} < {two:?}");
}

#[test]
fn a_single_attestation_records_without_paying() {
	build_and_execute(|| {
		let id = settle(0);
		assert_ok!(Attribution::submit_attribution(RuntimeOrigin::signed(ATT1), id, half_half()));
		System::assert_last_event(
			Event::AttributionSubmitted {
				inference: id,
				attestor: ATT1,
				result_hash: result_hash(&half_half()),
			}
			.into(),
		);
		assert_eq!(Attestations::<Test>::get(id).len(), 1);
		assert!(Inferences::<Test>::contains_key(id));
		assert_eq!(escrow(), ED + 1_000);
	});
}

#[test]
fn quorum_pays_everyone_exactly() {
	build_and_execute(|| {
		let id = settle(0);
		let before = all_balances();
		assert_ok!(Attribution::submit_attribution(RuntimeOrigin::signed(ATT3), id, {
			vec![(c(0, 0), Perbill::from_percent(100))]
		}));
		assert_ok!(Attribution::submit_attribution(RuntimeOrigin::signed(ATT1), id, half_half()));
		assert_ok!(Attribution::submit_attribution(RuntimeOrigin::signed(ATT2), id, half_half()));
		// fee 1000: protocol 5% = 50, of which 40% = 20 to the two attestors (10 each);
		// remainder 950: owner 190 + stakers 95 (no stake: to the owner) = 285, lineage 10%
		// of it = 28 to the base owner; contributors 665 → 332 + 332, 1 of dust.
		assert_eq!(free(ATT1), 110);
		assert_eq!(free(ATT2), 110);
		assert_eq!(free(ATT3), 100, "dissenter unpaid");
		assert_eq!(free(BASE_OWNER), 128);
		assert_eq!(free(OWNER), 100 + 257);
		assert_eq!((unclaimed(C1), unclaimed(C3)), (332, 332), "credited, not yet claimed");
		assert_eq!(unclaimed(C2), 0, "unattributed contributor unpaid");
		assert_eq!(free(PROTOCOL), ED + 31);
		assert_eq!(escrow(), ED + 664, "the escrow keeps the unclaimed earnings");
		claim(C1);
		claim(C3);
		assert_eq!(free(C1), 100 + 332);
		assert_eq!(free(C3), 332);
		assert_eq!(free(C2), 100);
		assert_eq!(escrow(), ED);
		System::assert_last_event(Event::EarningsClaimed { account: C3, amount: 332 }.into());
		assert_eq!(ContributorEarnings::<Test>::get(C3), Earnings { total: 332, unclaimed: 0 });
		System::assert_has_event(
			Event::InferenceSettled {
				inference: id,
				to_contributors: 664,
				to_model_owner: 285,
				to_stakers: 0,
				to_protocol: 51,
			}
			.into(),
		);
		System::assert_has_event(
			Event::AttestorsDissented { inference: id, attestors: vec![ATT3] }.into(),
		);
		System::assert_has_event(
			Event::ContributorPaid {
				inference: id,
				dataset: 1,
				contribution: 0,
				account: C3,
				amount: 332,
			}
			.into(),
		);
		assert!(!Inferences::<Test>::contains_key(id), "settled inferences are pruned");
		assert!(Attestations::<Test>::get(id).is_empty());
		let after = all_balances();
		assert_eq!(before.iter().sum::<Balance>(), after.iter().sum::<Balance>());
		let totals = Totals::<Test>::get();
		assert_eq!((totals.fees_settled, totals.paid_to_contributors), (1_000, 664));
		assert_eq!(totals.earning_contributors, 2);

		assert_eq!(crate::ModelRevenue::<Test>::get(0), 1_000);
		assert_eq!(crate::DatasetRevenue::<Test>::get(0), 332);
		// Late attestations find nothing to attest.
		assert_noop!(
			Attribution::submit_attribution(RuntimeOrigin::signed(ATT3), id, half_half()),
			Error::<Test>::UnknownInference
		);
	});
}

#[test]
fn stakers_are_credited_when_the_model_has_stake() {
	build_and_execute(|| {
		MockStaking::stake_on(0);
		let id = settle(0);
		assert_ok!(Attribution::submit_attribution(RuntimeOrigin::signed(ATT1), id, half_half()));
		assert_ok!(Attribution::submit_attribution(RuntimeOrigin::signed(ATT2), id, half_half()));
		assert_eq!(MockStaking::credited(0), 95);
		assert_eq!(free(REWARDS), ED + 95);
		// Owner part 190, lineage 19 of it.
		assert_eq!(free(BASE_OWNER), 119);
		assert_eq!(free(OWNER), 100 + 171);
		assert_eq!(escrow(), ED + unclaimed(C1) + unclaimed(C3));
	});
}

#[test]
fn timeout_splits_by_declared_records() {
	build_and_execute(|| {
		let id = settle(0);
		assert_ok!(Attribution::submit_attribution(RuntimeOrigin::signed(ATT1), id, half_half()));
		run_to_block(TIMEOUT);
		assert!(Inferences::<Test>::contains_key(id), "not before the deadline");
		run_to_block(1 + TIMEOUT);
		// contributors' 665 by records 10/30/60: 66, 199, 399 (1 of dust).
		assert_eq!((unclaimed(C1), unclaimed(C2), unclaimed(C3)), (66, 199, 399));
		for who in [C1, C2, C3] {
			claim(who);
		}
		assert_eq!(free(C1), 100 + 66);
		assert_eq!(free(C2), 100 + 199);
		assert_eq!(free(C3), 399);
		assert_eq!(free(ATT1), 100, "no quorum, no attestor reward");
		assert_eq!(escrow(), ED);
		System::assert_has_event(
			Event::InferenceSettledWithoutAttribution { inference: id }.into(),
		);
		assert!(!Inferences::<Test>::contains_key(id));
		assert!(Attestations::<Test>::get(id).is_empty(), "attestations pruned");
		assert_eq!(Totals::<Test>::get().settled_without_attribution, 1);
	});
}

#[test]
fn the_expiry_sweep_is_bounded_per_block_and_resumes() {
	build_and_execute(|| {
		// Five inferences due at the same block; the first is settled by its quorum.
		let ids: Vec<u64> = (0..5).map(|_| settle(0)).collect();
		assert_ok!(Attribution::submit_attribution(
			RuntimeOrigin::signed(ATT1),
			ids[0],
			half_half()
		));
		assert_ok!(Attribution::submit_attribution(
			RuntimeOrigin::signed(ATT2),
			ids[0],
			half_half()
		));
		run_to_block(1 + TIMEOUT);
		// MaxExpiredPerBlock = 2: the settled id is passed over, two expired ones settle.
		assert_eq!(Totals::<Test>::get().settled_without_attribution, 2);
		assert_eq!(ExpiryCursor::<Test>::get(), 3);
		run_to_block(2 + TIMEOUT);
		assert_eq!(Totals::<Test>::get().settled_without_attribution, 4);
		assert_eq!(ExpiryCursor::<Test>::get(), 5);
		assert!(Inferences::<Test>::iter().next().is_none());
	});
}

#[test]
fn the_expiry_sweep_stops_at_the_first_inference_not_yet_due() {
	build_and_execute(|| {
		let early = settle(0);
		run_to_block(3);
		let late = settle(0);
		run_to_block(1 + TIMEOUT);
		assert!(!Inferences::<Test>::contains_key(early));
		assert!(Inferences::<Test>::contains_key(late), "due at block 3 + TIMEOUT");
		assert_eq!(ExpiryCursor::<Test>::get(), late);
		run_to_block(3 + TIMEOUT);
		assert!(!Inferences::<Test>::contains_key(late));
	});
}

#[test]
fn on_idle_goes_on_with_the_sweep_within_the_weight_left() {
	use frame_support::{traits::Hooks, weights::Weight};
	build_and_execute(|| {
		for _ in 0..5 {
			settle(0);
		}
		System::set_block_number(1 + TIMEOUT);
		assert_eq!(Attribution::on_idle(1 + TIMEOUT, Weight::zero()), Weight::zero());
		assert_eq!(Totals::<Test>::get().settled_without_attribution, 0, "no weight, no work");
		let used = Attribution::on_idle(1 + TIMEOUT, Weight::MAX);
		assert_eq!(Totals::<Test>::get().settled_without_attribution, 5);
		assert!(used.any_gt(Weight::zero()));
	});
}

#[test]
fn claims_reject_bad_input_without_changes() {
	build_and_execute(|| {
		assert_fails_unchanged!(
			Attribution::claim_earnings(RuntimeOrigin::signed(C1)),
			Error::<Test>::NothingToClaim
		);
		assert_fails_unchanged!(
			Attribution::claim_earnings(RuntimeOrigin::none()),
			DispatchError::BadOrigin
		);
		// A fee of 6 leaves C3, a new account, 4 of earnings: below ED, so not claimable yet.
		MockModels::add(4, OWNER, 6, split(), vec![1], None);
		let id = settle(4);
		reach_quorum(id, vec![(c(1, 0), Perbill::one())]);
		assert_eq!(unclaimed(C3), 4);
		assert_fails_unchanged!(
			Attribution::claim_earnings(RuntimeOrigin::signed(C3)),
			Error::<Test>::ClaimBelowMinimum
		);
		// Once they reach the existential deposit, they are claimed whole.
		let id = settle(4);
		reach_quorum(id, vec![(c(1, 0), Perbill::one())]);
		claim(C3);
		assert_eq!(free(C3), 8);
		assert_eq!(ContributorEarnings::<Test>::get(C3), Earnings { total: 8, unclaimed: 0 });
		assert_eq!(escrow(), ED);
	});
}

#[test]
fn pending_inferences_pages_in_id_order() {
	build_and_execute(|| {
		let ids: Vec<u64> = (0..4).map(|_| settle(0)).collect();
		assert_ok!(Attribution::submit_attribution(
			RuntimeOrigin::signed(ATT1),
			ids[1],
			half_half()
		));
		assert_ok!(Attribution::submit_attribution(
			RuntimeOrigin::signed(ATT2),
			ids[1],
			half_half()
		));
		assert_ok!(Attribution::submit_attribution(
			RuntimeOrigin::signed(ATT1),
			ids[2],
			half_half()
		));
		let page = Attribution::pending_inferences(0, 2);
		let view: Vec<_> = page.iter().map(|p| (p.inference, p.attestations)).collect();
		assert_eq!(view, vec![(ids[0], 0), (ids[2], 1)], "settled ids are skipped");
		assert_eq!(page[0].query, query());
		assert_eq!((page[0].payer, page[0].fee, page[0].deadline), (DEV, 1_000, 1 + TIMEOUT));
		let rest: Vec<_> =
			Attribution::pending_inferences(ids[2] + 1, 10).iter().map(|p| p.inference).collect();
		assert_eq!(rest, vec![ids[3]]);
		assert!(Attribution::pending_inferences(0, 0).is_empty());
	});
}

// ---------------------------------------------------------------- conservation (property)

/// A small deterministic generator (64-bit LCG), so failures reproduce.
struct Lcg(u64);
impl Lcg {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
		self.0 >> 33
	}
	fn below(&mut self, n: u64) -> u64 {
		self.next() % n
	}
}

/// Random shares over `refs`: strictly increasing, each > 0, summing to exactly 100%.
fn random_scores(rng: &mut Lcg, refs: &[ContributionRef]) -> Scores {
	let k = 1 + rng.below(refs.len() as u64) as usize;
	let mut chosen: Vec<ContributionRef> = refs.to_vec();
	while chosen.len() > k {
		let i = rng.below(chosen.len() as u64) as usize;
		chosen.remove(i);
	}
	let weights: Vec<u64> = chosen.iter().map(|_| 1 + rng.below(1000)).collect();
	let sum: u64 = weights.iter().sum();
	let mut parts: Vec<u32> =
		weights.iter().map(|w| (*w as u128 * 1_000_000_000 / sum as u128) as u32).collect();
	let assigned: u32 = parts.iter().sum();
	parts[0] += 1_000_000_000 - assigned;
	chosen.into_iter().zip(parts).map(|(c, p)| (c, Perbill::from_parts(p))).collect()
}

#[test]
fn every_escrowed_unit_is_paid_out_exactly_once() {
	for seed in 0..20u64 {
		build_and_execute(|| {
			let mut rng = Lcg(seed);
			let issuance = Balances::total_issuance();
			let total_before: Balance = all_balances().iter().sum();
			// Random models: fee, split (contributors ≥ 50%), stake, lineage.
			for model in 10..14u32 {
				let contributors = 500_000_000 + rng.below(500_000_001) as u32;
				let stakers = rng.below((1_000_000_000 - contributors) as u64 + 1) as u32;
				let owner = 1_000_000_000 - contributors - stakers;
				let split = tributary_primitives::RewardSplit {
					model_owner: Perbill::from_parts(owner),
					stakers: Perbill::from_parts(stakers),
					contributors: Perbill::from_parts(contributors),
				};
				let base = if rng.below(2) == 0 { Some(1) } else { None };
				MockModels::add(model, OWNER, 1 + rng.below(10_000), split, vec![0, 1], base);
				if rng.below(2) == 0 {
					MockStaking::stake_on(model);
				}
			}
			let refs = [c(0, 0), c(0, 1), c(1, 0)];
			let mut ids = Vec::new();
			for _ in 0..6 {
				let model = 10 + rng.below(4) as u32;
				ids.push((settle(model), model));
			}
			for (id, _) in &ids {
				if rng.below(3) == 0 {
					continue; // left to the timeout split
				}
				let scores = random_scores(&mut rng, &refs);
				assert_ok!(Attribution::submit_attribution(
					RuntimeOrigin::signed(ATT1),
					*id,
					scores.clone()
				));
				assert_ok!(Attribution::submit_attribution(
					RuntimeOrigin::signed(ATT2),
					*id,
					scores
				));
			}
			// MaxExpiredPerBlock = 2: six inferences are all due within three blocks.
			run_to_block(4 + TIMEOUT);
			assert!(Inferences::<Test>::iter().next().is_none(), "all settled");
			let owed: Balance = [C1, C2, C3].iter().map(|a| unclaimed(*a)).sum();
			assert_eq!(escrow(), ED + owed, "escrow holds exactly the unclaimed earnings");
			for who in [C1, C2, C3] {
				if unclaimed(who) > 0 && (free(who) > 0 || unclaimed(who) >= ED) {
					claim(who);
				}
			}
			let owed: Balance = [C1, C2, C3].iter().map(|a| unclaimed(*a)).sum();
			assert_eq!(escrow(), ED + owed, "claims leave the escrow exactly once");
			assert_eq!(Balances::total_issuance(), issuance, "settlement mints and burns nothing");
			assert_eq!(all_balances().iter().sum::<Balance>(), total_before);
			assert_eq!(free(OUTSIDER), 100, "no credit outside the model's datasets");
			assert_eq!(ContributorEarnings::<Test>::get(OUTSIDER).total, 0);
			let earned: Balance =
				[C1, C2, C3].iter().map(|a| ContributorEarnings::<Test>::get(a).total).sum();
			assert_eq!(earned, Totals::<Test>::get().paid_to_contributors);
			let staker_credit: Balance = (10..14).map(MockStaking::credited).sum();
			assert_eq!(free(REWARDS), ED + staker_credit, "stakers' funds match their credit");
			let totals = Totals::<Test>::get();
			assert_eq!(totals.inferences_settled, 6);
			// Each InferenceSettled event's parts sum to that inference's fee.
			let settled: Vec<_> = System::events()
				.into_iter()
				.filter_map(|r| match r.event {
					RuntimeEvent::Attribution(Event::InferenceSettled {
						to_contributors,
						to_model_owner,
						to_stakers,
						to_protocol,
						..
					}) => Some(to_contributors + to_model_owner + to_stakers + to_protocol),
					_ => None,
				})
				.collect();
			assert_eq!(settled.iter().sum::<Balance>(), totals.fees_settled);
		});
	}
}

// ---------------------------------------------------------------- invariants

#[test]
fn try_state_detects_an_underfunded_escrow() {
	new_test_ext().execute_with(|| {
		settle(0);
		assert!(Attribution::do_try_state().is_ok());
		let _ = Balances::make_free_balance_be(&Attribution::escrow_account(), 10);
		assert!(Attribution::do_try_state().is_err());
	});
}
