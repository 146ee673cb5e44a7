//! Request JSON: any bytes posted to `POST /api/v1/sites/{key}/problems` are parsed as a
//! `NewProblem` and, if that works, validated; neither may panic, and a report that passes
//! validation keeps its limits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(report) = serde_json::from_slice::<civic_wire::NewProblem>(data) {
        let errors = civic_wire::validate_new_problem(&report);
        if errors.is_empty() {
            assert!(!report.description.trim().is_empty());
        }
    }
});
