//! The runtime's pallet configurations, one file per concern.

mod consensus;
mod datasets;
mod monetary;
mod system;

pub use system::RuntimeBlockWeights;
