//! The attribution pallet's logic: escrow, attestation, quorum, payout split, timeout.

use alloc::vec::Vec;
use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	traits::{fungible::Mutate, tokens::Preservation, Get},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{AccountIdConversion, CheckedAdd, Saturating, Zero},
	DispatchError, PerThing, Perbill, SaturatedConversion,
};
use tributary_primitives::{
	traits::{DatasetsInspect, ModelTerms, ModelsInspect},
	ContributionRef, InferenceId, ModelId, StakeTarget,
};

use crate::{payments::Payments, snapshot::SnapshotCache};
#[cfg(any(feature = "try-runtime", feature = "std", test))]
use crate::{AttestorKeys, KeyOwners, ProtocolArrears, Quorum};
use crate::{
	BalanceOf, Commitments, Config, ContributorEarnings, Developers, Error, Event, ExpiryCursor,
	Inference, InferenceOf, Inferences, ModelRevenue, NextInferenceId, Pallet, Payout,
	PendingInference, QueryOf, Reveals, Totals, WeightInfo,
};

type TermsOf<T> = ModelTerms<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

/// A validated result: each attributed contribution, the account paid for it, its share.
type AllocationOf<T> = Vec<(ContributionRef, <T as frame_system::Config>::AccountId, Perbill)>;

impl<T: Config> Pallet<T> {
	/// The escrow account holding the fees of pending inferences and contributors' unclaimed
	/// earnings.
	pub fn escrow_account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Escrows the fee of one inference and records it; returns its id.
	pub(crate) fn do_settle_inference(
		payer: &T::AccountId,
		model: ModelId,
		query: Vec<u8>,
		max_fee: BalanceOf<T>,
	) -> Result<InferenceId, DispatchError> {
		ensure!(!query.is_empty(), Error::<T>::EmptyQuery);
		let query: QueryOf<T> = query.try_into().map_err(|_| Error::<T>::QueryTooLong)?;
		let terms = T::Models::model(model).ok_or(Error::<T>::UnknownModel)?;
		ensure!(!terms.retired, Error::<T>::ModelRetired);
		ensure!(terms.fee <= max_fee, Error::<T>::FeeAboveMax);
		let inference = NextInferenceId::<T>::get();
		let next = inference.checked_add(1).ok_or(Error::<T>::IdOverflow)?;
		let paid_at = frame_system::Pallet::<T>::block_number();
		let deadline = paid_at.saturating_add(T::AttributionTimeout::get());
		// The fee and the expiry deposit: every inference, a zero-fee one too, pays up front
		// for the work of settling it by timeout.
		let deposit = T::ExpiryDeposit::get();
		let escrowed = terms.fee.checked_add(&deposit).ok_or(Error::<T>::InsufficientBalance)?;
		if !escrowed.is_zero() {
			T::Currency::transfer(payer, &Self::escrow_account(), escrowed, Preservation::Preserve)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
		}
		Inferences::<T>::insert(
			inference,
			Inference {
				model,
				payer: payer.clone(),
				fee: terms.fee,
				deposit,
				query,
				index_hash: terms.index_hash,
				paid_at,
				deadline,
			},
		);
		NextInferenceId::<T>::put(next);
		if !Developers::<T>::contains_key(payer) {
			Developers::<T>::insert(payer, ());
			Totals::<T>::mutate(|t| t.paying_developers = t.paying_developers.saturating_add(1));
		}
		Self::deposit_event(Event::InferenceSubmitted {
			inference,
			model,
			payer: payer.clone(),
			fee: terms.fee,
		});
		Ok(inference)
	}

	/// Checks an attestor's scores against the rules and the model's snapshot of contributions
	/// (looked up through `snapshot`); returns each contribution with the account paid for it.
	pub(crate) fn validate_scores(
		model: ModelId,
		scores: &[(ContributionRef, Perbill)],
		terms: &TermsOf<T>,
		snapshot: &mut SnapshotCache<T>,
	) -> Result<AllocationOf<T>, DispatchError> {
		ensure!(!scores.is_empty(), Error::<T>::EmptyScores);
		ensure!(
			scores.len() as u32 <= T::MaxAttributedContributions::get(),
			Error::<T>::TooManyScores
		);
		let mut total: u64 = 0;
		let mut previous: Option<ContributionRef> = None;
		for (contribution, share) in scores {
			if let Some(p) = previous {
				ensure!(p < *contribution, Error::<T>::UnsortedScores);
			}
			previous = Some(*contribution);
			ensure!(!share.is_zero(), Error::<T>::ZeroShare);
			total = total.saturating_add(share.deconstruct() as u64);
		}
		ensure!(total == Perbill::ACCURACY as u64, Error::<T>::SharesNotComplete);
		let mut allocation = Vec::with_capacity(scores.len());
		for (contribution, share) in scores {
			// Only the contributions the model was registered (or re-indexed) with: its
			// snapshot, which also keeps paying contributions withdrawn since.
			let contributor = match snapshot.contributor(model, *contribution) {
				Some(account) => account,
				None if T::Datasets::contribution(*contribution).is_some()
					|| !terms.datasets.contains(&contribution.dataset) =>
				{
					return Err(Error::<T>::ContributionNotInModel.into())
				}
				None => return Err(Error::<T>::UnknownContribution.into()),
			};
			allocation.push((*contribution, contributor, *share));
		}
		Ok(allocation)
	}

