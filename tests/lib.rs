//! End-to-end tests through the gateway live in `api/`.
