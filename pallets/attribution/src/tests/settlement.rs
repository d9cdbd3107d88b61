//! Unit and property tests of settlement: escrow, result rules, quorum payouts, the
//! timeout split, and conservation of every escrowed unit.

use super::*;
use crate::{
	mock::*, ContributorEarnings, Earnings, Error, Event, ExpiryCursor, Inferences,
	NextInferenceId, Reveals, Scores, Totals,
};
use frame_support::{assert_noop, assert_ok, traits::Currency};
use sp_runtime::{DispatchError, Perbill};
use tributary_primitives::ContributionRef;

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

// ---------------------------------------------------------------- quorum payouts

#[test]
fn quorum_pays_everyone_exactly() {
	build_and_execute(|| {
		let id = settle(0);
		let before = all_balances();
		let dissent: Scores = vec![(c(0, 0), Perbill::from_percent(100))];
		attest(id, &[(ATT3, dissent.clone()), (ATT1, half_half()), (ATT2, half_half())]);
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
		let index_hash = sp_core::H256::repeat_byte(0);
		System::assert_has_event(
			Event::AttestorsDissented {
				inference: id,
				quorum_result: crate::result_hash(ENGINE_VERSION, id, &index_hash, &half_half()),
				attestors: vec![(
					ATT3,
					crate::result_hash(ENGINE_VERSION, id, &index_hash, &dissent),
					100,
				)],
			}
			.into(),
		);
		assert_eq!(MockStaking::slashed(ATT3), Some(Perbill::from_percent(10)));
		assert_eq!(MockStaking::slashed(ATT1), None, "the quorum is not slashed");
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
		assert!(Reveals::<Test>::get(id).is_empty());
		assert!(crate::Commitments::<Test>::get(id).is_empty());
		let after = all_balances();
		assert_eq!(before.iter().sum::<Balance>(), after.iter().sum::<Balance>());
		let totals = Totals::<Test>::get();
		assert_eq!((totals.fees_settled, totals.paid_to_contributors), (1_000, 664));
		assert_eq!(totals.earning_contributors, 2);

		assert_eq!(crate::ModelRevenue::<Test>::get(0), 1_000);
		assert_eq!(crate::DatasetRevenue::<Test>::get(0), 332);
		// Late attestations find nothing to attest.
		assert_noop!(commit(ATT3, id, &half_half()), Error::<Test>::UnknownInference);
	});
}

#[test]
fn stakers_are_credited_when_the_model_has_stake() {
	build_and_execute(|| {
		MockStaking::stake_on(0);
		let id = settle(0);
		reach_quorum(id, half_half());
		assert_eq!(MockStaking::credited(0), 95);
		assert_eq!(free(REWARDS), ED + 95);
		// Owner part 190, lineage 19 of it.
		assert_eq!(free(BASE_OWNER), 119);
		assert_eq!(free(OWNER), 100 + 171);
		assert_eq!(escrow(), ED + unclaimed(C1) + unclaimed(C3));
	});
}

#[test]
fn dataset_stakers_earn_from_what_their_dataset_earns() {
	build_and_execute(|| {
		MockStaking::stake_on(0);
		MockStaking::stake_on_dataset(1);
		let id = settle(0);
		// Fee 1_000: stakers' part 95, contributors 332 (dataset 0) + 332 (dataset 1).
		reach_quorum(id, half_half());
		// Half of 95 (47) to the datasets by what they earned: dataset 1 earned half, 23;
		// dataset 0 has no stake, so its part stays with the model's stakers: 95 - 23.
		assert_eq!(MockStaking::credited_dataset(1), 23);
		assert_eq!(MockStaking::credited_dataset(0), 0);
		assert_eq!(MockStaking::credited(0), 72);
		assert_eq!(free(REWARDS), ED + 95, "every credited unit arrived");
		assert_eq!(free(OWNER), 100 + 171, "the owner's part is untouched");
	});
}

#[test]
fn dataset_stake_earns_even_when_the_model_has_none() {
	build_and_execute(|| {
		MockStaking::stake_on_dataset(1);
		let id = settle(0);
		reach_quorum(id, half_half());
		assert_eq!(MockStaking::credited_dataset(1), 23);
		assert_eq!(free(REWARDS), ED + 23);
		// The owner takes the model stakers' 72: 190 + 72 = 262, of which lineage 26.
		assert_eq!(free(BASE_OWNER), 100 + 26);
		assert_eq!(free(OWNER), 100 + 236);
	});
}