	/// Settles expired inferences by declared record counts, sweeping inference ids upwards
	/// from `ExpiryCursor`: stops at the first pending inference not yet expired, after
	/// `max_scan` ids, or before settling more than `max_expired`. Returns the weight used.
	///
	/// Deadlines grow with inference ids (both follow the block number), so every inference
	/// below the cursor is settled. Should `AttributionTimeout` be lowered by an upgrade, a
	/// later inference with an earlier deadline waits for the ones before it.
	pub(crate) fn sweep_expired(
		now: BlockNumberFor<T>,
		max_scan: u32,
		max_expired: u32,
	) -> frame_support::weights::Weight {
		let next = NextInferenceId::<T>::get();
		let start = ExpiryCursor::<T>::get();
		let mut id = start;
		let mut weight = frame_support::weights::Weight::zero();
		let mut expired = 0u32;
		let mut payments = Payments::<T>::default();
		while id < next && id.saturating_sub(start) < max_scan as u64 {
			match Inferences::<T>::get(id) {
				None => {}
				Some(pending) if pending.deadline <= now => {
					if expired >= max_expired {
						break;
					}
					let contributions =
						Self::expire(id, pending, &T::ProtocolAccount::get(), &mut payments);
					weight = weight.saturating_add(T::WeightInfo::expire_inference(contributions));
					expired = expired.saturating_add(1);
				}
				Some(_) => break,
			}
			id = id.saturating_add(1);
		}
		payments.make();
		if id != start {
			ExpiryCursor::<T>::put(id);
		}
		let scanned = id.saturating_sub(start).min(u32::MAX as u64) as u32;
		weight.saturating_add(T::WeightInfo::expiry_scan(scanned))
	}

	/// Settles one expired inference by the declared record counts of (at most
	/// `MaxFallbackContributions` of) its model's contributions and pays its expiry deposit
	/// to `keeper`, who did the work; returns how many contributions were read. The
	/// payments are booked in `payments`.
	pub(crate) fn expire(
		inference: InferenceId,
		pending: InferenceOf<T>,
		keeper: &T::AccountId,
		payments: &mut Payments<T>,
	) -> u32 {
		Self::release_deposit(inference, &pending, keeper, payments);
		let Some(terms) = T::Models::model(pending.model) else {
			// Models are never deleted; should one vanish, its payer gets the fee back.
			payments.pay(&pending.payer, pending.fee);
			Self::remove_pending(inference);
			return 0;
		};
		// The model's fallback snapshot: the contributions (and capped record counts) fixed
		// when it was registered or re-indexed; the runtime bounds the snapshot by
		// `MaxFallbackContributions`, so everyone in it is paid.
		let records: Vec<(ContributionRef, T::AccountId, u32)> =
			T::Models::fallback_shares(pending.model, 0, T::MaxFallbackContributions::get())
				.into_iter()
				.map(|share| (share.contribution, share.contributor, share.records))
				.collect();
		let read = records.len() as u32;
		Self::pay_out(inference, &pending, &terms, &[], Allocation::Records(records), payments);
		Self::deposit_event(Event::InferenceSettledWithoutAttribution { inference });
		read
	}

	/// Books the payment of the expiry deposit of `inference` from the escrow to `to` (the
	/// payer when a quorum settled it, the keeper who settled it after its deadline
	/// otherwise).
	pub(crate) fn release_deposit(
		inference: InferenceId,
		pending: &InferenceOf<T>,
		to: &T::AccountId,
		payments: &mut Payments<T>,
	) {
		if pending.deposit.is_zero() {
			return;
		}
		let to =
			if payments.pay(to, pending.deposit) { to.clone() } else { T::ProtocolAccount::get() };
		Self::deposit_event(Event::ExpiryDepositReleased {
			inference,
			to,
			amount: pending.deposit,
		});
	}

