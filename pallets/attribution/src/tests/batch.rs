//! Batched commit and reveal: the same outcome as the single calls, whole-batch rejections,
//! per-item skips, replay protection and the weight charged.

use super::*;
use crate::{
	Call, CommitBatch, Commitments, Error, Event, RevealBatch, RevealedResult, Reveals, Totals,
	COMMIT_BATCH_DOMAIN, REVEAL_BATCH_DOMAIN,
};
use frame_support::{
	dispatch::GetDispatchInfo,
	pallet_prelude::{InvalidTransaction, TransactionSource, TransactionValidityError},
	traits::Authorize,
};
use sp_runtime::DispatchError;

/// `who`'s signed batch of commitments to `scores` for each of `ids`.
fn commit_batch(who: AccountId, ids: &[u64], scores: &Scores) -> (CommitBatch, AttestorSignature) {
	let commitments =
		ids.iter().map(|&id| (id, signed_commitment(who, id, scores).0.commitment)).collect();
	let batch = CommitBatch { key: attestor_key(who), commitments };
	let signature = attestor_sign(
		who,
		&signed_bytes(COMMIT_BATCH_DOMAIN, &Attribution::genesis_hash(), &batch),
	);
	(batch, signature)
}

/// `who`'s signed batch of reveals of `scores` for each of `ids`, of `model`.
fn reveal_batch(
	who: AccountId,
	model: u32,
	ids: &[u64],
	scores: &Scores,
) -> (RevealBatch, AttestorSignature) {
	let reveals = ids
		.iter()
		.map(|&inference| RevealedResult { inference, salt: salt(who), scores: scores.clone() })
		.collect();
	let batch = RevealBatch { key: attestor_key(who), model, reveals };
	let signature = attestor_sign(
		who,
		&signed_bytes(REVEAL_BATCH_DOMAIN, &Attribution::genesis_hash(), &batch),
	);
	(batch, signature)
}

fn authorize(call: Call<Test>) -> Result<Vec<Vec<u8>>, TransactionValidityError> {
	call.authorize(TransactionSource::External)
		.expect("the call is authorized by the pallet")
		.map(|(valid, _)| valid.provides)
}

/// Applies a batch as the runtime applies an authorized transaction: the authorization, then
/// the dispatch with the `Authorized` origin.
fn apply(call: Call<Test>) -> Result<frame_support::dispatch::PostDispatchInfo, DispatchError> {
	authorize(call.clone()).map_err(|_| DispatchError::Other("unauthorized"))?;
	let post = match call {
		Call::commit_attributions { batch, signature } => {
			Attribution::commit_attributions(authorized(), batch, signature)
		}
		Call::reveal_attributions { batch, signature } => {
			Attribution::reveal_attributions(authorized(), batch, signature)
		}
		_ => panic!("not a batch"),
	};
	post.map_err(|e| e.error)
}

fn commit_all(who: AccountId, ids: &[u64], scores: &Scores) {
	let (batch, signature) = commit_batch(who, ids, scores);
	assert_ok!(apply(Call::commit_attributions { batch, signature }));
}

fn reveal_all(who: AccountId, ids: &[u64], scores: &Scores) {
	let (batch, signature) = reveal_batch(who, 0, ids, scores);
	assert_ok!(apply(Call::reveal_attributions { batch, signature }));
}

/// Everything a settlement changes that the tests can see.
fn outcome() -> (Vec<Balance>, Vec<Balance>, crate::EconomyTotals<Balance>) {
	(all_balances(), [C1, C2, C3].iter().map(|c| unclaimed(*c)).collect(), Totals::<Test>::get())
}

#[test]
fn batches_settle_exactly_as_single_calls() {
	let scores = half_half();
	let mut singles = None;
	build_and_execute(|| {
		let ids: Vec<u64> = (0..3).map(|_| settle(0)).collect();
		for id in &ids {
			reach_quorum(*id, scores.clone());
		}
		singles = Some(outcome());
	});
	build_and_execute(|| {
		let ids: Vec<u64> = (0..3).map(|_| settle(0)).collect();
		commit_all(ATT1, &ids, &scores);
		commit_all(ATT2, &ids, &scores);
		reveal_all(ATT1, &ids, &scores);
		assert_eq!(Totals::<Test>::get().inferences_settled, 0, "one reveal is not a quorum");
		reveal_all(ATT2, &ids, &scores);
		for id in &ids {
			assert!(!Inferences::<Test>::contains_key(id), "inference {id} settled");
		}
		assert_eq!(Totals::<Test>::get().inferences_settled, 3);
		assert_eq!(Some(outcome()), singles, "batches and single calls pay the same");
	});
}

