//! The services as named modules with explicit dependencies (in the spirit of Grafana Mimir's
//! `modules.go`), and the one function that starts any of them or all of them: the `janua`
//! binary and the test kit build the stack through [`stack::start`].

pub mod cli;
pub mod stack;