	/// Settles, after its deadline, one inference without a quorum (see `settle_expired`);
	/// returns how many fallback contributions were read.
	pub(crate) fn do_settle_expired(
		keeper: &T::AccountId,
		inference: InferenceId,
	) -> Result<u32, DispatchError> {
		let pending = Inferences::<T>::get(inference).ok_or(Error::<T>::UnknownInference)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(pending.deadline <= now, Error::<T>::NotExpired);
		let mut payments = Payments::<T>::default();
		let read = Self::expire(inference, pending, keeper, &mut payments);
		payments.make();
		Ok(read)
	}

	/// Splits the escrowed fee of `inference`, books everyone's payment in `payments` and
	/// removes the inference.
	///
	/// Every unit of the fee leaves the escrow exactly once (when `payments` are made): to
	/// its recipient, or to the protocol account when the recipient cannot be credited;
	/// rounding dust goes to the protocol account. `to_protocol` is the fee less what reached
	/// contributors, the model owner(s) and the stakers.
	pub(crate) fn pay_out(
		inference: InferenceId,
		pending: &InferenceOf<T>,
		terms: &TermsOf<T>,
		attestors: &[T::AccountId],
		allocation: Allocation<T>,
		payments: &mut Payments<T>,
	) {
		let fee = pending.fee;
		let mut payout = Payout::<BalanceOf<T>>::default();

		// 1. The protocol's cut; the quorum's attestors share part of it.
		let protocol_cut = T::ProtocolShare::get().mul_floor(fee);
		let mut to_protocol_account = protocol_cut;
		if !attestors.is_empty() {
			let pool = T::AttestorRewardShare::get().mul_floor(protocol_cut);
			let each = pool / (attestors.len() as u32).into();
			if !each.is_zero() {
				// An attestor that cannot receive its reward leaves it to the protocol account.
				let mut rewarded = Vec::with_capacity(attestors.len());
				for attestor in attestors {
					if payments.pay(attestor, each) {
						rewarded.push(attestor.clone());
					}
					to_protocol_account = to_protocol_account.saturating_sub(each);
				}
				if !rewarded.is_empty() {
					Self::deposit_event(Event::AttestorsRewarded {
						inference,
						attestors: rewarded,
						each,
					});
				}
			}
		}

		// 2. The model's split of the remainder (each part rounded down; dust to protocol).
		let remainder = fee.saturating_sub(protocol_cut);
		let mut owner_part = terms.split.model_owner.mul_floor(remainder);
		let stakers_part = terms.split.stakers.mul_floor(remainder);
		let contributors_part = terms.split.contributors.mul_floor(remainder);
		let dust = remainder
			.saturating_sub(owner_part)
			.saturating_sub(stakers_part)
			.saturating_sub(contributors_part);
		to_protocol_account = to_protocol_account.saturating_add(dust);

		// Contributors, by attested shares or declared records: credited to their earnings,
		// which stay in the escrow until claimed.
		let amounts = allocation.amounts(contributors_part);
		let mut by_dataset: Vec<(tributary_primitives::DatasetId, BalanceOf<T>)> = Vec::new();
		for (contribution, account, amount) in amounts {
			if amount.is_zero() {
				continue;
			}
			payout.to_contributors = payout.to_contributors.saturating_add(amount);
			payments.earn(&account, amount);
			match by_dataset.last_mut() {
				Some((d, sum)) if *d == contribution.dataset => *sum = sum.saturating_add(amount),
				_ => by_dataset.push((contribution.dataset, amount)),
			}
			Self::deposit_event(Event::ContributorPaid {
				inference,
				dataset: contribution.dataset,
				contribution: contribution.contribution,
				account,
				amount,
			});
		}
		for (dataset, amount) in &by_dataset {
			payments.dataset_revenue(*dataset, *amount);
		}
		to_protocol_account = to_protocol_account
			.saturating_add(contributors_part.saturating_sub(payout.to_contributors));

		// Stakers: a `DatasetStakersShare` of their part to the stakers of the datasets this
		// settlement paid, each dataset by what its contributions received; the rest, and the
		// part of datasets without (warmed-up) stake, to the model's stakers; without stake on
		// the model, or if the funds cannot move, the owner takes it.
		if !stakers_part.is_zero() {
			let datasets_part = T::DatasetStakersShare::get().mul_floor(stakers_part);
			let mut to_model_stakers = stakers_part;
			if !datasets_part.is_zero() && !payout.to_contributors.is_zero() {
				for (dataset, earned) in &by_dataset {
					let share = Perbill::from_rational(*earned, payout.to_contributors)
						.mul_floor(datasets_part);
					if payments.credit_stakers(StakeTarget::Dataset(*dataset), share) {
						to_model_stakers = to_model_stakers.saturating_sub(share);
						payout.to_stakers = payout.to_stakers.saturating_add(share);
					}
				}
			}
			if payments.credit_stakers(StakeTarget::Model(pending.model), to_model_stakers) {
				payout.to_stakers = payout.to_stakers.saturating_add(to_model_stakers);
			} else {
				owner_part = owner_part.saturating_add(to_model_stakers);
			}
		}

		// Model owner, less the lineage share to the base model's owner.
		let base_owner =
			terms.base.and_then(|base| T::Models::model(base).map(|m| (base, m.owner)));
		if let Some((base, account)) = base_owner {
			let amount = T::LineageShare::get().mul_floor(owner_part);
			if !amount.is_zero() {
				owner_part = owner_part.saturating_sub(amount);
				if payments.pay(&account, amount) {
					payout.to_model_owner = payout.to_model_owner.saturating_add(amount);
					Self::deposit_event(Event::LineagePaid { inference, base, account, amount });
				}
			}
		}
		if payments.pay(&terms.owner, owner_part) {
			payout.to_model_owner = payout.to_model_owner.saturating_add(owner_part);
		}

		// 3. The protocol account's part, dust included.
		payments.pay(&T::ProtocolAccount::get(), to_protocol_account);
		payout.to_protocol = fee
			.saturating_sub(payout.to_contributors)
			.saturating_sub(payout.to_model_owner)
			.saturating_sub(payout.to_stakers);

		ModelRevenue::<T>::mutate(pending.model, |r| *r = r.saturating_add(fee));
		Totals::<T>::mutate(|t| {
			t.fees_settled = t.fees_settled.saturating_add(fee);
			t.paid_to_contributors = t.paid_to_contributors.saturating_add(payout.to_contributors);
			t.inferences_settled = t.inferences_settled.saturating_add(1);
			if attestors.is_empty() {
				t.settled_without_attribution = t.settled_without_attribution.saturating_add(1);
			}
		});
		Self::remove_pending(inference);
		Self::deposit_event(Event::InferenceSettled {
			inference,
			to_contributors: payout.to_contributors,
			to_model_owner: payout.to_model_owner,
			to_stakers: payout.to_stakers,
			to_protocol: payout.to_protocol,
		});
	}

