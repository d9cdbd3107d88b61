//! # tributary-attribution
//!
//! The Tributary influence engine. Data contributors are paid per inference in proportion
//! to the influence of their training data on the model's prediction:
//!
//! ```text
//! I(i, q) = ∇ℓ(q; θ*)ᵀ · H⁻¹ · ∇ℓ(i; θ*) / n        (positive = i helped the prediction)
//! ```
//!
//! (Koh & Liang 2017, "Understanding Black-box Predictions via Influence Functions";
//! the subspace variant restricts it to `H`'s dominant subspace, after Schioppa et al.
//! 2022; the projected variant follows TRAK, Park et al. 2023.)
//!
//! * no_std core (`alloc` only; compiles for `wasm32v1-none`): [`Index`] decoding and
//!   encoding, the zero-copy [`IndexView`] with [`WorkLimits`] for the off-chain worker,
//!   [`Query`] parsing, [`Index::score`], [`shares::shares`], [`parse_contribution_id`]. Deterministic:
//!   fixed summation order, `libm` for `exp`/`log`, no fused multiply-add.
//! * `std` feature: training ([`train`]), influence with exact / CG / subspace / projected
//!   Hessian treatments and the grad-dot baseline ([`influence`]), multi-threaded index building
//!   ([`build`]) within a memory bound checked before allocating ([`memory`]), on linear
//!   algebra with a fixed operation order on every CPU and thread count ([`linalg`], so
//!   `cli` can `verify` an index against its data), CSV/`.npy`
//!   input ([`data`]), text attribution by suffix-array span matching ([`span`]) and the
//!   command line ([`cli`]).
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod csv;
pub mod family;
pub mod index;
pub mod kernel;
pub mod projection;
pub mod query;
pub mod shares;
pub mod view;

#[cfg(feature = "std")]
pub mod build;
#[cfg(feature = "std")]
pub mod cli;
#[cfg(feature = "std")]
pub mod data;
#[cfg(feature = "std")]
pub mod fixture;
#[cfg(feature = "std")]
pub mod influence;
#[cfg(feature = "std")]
pub mod linalg;
#[cfg(feature = "std")]
pub mod memory;
#[cfg(feature = "std")]
pub mod span;
#[cfg(feature = "std")]
pub mod subspace;
#[cfg(feature = "std")]
pub mod train;

pub use family::Family;
pub use index::{DecodeError, Examples, Index, Method, ScoreError, WorkLimits};
pub use query::{ColumnLookup, Query, QueryError};
pub use shares::shares;
pub use view::{parse_contribution_id, IndexView};

/// Version of the scoring semantics: the query parsing, gradient, projection, kernel order,
/// score canonicalisation, shares and attestation encoding that turn (index bytes, query
/// bytes) into attestation bytes. Attestors bind their results to it; any change that can
/// alter a single output bit increments it (2: subspace indexes and the linear baseline are
/// scored where version 1 rejected them; every index version 1 scored scores the same).
pub const ENGINE_VERSION: u32 = 2;

/// The first eight bytes of a span (text) index file: such an index is scored natively by
/// the span service, never by the `no_std` core.
pub const SPAN_MAGIC: [u8; 8] = *b"TRIBSPAN";