#[test]
fn malformed_batches_are_rejected_whole_and_change_nothing() {
	build_and_execute(|| {
		let ids: Vec<u64> = (0..5).map(|_| settle(0)).collect();
		let scores = half_half();
		let bad_batch: [&[u64]; 4] = [&[], &ids[..5], &[ids[1], ids[0]], &[ids[0], ids[0]]];
		for bad in bad_batch {
			let (batch, signature) = commit_batch(ATT1, bad, &scores);
			let call = Call::<Test>::commit_attributions {
				batch: batch.clone(),
				signature: signature.clone(),
			};
			assert_eq!(authorize(call), Err(code(Error::<Test>::BadBatch)), "{bad:?}");
			assert_fails_unchanged!(
				Attribution::commit_attributions(authorized(), batch, signature)
					.map_err(|e| e.error),
				Error::<Test>::BadBatch
			);
		}
		// Signed over another domain (a single commitment's), or by another key.
		let (batch, _) = commit_batch(ATT1, &ids[..2], &scores);
		let wrong_domain =
			attestor_sign(ATT1, &signed_bytes(COMMIT_DOMAIN, &Attribution::genesis_hash(), &batch));
		let (_, other_key) = commit_batch(ATT2, &ids[..2], &scores);
		for signature in [wrong_domain, other_key] {
			let call = Call::<Test>::commit_attributions { batch: batch.clone(), signature };
			assert_eq!(authorize(call), Err(code(Error::<Test>::BadSignature)));
		}
		// A key no attestor registered; an attestor no longer in good standing.
		let (mut batch, _) = commit_batch(ATT1, &ids[..1], &scores);
		batch.key = attestor_key(99);
		let signature = attestor_sign(
			99,
			&signed_bytes(COMMIT_BATCH_DOMAIN, &Attribution::genesis_hash(), &batch),
		);
		let call = Call::<Test>::commit_attributions { batch, signature };
		assert_eq!(authorize(call), Err(code(Error::<Test>::UnknownAttestorKey)));
		MockStaking::unbond(ATT3);
		let (batch, signature) = commit_batch(ATT3, &ids[..1], &scores);
		let call = Call::<Test>::commit_attributions { batch, signature };
		assert_eq!(authorize(call), Err(code(Error::<Test>::NotAttestor)));
		// Only through the authorized path.
		let (batch, signature) = commit_batch(ATT1, &ids[..1], &scores);
		assert_fails_unchanged!(
			Attribution::commit_attributions(RuntimeOrigin::signed(ATT1), batch, signature)
				.map_err(|e| e.error),
			DispatchError::BadOrigin
		);
		for id in &ids {
			assert!(Commitments::<Test>::get(id).is_empty());
		}
	});
}

#[test]
fn stale_items_are_skipped_and_reported_and_a_batch_never_applies_twice() {
	build_and_execute(|| {
		let scores = half_half();
		let (a, b, unknown) = (settle(0), settle(0), 77);
		assert_ok!(commit(ATT1, a, &scores));
		// `a` is already committed and `unknown` was never paid: only `b` is valid, and the
		// pool knows the batch by `b`'s tag alone.
		let (batch, signature) = commit_batch(ATT1, &[a, b, unknown], &scores);
		let call = Call::<Test>::commit_attributions { batch, signature };
		let single = Call::<Test>::commit_attribution {
			commitment: signed_commitment(ATT1, b, &scores).0,
			signature: signed_commitment(ATT1, b, &scores).1,
		};
		assert_eq!(authorize(call.clone()).unwrap(), authorize(single).unwrap());
		assert_ok!(apply(call.clone()));
		assert_eq!(Commitments::<Test>::get(b).len(), 1);
		System::assert_last_event(
			Event::AttestationsSkipped {
				attestor: ATT1,
				skipped: vec![
					(a, Error::<Test>::AlreadySubmitted.into()),
					(unknown, Error::<Test>::UnknownInference.into()),
				],
			}
			.into(),
		);
		// Every item applied or stale: the same batch is stale in the pool and at inclusion.
		assert_eq!(authorize(call), Err(InvalidTransaction::Stale.into()));
	});
}

#[test]
fn a_reveal_batch_skips_inferences_of_another_model_and_bad_items() {
	build_and_execute(|| {
		let scores = half_half();
		let of_model_0 = settle(0);
		let id = crate::NextInferenceId::<Test>::get();
		assert_ok!(Attribution::settle_inference(RuntimeOrigin::signed(DEV), 1, query(), 10_000));
		let of_model_1 = id;
		let only_0 = vec![(c(0, 0), Perbill::one())];
		for who in [ATT1, ATT2] {
			assert_ok!(commit(who, of_model_0, &scores));
			assert_ok!(commit(who, of_model_1, &only_0));
		}
		// A batch for model 0 naming model 1's inference: that item is skipped.
		let (batch, signature) = reveal_batch(ATT1, 0, &[of_model_0, of_model_1], &scores);
		assert_ok!(apply(Call::reveal_attributions { batch, signature }));
		assert_eq!(Reveals::<Test>::get(of_model_0).len(), 1);
		assert!(Reveals::<Test>::get(of_model_1).is_empty());
		System::assert_has_event(
			Event::AttestationsSkipped {
				attestor: ATT1,
				skipped: vec![(of_model_1, Error::<Test>::NotBatchModel.into())],
			}
			.into(),
		);
		// A reveal that does not match its commitment is skipped; the matching one settles.
		let (mut batch, _) = reveal_batch(ATT2, 0, &[of_model_0], &scores);
		batch.reveals[0].salt = [9; 32];
		let signature = attestor_sign(
			ATT2,
			&signed_bytes(REVEAL_BATCH_DOMAIN, &Attribution::genesis_hash(), &batch),
		);
		let call = Call::<Test>::reveal_attributions { batch, signature };
		assert_eq!(authorize(call), Err(code(Error::<Test>::CommitmentMismatch)));
		reveal_all(ATT2, &[of_model_0], &scores);
		assert!(!Inferences::<Test>::contains_key(of_model_0));
	});
}