	/// Removes a settled inference with its commitments and reveals.
	fn remove_pending(inference: InferenceId) {
		Inferences::<T>::remove(inference);
		Commitments::<T>::remove(inference);
		Reveals::<T>::remove(inference);
	}

	/// Transfers `who`'s unclaimed earnings from the escrow.
	pub(crate) fn do_claim_earnings(who: T::AccountId) -> DispatchResult {
		use frame_support::traits::fungible::Inspect;
		let earnings = ContributorEarnings::<T>::get(&who);
		ensure!(!earnings.unclaimed.is_zero(), Error::<T>::NothingToClaim);
		ensure!(
			!T::Currency::balance(&who).is_zero()
				|| earnings.unclaimed >= T::Currency::minimum_balance(),
			Error::<T>::ClaimBelowMinimum
		);
		T::Currency::transfer(
			&Self::escrow_account(),
			&who,
			earnings.unclaimed,
			Preservation::Preserve,
		)?;
		ContributorEarnings::<T>::insert(
			&who,
			crate::Earnings { total: earnings.total, unclaimed: Zero::zero() },
		);
		Self::deposit_event(Event::EarningsClaimed { account: who, amount: earnings.unclaimed });
		Ok(())
	}

	/// Up to `limit` pending inferences with ids from `from` upwards, in id order, for
	/// attestors and clients. Reads at most `limit` inferences beyond the settled ones below
	/// the expiry cursor, which it skips.
	pub fn pending_inferences(
		from: InferenceId,
		limit: u32,
	) -> Vec<PendingInference<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		let start = from.max(ExpiryCursor::<T>::get());
		// Twox64Concat keys do not sort by id: walk ids, bounded by `limit` hits and by the
		// ids issued so far.
		let next = NextInferenceId::<T>::get();
		let mut out = Vec::new();
		let mut id = start;
		while id < next && (out.len() as u32) < limit {
			if let Some(i) = Inferences::<T>::get(id) {
				out.push(PendingInference {
					inference: id,
					model: i.model,
					payer: i.payer,
					fee: i.fee,
					query: i.query.into_inner(),
					index_hash: i.index_hash,
					paid_at: i.paid_at,
					deadline: i.deadline,
					commitments: Commitments::<T>::decode_len(id).unwrap_or(0) as u32,
					attestations: Reveals::<T>::decode_len(id).unwrap_or(0) as u32,
				});
			}
			id = id.saturating_add(1);
		}
		out
	}

	/// Checks the pallet's invariants:
	/// - the escrow holds exactly its existential deposit, the fees of all pending inferences,
	///   all unclaimed earnings and the protocol's arrears (a transfer into the escrow from
	///   outside, which nothing in the runtime makes, would be reported here);
	/// - pending inference ids lie between `ExpiryCursor` and `NextInferenceId`;
	/// - attestations exist only for pending inferences;
	/// - `paying_developers` counts exactly the `Developers` entries, `earning_contributors`
	///   the accounts with earnings, and no account has claimed more than it earned.
	#[cfg(any(feature = "try-runtime", feature = "std", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::traits::fungible::Inspect;
		let next = NextInferenceId::<T>::get();
		let cursor = ExpiryCursor::<T>::get();
		ensure!(cursor <= next, "expiry cursor beyond NextInferenceId");
		let mut owed = BalanceOf::<T>::zero();
		for (id, inference) in Inferences::<T>::iter() {
			ensure!(id < next, "inference id at or above NextInferenceId");
			ensure!(id >= cursor, "pending inference below the expiry cursor");
			owed = owed.saturating_add(inference.fee).saturating_add(inference.deposit);
		}
		let mut earners = 0u64;
		for (_, earnings) in ContributorEarnings::<T>::iter() {
			ensure!(earnings.unclaimed <= earnings.total, "more unclaimed than earned");
			if !earnings.total.is_zero() {
				earners = earners.saturating_add(1);
			}
			owed = owed.saturating_add(earnings.unclaimed);
		}
		owed = owed
			.saturating_add(ProtocolArrears::<T>::get())
			.saturating_add(T::Currency::minimum_balance());
		ensure!(
			T::Currency::balance(&Self::escrow_account()) == owed,
			"escrow differs from ED + pending fees + unclaimed earnings + arrears"
		);
		ensure!(earners == Totals::<T>::get().earning_contributors, "earning contributor count");
		for (id, _) in Commitments::<T>::iter() {
			ensure!(Inferences::<T>::contains_key(id), "commitments for a settled inference");
		}
		for (id, reveals) in Reveals::<T>::iter() {
			ensure!(Inferences::<T>::contains_key(id), "reveals for a settled inference");
			let commitments = Commitments::<T>::get(id);
			for (who, _) in reveals.iter() {
				ensure!(commitments.iter().any(|(c, _)| c == who), "a reveal without a commitment");
			}
		}
		for (account, key) in AttestorKeys::<T>::iter() {
			ensure!(KeyOwners::<T>::get(&key) == Some(account), "key registry out of sync");
		}
		ensure!(
			AttestorKeys::<T>::iter().count() == KeyOwners::<T>::iter().count(),
			"key registry out of sync"
		);
		let quorum = Quorum::<T>::get();
		ensure!(quorum >= 1 && quorum <= T::MaxAttestors::get(), "quorum out of bounds");
		ensure!(
			Developers::<T>::iter().count() as u64 == Totals::<T>::get().paying_developers,
			"paying developer count mismatch"
		);
		Ok(())
	}
}

