//! The on-target test harness.
//!
//! A suite is a list of `fn() -> TestResult`; [`run`] runs them in order and logs, in libtest's
//! format:
//!
//! ```text
//! running 3 tests on mps2-an386
//! test flash_erase_write_read ... ok
//! test sha256_abc ... FAILED: src/bin/smoke.rs:40: digest differs
//! 2 passed, 1 failed
//! ```
//!
//! then exits 0 when every test passed and [`EXIT_TESTS_FAILED`](crate::EXIT_TESTS_FAILED)
//! otherwise. Before each test it logs `test NAME ...` (without a result), so that the runner can
//! name the test that was running when the firmware panicked, faulted, locked up or hung; a panic
//! or fault inside a test is reported by the handlers as `test NAME ... FAILED: panic` (or
//! `HardFault`).
//!
//! In a test, [`check!`](crate::check) and [`check_eq!`](crate::check_eq) return an error that
//! names the file and line; `?` works on any `Result<_, &'static str>`.

/// What a test returns: `Err` carries the reason for the failure.
pub type TestResult = Result<(), &'static str>;

/// One test: its name and its function.
#[derive(Clone, Copy)]
pub struct Test {
    /// The name printed in the report.
    pub name: &'static str,
    /// The test itself.
    pub run: fn() -> TestResult,
}

/// Runs `tests` in order, prints one line per test and a summary, and exits.
pub fn run(tests: &[Test]) -> ! {
    crate::init();
    defmt::info!(
        "running {=usize} tests on {=str}",
        tests.len(),
        crate::BOARD
    );
    let mut failed = 0usize;
    for test in tests {
        defmt::info!("test {=str} ...", test.name);
        crate::set_current_test(test.name);
        let result = (test.run)();
        crate::set_current_test("");
        match result {
            Ok(()) => defmt::info!("test {=str} ... ok", test.name),
            Err(why) => {
                failed += 1;
                defmt::error!("test {=str} ... FAILED: {=str}", test.name, why);
            }
        }
    }
    defmt::info!(
        "{=usize} passed, {=usize} failed",
        tests.len() - failed,
        failed
    );
    crate::exit(if failed == 0 {
        crate::EXIT_SUCCESS
    } else {
        crate::EXIT_TESTS_FAILED
    })
}

/// Defines the firmware's entry point running the listed test functions:
/// `drm_board::suite!(flash_roundtrip, sha256_abc);`
#[macro_export]
macro_rules! suite {
    ($($test:ident),+ $(,)?) => {
        #[$crate::entry]
        fn main() -> ! {
            $crate::harness::run(&[$($crate::harness::Test {
                name: stringify!($test),
                run: $test,
            }),+])
        }
    };
}

/// Fails the test (returns `Err("file:line: message")`) unless `cond` holds.
#[macro_export]
macro_rules! check {
    ($cond:expr, $msg:literal $(,)?) => {
        if !$cond {
            return Err(concat!(file!(), ":", line!(), ": ", $msg));
        }
    };
    ($cond:expr $(,)?) => {
        if !$cond {
            return Err(concat!(
                file!(),
                ":",
                line!(),
                ": check failed: ",
                stringify!($cond)
            ));
        }
    };
}

/// Fails the test unless `left == right`; logs both values (through their `Debug`).
#[macro_export]
macro_rules! check_eq {
    ($left:expr, $right:expr $(,)?) => {
        match (&$left, &$right) {
            (left, right) => {
                if left != right {
                    defmt::error!(
                        "left:  {}\nright: {}",
                        defmt::Debug2Format(left),
                        defmt::Debug2Format(right)
                    );
                    return Err(concat!(
                        file!(),
                        ":",
                        line!(),
                        ": ",
                        stringify!($left),
                        " != ",
                        stringify!($right)
                    ));
                }
            }
        }
    };
}
