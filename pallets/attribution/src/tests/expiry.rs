//! Tests of the timeout path's economics: the expiry deposit every inference escrows, and
//! `settle_expired`, which settles one expired inference whatever is pending before it.

use super::*;
use crate::{mock::*, Error, Event, ExpiryCursor, Inferences, Totals};
use frame_support::{assert_noop, assert_ok};

/// A model whose fee is zero: the cheapest inference there is.
const FREE_MODEL: u32 = 7;

fn spam(from: AccountId, count: u32) -> Vec<u64> {
	(0..count)
		.map(|_| {
			let id = crate::NextInferenceId::<Test>::get();
			assert_ok!(Attribution::settle_inference(
				RuntimeOrigin::signed(from),
				FREE_MODEL,
				query(),
				0
			));
			id
		})
		.collect()
}

#[test]
fn spam_ahead_of_an_inference_cannot_delay_its_timeout_settlement() {
	build_and_execute(|| {
		ExpiryDeposit::set(3);
		MockModels::add(FREE_MODEL, OWNER, 0, split(), vec![0], None);
		// Twenty zero-fee inferences nobody attests, then one honest inference a block later.
		let spammed = spam(OUTSIDER, 20);
		assert_eq!(free(OUTSIDER), 100 - 20 * 3, "each pays the deposit, a zero fee too");
		run_to_block(2);
		let honest = settle(0);
		run_to_block(2 + TIMEOUT);
		// The free sweep serves ids in order (two per block here) and is still in the spam.
		assert!(ExpiryCursor::<Test>::get() < honest, "the cursor has not reached it");
		assert!(Inferences::<Test>::contains_key(honest));
		// Anyone settles it in its deadline block, whatever is pending before it, and is paid
		// the deposit for the work.
		let keeper_before = free(C1);
		assert_ok!(Attribution::settle_expired(RuntimeOrigin::signed(C1), honest));
		assert!(!Inferences::<Test>::contains_key(honest));
		System::assert_has_event(
			Event::InferenceSettledWithoutAttribution { inference: honest }.into(),
		);
		System::assert_has_event(
			Event::ExpiryDepositReleased { inference: honest, to: C1, amount: 3 }.into(),
		);
		assert_eq!(free(C1), keeper_before + 3, "the keeper's bounty is the deposit");
		// contributors' 665 by records 10/30/60, as the sweep would have paid.
		assert_eq!((unclaimed(C1), unclaimed(C2), unclaimed(C3)), (66, 199, 399));
		assert!(spammed.iter().filter(|id| Inferences::<Test>::contains_key(**id)).count() > 10);
		// The sweep settles the spam in the end; its deposits pay the protocol for the work.
		let protocol_before = free(PROTOCOL);
		let still_pending =
			spammed.iter().filter(|id| Inferences::<Test>::contains_key(**id)).count() as u64;
		run_to_block(2 + TIMEOUT + 20);
		assert!(spammed.iter().all(|id| !Inferences::<Test>::contains_key(*id)));
		assert_eq!(free(PROTOCOL), protocol_before + 3 * still_pending);
		assert_eq!(free(OUTSIDER), 100 - 20 * 3, "spam forfeits every deposit");
	});
}

#[test]
fn settle_expired_refuses_an_inference_before_its_deadline_or_unknown() {
	build_and_execute(|| {
		ExpiryDeposit::set(3);
		let id = settle(0);
		run_to_block(TIMEOUT);
		assert_fails_unchanged!(
			Attribution::settle_expired(RuntimeOrigin::signed(C1), id),
			Error::<Test>::NotExpired
		);
		assert_fails_unchanged!(
			Attribution::settle_expired(RuntimeOrigin::signed(C1), id + 1),
			Error::<Test>::UnknownInference
		);
		run_to_block(1 + TIMEOUT);
		// The hooks' sweep got there first: nothing left to settle, no bounty twice.
		assert!(!Inferences::<Test>::contains_key(id));
		assert_fails_unchanged!(
			Attribution::settle_expired(RuntimeOrigin::signed(C1), id),
			Error::<Test>::UnknownInference
		);
		assert_eq!(Totals::<Test>::get().settled_without_attribution, 1);
	});
}

#[test]
fn the_expiry_deposit_returns_to_the_payer_after_a_quorum() {
	build_and_execute(|| {
		ExpiryDeposit::set(3);
		let id = settle(0);
		assert_eq!(escrow(), ED + 1_000 + 3);
		assert_eq!(free(DEV), 1_000_000 - 1_003);
		reach_quorum(id, half_half());
		assert_eq!(free(DEV), 1_000_000 - 1_000, "the deposit is back; the fee is spent");
		System::assert_has_event(
			Event::ExpiryDepositReleased { inference: id, to: DEV, amount: 3 }.into(),
		);
		assert_noop!(
			Attribution::settle_expired(RuntimeOrigin::signed(C1), id),
			Error::<Test>::UnknownInference
		);
	});
}

#[test]
fn an_inference_is_refused_when_its_payer_cannot_cover_the_deposit() {
	build_and_execute(|| {
		MockModels::add(FREE_MODEL, OWNER, 0, split(), vec![0], None);
		// BROKE holds 10 and must keep the existential deposit of 5.
		ExpiryDeposit::set(6);
		assert_fails_unchanged!(
			Attribution::settle_inference(RuntimeOrigin::signed(BROKE), FREE_MODEL, query(), 0),
			Error::<Test>::InsufficientBalance
		);
		ExpiryDeposit::set(5);
		let id = crate::NextInferenceId::<Test>::get();
		assert_ok!(Attribution::settle_inference(
			RuntimeOrigin::signed(BROKE),
			FREE_MODEL,
			query(),
			0
		));
		assert_eq!(Inferences::<Test>::get(id).unwrap().deposit, 5);
		assert_eq!(free(BROKE), 5);
	});
}