/// How the contributors' part of a fee is allocated.
pub(crate) enum Allocation<T: Config> {
	/// By attested shares.
	Shares(Vec<(ContributionRef, T::AccountId, Perbill)>),
	/// By declared record counts (the timeout fallback).
	Records(Vec<(ContributionRef, T::AccountId, u32)>),
}

impl<T: Config> Allocation<T> {
	/// Each contribution's amount of `total`, rounding down (the sum never exceeds `total`).
	fn amounts(self, total: BalanceOf<T>) -> Vec<(ContributionRef, T::AccountId, BalanceOf<T>)> {
		match self {
			Allocation::Shares(shares) => shares
				.into_iter()
				.map(|(c, account, share)| (c, account, share.mul_floor(total)))
				.collect(),
			Allocation::Records(records) => {
				let sum: u64 = records.iter().map(|(_, _, r)| *r as u64).sum();
				if sum == 0 {
					return Vec::new();
				}
				records
					.into_iter()
					.map(|(c, account, r)| {
						// total × r / sum, rounded down, in 128-bit arithmetic.
						let amount =
							sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
								total.saturated_into::<u128>(),
								r as u128,
								sum as u128,
								sp_runtime::Rounding::Down,
							)
							.unwrap_or(0);
						(c, account, amount.saturated_into::<BalanceOf<T>>())
					})
					.collect()
			}
		}
	}
}
