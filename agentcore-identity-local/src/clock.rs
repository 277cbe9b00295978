//! Time sources: the system clock, and a manual clock that tests move forward.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of the current time.
///
/// Every expiry decision of the service (workload access tokens, user JWTs) and every
/// timestamp it stores reads the time from its clock, so a test can replace the system clock
/// with a [`ManualClock`] and move time forward without sleeping.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Returns the current time.
    fn now(&self) -> SystemTime;
}

/// The system's wall clock, used unless another clock is configured.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that shows a fixed time until it is moved.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use agentcore_identity_local::{Clock, ManualClock};
///
/// let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_000));
/// clock.advance(Duration::from_secs(60));
/// assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_secs(1_060));
/// ```
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<SystemTime>,
}

impl ManualClock {
    /// Creates a clock that shows `start`.
    #[must_use]
    pub fn new(start: SystemTime) -> Self {
        Self {
            now: Mutex::new(start),
        }
    }

    /// Creates a clock that shows the current system time, and keeps showing it until moved.
    #[must_use]
    pub fn starting_now() -> Self {
        Self::new(SystemClock.now())
    }

    /// Moves the clock forward by `duration`.
    pub fn advance(&self, duration: Duration) {
        let mut now = self.lock();
        *now += duration;
    }

    /// Sets the clock to `time`, which may be earlier than the time it shows.
    pub fn set(&self, time: SystemTime) {
        *self.lock() = time;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SystemTime> {
        // A panic while holding this lock cannot leave the time half-written.
        self.now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.lock()
    }
}

/// Returns `time` as milliseconds since the Unix epoch; times before the epoch count as 0.
pub(crate) fn unix_millis(time: SystemTime) -> i64 {
    let millis = time
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_millis();
    i64::try_from(millis).unwrap_or(i64::MAX)
}

/// Returns `time` as whole seconds since the Unix epoch; times before the epoch count as 0.
pub(crate) fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}

/// Converts stored milliseconds to the epoch-second number the wire protocol uses.
#[allow(clippy::cast_precision_loss)]
pub(crate) fn wire_timestamp(millis: i64) -> f64 {
    // Millisecond timestamps stay far below 2^53, so the conversion is exact to the millisecond.
    millis as f64 / 1000.0
}