#[test]
fn timeout_splits_by_declared_records() {
	build_and_execute(|| {
		let id = settle(0);
		assert_ok!(commit(ATT1, id, &half_half()));
		run_to_block(1 + COMMIT_WINDOW);
		assert_ok!(reveal(ATT1, id, &half_half()));
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
		assert!(Reveals::<Test>::get(id).is_empty(), "reveals pruned");
		assert!(crate::Commitments::<Test>::get(id).is_empty(), "commitments pruned");
		assert_eq!(Totals::<Test>::get().settled_without_attribution, 1);
	});
}

#[test]
fn the_expiry_sweep_is_bounded_per_block_and_resumes() {
	build_and_execute(|| {
		// Five inferences due at the same block; the first is settled by its quorum.
		let ids: Vec<u64> = (0..5).map(|_| settle(0)).collect();
		reach_quorum(ids[0], half_half());
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
		reach_quorum(ids[1], half_half());
		assert_ok!(commit(ATT1, ids[2], &half_half()));
		assert_ok!(commit(ATT2, ids[2], &half_half()));
		assert_ok!(reveal(ATT1, ids[2], &half_half()));
		assert_ok!(commit(ATT1, ids[3], &half_half()));
		let page = Attribution::pending_inferences(0, 2);
		let view: Vec<_> =
			page.iter().map(|p| (p.inference, p.commitments, p.attestations)).collect();
		assert_eq!(view, vec![(ids[0], 0, 0), (ids[2], 2, 1)], "settled ids are skipped");
		assert_eq!(page[0].index_hash, sp_core::H256::repeat_byte(0));
		assert_eq!(page[0].paid_at, 1);
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

/// An account that does not exist: payouts below the existential deposit cannot reach it.
const FRESH: AccountId = 50;

#[test]
fn every_escrowed_unit_is_paid_out_exactly_once() {
	let mut reached = [0u32; 7];
	for seed in 0..24u64 {
		build_and_execute(|| {
			let mut rng = Lcg(seed);
			let issuance = Balances::total_issuance();
			let accounts = [DEV, OWNER, BASE_OWNER, ATT1, ATT2, ATT3, C1, C2, C3, OUTSIDER, FRESH];
			let holdings = || -> Balance {
				accounts.iter().map(|a| free(*a)).sum::<Balance>()
					+ free(PROTOCOL)
					+ free(REWARDS) + escrow()
			};
			let total_before = holdings();
			let deposit = if rng.below(2) == 0 { 0 } else { 3 };
			ExpiryDeposit::set(deposit);
			let quorum = 1 + rng.below(3) as u32;
			assert_ok!(Attribution::set_quorum(RuntimeOrigin::root(), quorum));
			// Random models: fee (zero, small, large), split (contributors ≥ 50%), stake,
			// lineage, an owner that may not exist (its part then goes to the protocol).
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
				let fee = match rng.below(4) {
					0 => 0,
					1 => 10_000, // exactly the payer's max_fee
					_ => 1 + rng.below(10_000),
				};
				let owner_account = if rng.below(3) == 0 { FRESH } else { OWNER };
				MockModels::add(model, owner_account, fee, split, vec![0, 1], base);
				if rng.below(2) == 0 {
					MockStaking::stake_on(model);
				}
			}
			for dataset in [0, 1] {
				if rng.below(2) == 0 {
					MockStaking::stake_on_dataset(dataset);
				}
			}
			let refs = [c(0, 0), c(0, 1), c(1, 0)];
			let mut ids = Vec::new();
			for _ in 0..6 {
				let model = 10 + rng.below(4) as u32;
				ids.push((settle(model), model));
			}
			let mut timed_out = 0u64;
			for (id, _) in &ids {
				if rng.below(3) == 0 {
					timed_out += 1;
					reached[0] += 1;
					continue; // left to the timeout split
				}
				let scores = random_scores(&mut rng, &refs);
				reached[usize::min(scores.len(), 3)] += 1; // 1, 2, 3 contributions
				let agreeing: Vec<AccountId> = [ATT1, ATT2, ATT3][..quorum as usize].to_vec();
				let mut results: Vec<(AccountId, Scores)> =
					agreeing.iter().map(|a| (*a, scores.clone())).collect();
				if quorum < 3 {
					match rng.below(3) {
						// A dissenter reveals first; the quorum (of two) still decides.
						0 if quorum == 2 => {
							let other = random_scores(&mut rng, &refs);
							if other != scores {
								reached[4] += 1;
								results.insert(0, (ATT3, other));
							}
						}
						// An attestor attributes a contribution outside the model: once the
						// commitments are in, its reveal is refused and changes nothing.
						1 => {
							reached[5] += 1;
							let outside = vec![(c(5, 0), Perbill::one())];
							assert_ok!(commit(ATT3, *id, &outside));
							for (who, scores) in &results {
								assert_ok!(commit(*who, *id, scores));
							}
							assert_fails_unchanged!(
								reveal(ATT3, *id, &outside),
								Error::<Test>::ContributionNotInModel
							);
							for (who, scores) in &results {
								assert_ok!(reveal(*who, *id, scores));
							}
							results.clear();
						}
						_ => {}
					}
				}
				if !results.is_empty() {
					attest(*id, &results);
				}
				assert!(!Inferences::<Test>::contains_key(id), "settled by its quorum");
			}
			let fresh_paid = ids.iter().any(|(_, m)| {
				<MockModels as tributary_primitives::traits::ModelsInspect<_, _>>::model(*m)
					.is_some_and(|t| t.owner == FRESH && t.fee > 0)
			});
			if fresh_paid && free(FRESH) == 0 {
				reached[6] += 1; // the owner's part fell back to the protocol
			}
			run_to_block(System::block_number() + 4 + TIMEOUT);
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
			assert_eq!(holdings(), total_before, "every unit is with someone we know");
			assert_eq!(free(OUTSIDER), 100, "no credit outside the model's datasets");
			assert_eq!(ContributorEarnings::<Test>::get(OUTSIDER).total, 0);
			let earned: Balance =
				[C1, C2, C3].iter().map(|a| ContributorEarnings::<Test>::get(a).total).sum();
			assert_eq!(earned, Totals::<Test>::get().paid_to_contributors);
			let staker_credit: Balance = (10..14).map(MockStaking::credited).sum::<Balance>()
				+ [0, 1].map(MockStaking::credited_dataset).iter().sum::<Balance>();
			assert_eq!(free(REWARDS), ED + staker_credit, "stakers' funds match their credit");
			let totals = Totals::<Test>::get();
			assert_eq!(totals.inferences_settled, 6);
			// Each InferenceSettled event's parts sum to that inference's fee, and what the
			// events call the protocol's reached the protocol and the attestors' balances
			// (plus the deposits of the timed-out inferences), counted from balances.
			let mut to_protocol = 0;
			let settled: Vec<_> = System::events()
				.into_iter()
				.filter_map(|r| match r.event {
					RuntimeEvent::Attribution(Event::InferenceSettled {
						to_contributors,
						to_model_owner,
						to_stakers,
						to_protocol: protocol,
						..
					}) => {
						to_protocol += protocol;
						Some(to_contributors + to_model_owner + to_stakers + protocol)
					}
					_ => None,
				})
				.collect();
			assert_eq!(settled.iter().sum::<Balance>(), totals.fees_settled);
			let attestor_gain: Balance =
				[ATT1, ATT2, ATT3].iter().map(|a| free(*a)).sum::<Balance>() - 300;
			assert_eq!(
				free(PROTOCOL) - ED + attestor_gain,
				to_protocol + deposit * timed_out,
				"the protocol's part, counted from balances"
			);
		});
	}
	// The generator reaches each case: timeouts, 1/2/3 contributions, dissent, outside
	// contributions, and a payout that fell back to the protocol.
	assert!(reached.iter().all(|n| *n > 0), "cases reached: {reached:?}");
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

#[test]
fn try_state_detects_a_surplus_in_the_escrow() {
	new_test_ext().execute_with(|| {
		settle(0);
		let escrow = Attribution::escrow_account();
		let _ = Balances::make_free_balance_be(&escrow, free(escrow) + 1);
		assert!(Attribution::do_try_state().is_err(), "an unexplained unit is reported");
	});
}

#[test]
fn stakers_are_credited_only_with_funds_that_arrived() {
	build_and_execute(|| {
		// The reward account is gone, and the stakers' part (3) is below the existential
		// deposit: the transfer fails, so the credit is undone and the owner is paid instead.
		let _ = Balances::make_free_balance_be(&REWARDS, 0);
		MockModels::add(4, OWNER, 40, split(), vec![0], None);
		MockStaking::stake_on(4);
		let id = settle(4);
		reach_quorum(id, vec![(c(0, 0), Perbill::one())]);
		assert_eq!(MockStaking::credited(4), 0, "no credit without the funds");
		assert_eq!(free(REWARDS), 0);
		// fee 40: protocol 2, remainder 38: owner 7 + stakers 3, contributors 26.
		assert_eq!(free(OWNER), 100 + 7 + 3);
		System::assert_has_event(
			Event::InferenceSettled {
				inference: id,
				to_contributors: 26,
				to_model_owner: 10,
				to_stakers: 0,
				to_protocol: 4,
			}
			.into(),
		);
	});
}
