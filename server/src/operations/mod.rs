//! Durable operations: what the console asked the provider to do, kept in the database so a
//! runner in any replica can carry it out, resume it after a crash, and show its progress.
//!
//! `store` holds the queue: submitting (with idempotency keys, audited in the same transaction),
//! finding, cancelling; `claims` what runners do with it: claiming with a lease (one operation
//! per cluster at a time, oldest first; `FOR UPDATE SKIP LOCKED` on PostgreSQL), the step log,
//! and finishing. `store` re-exports both, and `views`, what pages show of an operation.

mod claims;
pub mod params;
pub mod runner;
mod steps;
pub mod store;
mod views;
