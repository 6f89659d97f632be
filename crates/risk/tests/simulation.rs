//! The validation bar on a smaller run of the committed simulation
//! (`examples/risk_sim.rs`; the full table is eval/risk-sim/results.md).

#[path = "../examples/risk_sim.rs"]
mod sim;

#[test]
fn estimate_within_factor_3_for_80_percent_of_small_counts() {
    let rows = sim::run(8, 1, 40, 7);
    let (n, share) = sim::share_within_3(&rows);
    eprintln!("{n} planted posts with true count <= 100; within x3: {share:.3}");
    assert!(n >= 100, "{n}");
    assert!(share >= 0.8, "{share}");
    assert!(sim::report(&rows).contains("| true count |"));
}

#[test]
fn rng_is_deterministic() {
    let mut a = sim::Rng::new(1);
    let mut b = sim::Rng::new(1);
    assert_eq!(a.next_u64(), b.next_u64());
    assert!((0..1000).map(|_| a.f64()).all(|x| (0.0..1.0).contains(&x)));
}