#[test]
fn the_weight_charges_settlements_by_distinct_contributions_and_refunds_recorded_reveals() {
	build_and_execute(|| {
		let scores = half_half();
		let ids: Vec<u64> = (0..4).map(|_| settle(0)).collect();
		// Charged before dispatch: every item a settlement.
		let (batch, signature) = reveal_batch(ATT1, 0, &ids, &scores);
		let call = Call::<Test>::reveal_attributions {
			batch: batch.clone(),
			signature: signature.clone(),
		};
		let charged = call.get_dispatch_info().call_weight;
		let others = <<Test as crate::Config>::MaxAttestors as sp_core::Get<u32>>::get() - 1;
		let worst_dissent = <() as crate::WeightInfo>::dissent(4 * others);
		assert_eq!(charged, Attribution::settling_weight(4, 2, 2).saturating_add(worst_dissent));
		// More distinct contributions than one result may name cost more; repeating the same
		// ones in more items costs only the items.
		let many = Attribution::settling_weight(4, MAX_SCORES * 2, 2);
		assert!(many.ref_time() > Attribution::settling_weight(4, 2, 2).ref_time());
		assert!(
			Attribution::settling_weight(4, 2, 2).ref_time()
				> Attribution::settling_weight(3, 2, 2).ref_time()
		);
		// Oversized batches weigh more than any block.
		let mut oversized = batch.clone();
		oversized.reveals[0].scores =
			(0..=MAX_SCORES).map(|k| (c(0, k), Perbill::zero())).collect();
		assert_eq!(
			Attribution::reveal_batch_weight(&oversized),
			frame_support::weights::Weight::MAX
		);
		// Reveals that complete no quorum are charged as recorded reveals.
		for who in [ATT1, ATT2] {
			commit_all(who, &ids, &scores);
		}
		let post = apply(Call::reveal_attributions { batch, signature }).unwrap();
		assert_eq!(
			post.actual_weight,
			Some(<() as crate::WeightInfo>::reveal_attributions_pending(4))
		);
		assert!(post.actual_weight.unwrap().ref_time() < charged.ref_time());
	});
}

/// The amounts transferred out of the escrow to `to`, in the events so far.
fn escrow_transfers_to(to: AccountId) -> Vec<Balance> {
	let escrow = Attribution::escrow_account();
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Balances(pallet_balances::Event::Transfer { from, to: t, amount })
				if from == escrow && t == to =>
			{
				Some(amount)
			}
			_ => None,
		})
		.collect()
}

#[test]
fn a_batch_pays_each_recipient_once_the_sum_its_settlements_report() {
	build_and_execute(|| {
		MockStaking::stake_on(0);
		let scores = half_half();
		let dataset = scores[0].0.dataset;
		MockStaking::stake_on_dataset(dataset);
		let ids: Vec<u64> = (0..3).map(|_| settle(0)).collect();
		commit_all(ATT1, &ids, &scores);
		commit_all(ATT2, &ids, &scores);
		reveal_all(ATT1, &ids, &scores);
		System::reset_events();
		reveal_all(ATT2, &ids, &scores);
		let settled: Vec<(Balance, Balance)> = System::events()
			.into_iter()
			.filter_map(|record| match record.event {
				RuntimeEvent::Attribution(Event::InferenceSettled {
					to_model_owner,
					to_stakers,
					..
				}) => Some((to_model_owner, to_stakers)),
				_ => None,
			})
			.collect();
		assert_eq!(settled.len(), 3);
		let owner: Balance = settled.iter().map(|(o, _)| o).sum();
		let stakers: Balance = settled.iter().map(|(_, s)| s).sum();
		assert!(owner > 0 && stakers > 0);
		// One transfer per recipient for the three settlements, of what they reported.
		// (The model's part includes the lineage share paid to its base model's owner.)
		let to_owner = escrow_transfers_to(OWNER);
		let to_base_owner = escrow_transfers_to(BASE_OWNER);
		assert_eq!((to_owner.len(), to_base_owner.len()), (1, 1));
		assert_eq!(to_owner[0] + to_base_owner[0], owner);
		assert_eq!(escrow_transfers_to(REWARDS), vec![stakers]);
		// Both pools were credited from that one transfer.
		assert!(MockStaking::credited(0) > 0 && MockStaking::credited_dataset(dataset) > 0);
		assert_eq!(MockStaking::credited(0) + MockStaking::credited_dataset(dataset), stakers);
		for attestor in [ATT1, ATT2] {
			assert_eq!(escrow_transfers_to(attestor).len(), 1, "attestor {attestor}");
		}
	});
}
