#![no_main]

// The outcome (accepted or refused) does not matter here: only panics, hangs and
// memory do.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = plansift_fuzz::seeds(data);
});
