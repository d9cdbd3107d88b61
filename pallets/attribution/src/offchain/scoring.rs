//! Scoring a query against an index with the engine's `no_std` core, and turning the
//! engine's shares into the on-chain result.

use alloc::vec::Vec;
use sp_runtime::Perbill;
use tributary_attribution::{parse_contribution_id, IndexView, WorkLimits};
use tributary_primitives::ContributionRef;

/// Why a query could not be turned into a result.
#[derive(Debug)]
pub enum ScoringError {
	/// The index bytes are not a valid index within the worker's limits.
	Index(tributary_attribution::DecodeError),
	/// The query does not fit the index.
	Query(tributary_attribution::ScoreError),
	/// An index contributor id is not of the form `dataset:contribution`.
	BadContributor,
	/// No contribution scored positive: nothing to attest.
	NoPositiveScore,
}

/// The limits of work the worker accepts from an index: the engine's on-chain defaults.
pub fn limits(max_index_bytes: u32) -> WorkLimits {
	WorkLimits { max_index_bytes: max_index_bytes as u64, ..WorkLimits::ON_CHAIN }
}

/// A parsed index, ready to score many queries without copying its matrix.
pub struct Scorer<'a> {
	view: IndexView<'a>,
	/// Each index contributor's on-chain contribution.
	contributions: Vec<ContributionRef>,
}

impl<'a> Scorer<'a> {
	/// Parses `bytes` within `limits`; every contributor id must name an on-chain
	/// contribution (`dataset:contribution`).
	pub fn new(bytes: &'a [u8], limits: &WorkLimits) -> Result<Self, ScoringError> {
		let view = IndexView::parse(bytes, limits).map_err(ScoringError::Index)?;
		let mut contributions = Vec::with_capacity(view.contributions());
		for i in 0..view.contributions() {
			let (dataset, contribution) =
				parse_contribution_id(view.contributor(i)).ok_or(ScoringError::BadContributor)?;
			contributions.push(ContributionRef::new(dataset, contribution));
		}
		Ok(Scorer { view, contributions })
	}

	/// The result for `query`: at most `max_entries` contributions with their shares
	/// (parts per billion summing to exactly 10⁹), sorted by contribution as the chain
	/// requires. Identical to what `tributary attribution score` prints for the same index
	/// and query.
	pub fn result(
		&self,
		query: &[u8],
		max_entries: u32,
	) -> Result<Vec<(ContributionRef, Perbill)>, ScoringError> {
		let shares =
			self.view.attribute(query, max_entries as usize).map_err(ScoringError::Query)?;
		if shares.is_empty() {
			return Err(ScoringError::NoPositiveScore);
		}
		let mut result: Vec<(ContributionRef, Perbill)> = shares
			.into_iter()
			.map(|(i, ppb)| (self.contributions[i as usize], Perbill::from_parts(ppb)))
			.collect();
		result.sort_by_key(|(c, _)| *c);
		// Two index rows naming the same contribution would make an invalid result.
		if result.windows(2).any(|w| w[0].0 == w[1].0) {
			return Err(ScoringError::BadContributor);
		}
		Ok(result)
	}
}
