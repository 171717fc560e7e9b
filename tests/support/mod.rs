//! Shared by tests/action.rs: the simulated runner, its expression evaluator and the local
//! release server.
#![allow(dead_code)]

pub mod expr;
pub mod release;
pub mod runner;
