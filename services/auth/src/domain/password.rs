//! Password rules and hashing (argon2id, RFC 9106) on a dedicated pool of threads.

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use janua_core::ApiError;
use janua_core::config::PasswordSettings;
use std::collections::HashSet;
use std::sync::Arc;
use tokio::sync::oneshot;

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 128;

static COMMON_PASSWORDS_TXT: &str = include_str!("../../data/common-passwords.txt");

/// The shipped list of common passwords (lower-case).
pub fn common_passwords() -> HashSet<&'static str> {
    COMMON_PASSWORDS_TXT.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
}

/// Length is counted in characters, never truncated; a common password is refused whatever
/// its case.
pub fn check_policy(password: &str, common: &HashSet<&'static str>, field: &str) -> Result<(), ApiError> {
    let len = password.chars().count();
    if len < MIN_LEN {
        let args = vec![("field", field.to_string().into()), ("min", MIN_LEN.into())];
        return Err(ApiError::invalid(field, "error.password.too_short", args));
    }
    if len > MAX_LEN {
        let args = vec![("field", field.to_string().into()), ("max", MAX_LEN.into())];
        return Err(ApiError::invalid(field, "error.password.too_long", args));
    }
    if common.contains(password.to_lowercase().as_str()) {
        return Err(ApiError::invalid(
            field,
            "error.password.too_common",
            vec![("field", field.to_string().into())],
        ));
    }
    Ok(())
}

/// Hashes and verifies passwords on a few dedicated threads, one argon2 memory area each,
/// reused for every hash: memory stays at `threads x m` KiB however hard sign-ins arrive (a
/// fresh 19 MiB allocation per hash made the allocator keep hundreds of MiB), no time goes to
/// zeroing fresh pages, and the async executor never runs argon2.
///
/// Work waits in two bounded lanes: checks of a password (sign-ins) go first, new hashes
/// (sign-ups, resets, changes) after them, in at most half as many places. A full lane sheds
/// the request with 503 and `Retry-After` at once: a flood of sign-ups never stalls sign-ins,
/// and nothing queues without end.
#[derive(Clone)]
pub struct PasswordHasher {
    queue: Arc<Queue>,
    /// Closes the queue (and ends the threads) when the last clone goes.
    _open: Arc<Opened>,
    /// A real hash of a random password, verified against when the email is unknown so that
    /// both answers cost the same time.
    dummy_hash: Arc<String>,
}

enum Job {
    Hash { password: String, reply: oneshot::Sender<Result<String, String>> },
    Verify { password: String, phc: String, reply: oneshot::Sender<bool> },
}

/// A job and when it was queued.
type Queued = (std::time::Instant, Job);

#[derive(Default)]
struct Lanes {
    verify: std::collections::VecDeque<Queued>,
    hash: std::collections::VecDeque<Queued>,
    closed: bool,
}

impl Lanes {
    /// The lanes' depths in the metrics.
    fn observe(&self) {
        use janua_core::metrics as m;
        metrics::gauge!(m::ARGON2_QUEUE, "lane" => "verify").set(self.verify.len() as f64);
        metrics::gauge!(m::ARGON2_QUEUE, "lane" => "hash").set(self.hash.len() as f64);
    }
}

struct Queue {
    lanes: std::sync::Mutex<Lanes>,
    ready: std::sync::Condvar,
    verify_limit: usize,
    hash_limit: usize,
    threads: usize,
    /// `passwords.hashing_max_wait_ms`, in microseconds.
    max_wait_us: u64,
    /// The measured time of one job (moving average), in microseconds.
    job_us: std::sync::atomic::AtomicU64,
}

impl Queue {
    fn lanes(&self) -> Result<std::sync::MutexGuard<'_, Lanes>, ApiError> {
        self.lanes.lock().map_err(|_| ApiError::internal("password hashing pool poisoned"))
    }

    /// Refuses a job of this kind (a check, or a new hash) if it could not start within
    /// `max_wait_us` or its lane is full. Checks go first: a check waits behind checks, a new
    /// hash behind everything.
    fn admit(&self, lanes: &Lanes, check: bool) -> Result<(), ApiError> {
        let (checks, hashes) = (lanes.verify.len(), lanes.hash.len());
        let (waiting, limit, ahead) = if check {
            (checks, self.verify_limit, checks)
        } else {
            (hashes, self.hash_limit, checks + hashes)
        };
        let job_us = self.job_us.load(std::sync::atomic::Ordering::Relaxed);
        let expected_wait_us = ahead as u64 * job_us / self.threads as u64;
        if waiting < limit && expected_wait_us <= self.max_wait_us {
            return Ok(());
        }
        static SHED_LOG: janua_core::telemetry::LogEvery =
            janua_core::telemetry::LogEvery::new(std::time::Duration::from_secs(1));
        if let Some(also_shed) = SHED_LOG.due() {
            tracing::warn!(
                waiting,
                expected_wait_us,
                also_shed,
                "password hashing is saturated; request shed (also_shed: since the last such line)"
            );
        }
        metrics::counter!(janua_core::metrics::SHED, "service" => "auth", "queue" => "argon2").increment(1);
        Err(ApiError::unavailable("password hashing").with_header(actix_web::http::header::RETRY_AFTER, "1"))
    }

    fn push(&self, job: Job) -> Result<(), ApiError> {
        let mut lanes = self.lanes()?;
        self.admit(&lanes, matches!(job, Job::Verify { .. }))?;
        let lane = match &job {
            Job::Verify { .. } => &mut lanes.verify,
            Job::Hash { .. } => &mut lanes.hash,
        };
        lane.push_back((std::time::Instant::now(), job));
        lanes.observe();
        drop(lanes);
        self.ready.notify_one();
        Ok(())
    }

    /// Folds the time one job took into the moving average (1/8 weight).
    fn measured(&self, took: std::time::Duration) {
        let took = took.as_micros() as u64;
        let old = self.job_us.load(std::sync::atomic::Ordering::Relaxed);
        let new = if old == 0 { took } else { old - old / 8 + took / 8 };
        self.job_us.store(new, std::sync::atomic::Ordering::Relaxed);
    }

    /// The next job, checks before hashes; `None` once closed and drained.
    fn next(&self) -> Option<Job> {
        let mut lanes = self.lanes.lock().ok()?;
        loop {
            let (lane, queued) = match lanes.verify.pop_front() {
                Some(queued) => ("verify", Some(queued)),
                None => ("hash", lanes.hash.pop_front()),
            };
            if let Some((since, job)) = queued {
                lanes.observe();
                metrics::histogram!(janua_core::metrics::ARGON2_WAIT, "lane" => lane)
                    .record(since.elapsed().as_secs_f64());
                return Some(job);
            }
            if lanes.closed {
                return None;
            }
            lanes = self.ready.wait(lanes).ok()?;
        }
    }
}

struct Opened(Arc<Queue>);

impl Drop for Opened {
    fn drop(&mut self) {
        if let Ok(mut lanes) = self.0.lanes.lock() {
            lanes.closed = true;
        }
        self.0.ready.notify_all();
    }
}

struct Worker {
    argon2: Argon2<'static>,
    params: Params,
    memory: Vec<Block>,
}

impl Worker {
    fn memory_for(&mut self, params: &Params) -> &mut [Block] {
        let blocks = params.block_count();
        if self.memory.len() < blocks {
            self.memory.resize(blocks, Block::default());
        }
        &mut self.memory[..blocks]
    }

    fn hash(&mut self, password: &[u8]) -> Result<String, String> {
        let salt = janua_core::crypto::random_bytes(16);
        let mut out = [0u8; 32];
        let params = self.params.clone();
        let argon2 = self.argon2.clone();
        argon2
            .hash_password_into_with_memory(password, &salt, &mut out, self.memory_for(&params))
            .map_err(|e| e.to_string())?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params).map_err(|e| e.to_string())?,
            salt: Some(Salt::new(&salt).map_err(|e| e.to_string())?),
            hash: Some(Output::new(&out).map_err(|e| e.to_string())?),
        };
        Ok(phc.to_string())
    }

    /// Verifies with the parameters stored in the hash (older hashes keep working after the
    /// configured parameters change).
    fn verify(&mut self, password: &[u8], phc: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(phc) else {
            return false;
        };
        let (Ok(params), Ok(algorithm)) =
            (Params::try_from(&parsed), Algorithm::try_from(parsed.algorithm.as_str()))
        else {
            return false;
        };
        let version = match parsed.version.map(Version::try_from) {
            None => Version::V0x13,
            Some(Ok(v)) => v,
            Some(Err(_)) => return false,
        };
        let (Some(salt), Some(expected)) = (parsed.salt.as_ref(), parsed.hash.as_ref()) else {
            return false;
        };
        let argon2 = Argon2::new(algorithm, version, params.clone());
        let mut out = vec![0u8; expected.len()];
        if argon2
            .hash_password_into_with_memory(password, salt.as_ref(), &mut out, self.memory_for(&params))
            .is_err()
        {
            return false;
        }
        janua_core::crypto::constant_time_eq(&out, expected.as_bytes())
    }
}

impl PasswordHasher {
    pub fn new(settings: &PasswordSettings) -> anyhow::Result<PasswordHasher> {
        let params = Params::new(
            settings.argon2_memory_kib,
            settings.argon2_iterations,
            settings.argon2_parallelism,
            Some(32),
        )
        .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
        let threads = settings
            .hashing_concurrency
            .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2))
            .max(1);
        let verify_limit = settings.hashing_queue.max(1);
        let queue = Arc::new(Queue {
            lanes: std::sync::Mutex::new(Lanes::default()),
            ready: std::sync::Condvar::new(),
            verify_limit,
            hash_limit: (verify_limit / 2).max(1),
            threads,
            max_wait_us: settings.hashing_max_wait_ms.saturating_mul(1000),
            job_us: std::sync::atomic::AtomicU64::new(0),
        });
        for i in 0..threads {
            let queue = Arc::clone(&queue);
            let mut worker = Worker {
                argon2: Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone()),
                params: params.clone(),
                memory: Vec::new(),
            };
            std::thread::Builder::new().name(format!("argon2-{i}")).spawn(move || {
                while let Some(job) = queue.next() {
                    let started = std::time::Instant::now();
                    match job {
                        Job::Hash { password, reply } => {
                            let _ = reply.send(worker.hash(password.as_bytes()));
                        }
                        Job::Verify { password, phc, reply } => {
                            let _ = reply.send(worker.verify(password.as_bytes(), &phc));
                        }
                    }
                    queue.measured(started.elapsed());
                }
            })?;
        }
        let mut hasher = PasswordHasher {
            _open: Arc::new(Opened(queue.clone())),
            queue,
            dummy_hash: Arc::new(String::new()),
        };
        let mut worker = Worker {
            argon2: Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone()),
            params,
            memory: Vec::new(),
        };
        let dummy = janua_core::crypto::random_token();
        let started = std::time::Instant::now();
        hasher.dummy_hash =
            Arc::new(worker.hash(dummy.as_bytes()).map_err(|e| anyhow::anyhow!("argon2: {e}"))?);
        // The first estimate of a job's time, before any request has measured one.
        hasher.queue.measured(started.elapsed());
        Ok(hasher)
    }

    pub async fn hash(&self, password: &str) -> Result<String, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.queue.push(Job::Hash { password: password.to_owned(), reply })?;
        answer.await.map_err(ApiError::internal)?.map_err(ApiError::internal)
    }

    /// Whether a password check would be taken now, before anything is looked up for it: a
    /// request the pool would shed costs no more than this (the check itself tests again).
    pub fn admits_check(&self) -> Result<(), ApiError> {
        self.queue.admit(&*self.queue.lanes()?, true)
    }

    /// `None` for an unknown account: the dummy hash is checked instead and the answer is false.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, ApiError> {
        let known = stored.is_some();
        let phc = stored.map(str::to_owned).unwrap_or_else(|| self.dummy_hash.as_ref().clone());
        let (reply, answer) = oneshot::channel();
        self.queue.push(Job::Verify { password: password.to_owned(), phc, reply })?;
        let ok = answer.await.map_err(ApiError::internal)?;
        Ok(ok && known)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_is_large_enough() {
        assert!(common_passwords().len() >= 10_000);
    }

    #[test]
    fn policy_checks_length_and_common_passwords() {
        let common = common_passwords();
        assert!(check_policy("short", &common, "password").is_err());
        assert!(check_policy(&"x".repeat(129), &common, "password").is_err());
        assert!(check_policy("correct horse battery staple", &common, "password").is_ok());
        let a_common_long_one = common.iter().find(|p| p.chars().count() >= 10).unwrap();
        let err = check_policy(&a_common_long_one.to_uppercase(), &common, "password").unwrap_err();
        assert_eq!(err.details().unwrap()["field"], "password");
        // 128 multi-byte characters are 128 characters, not 512 bytes.
        assert!(check_policy(&"é".repeat(128), &common, "password").is_ok());
    }

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_never_match() {
        let hasher = PasswordHasher::new(&PasswordSettings {
            argon2_memory_kib: 256,
            argon2_iterations: 1,
            argon2_parallelism: 1,
            hashing_concurrency: Some(2),
            hashing_queue: 8,
            hashing_max_wait_ms: 500,
        })
        .unwrap();
        let h = hasher.hash("correct horse battery").await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=256,t=1,p=1$"));
        assert!(hasher.verify("correct horse battery", Some(&h)).await.unwrap());
        assert!(!hasher.verify("wrong horse battery", Some(&h)).await.unwrap());
        assert!(!hasher.verify("anything", None).await.unwrap());
        // Interoperable with the argon2 crate's own PHC handling, both ways.
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let reference = Argon2::default();
        assert!(reference.verify_password(b"correct horse battery", &PasswordHash::new(&h).unwrap()).is_ok());
        let theirs = reference.hash_password(b"another passphrase").unwrap().to_string();
        assert!(hasher.verify("another passphrase", Some(&theirs)).await.unwrap());
        assert!(!hasher.verify("another passphrase", Some("not a phc string")).await.unwrap());
    }
}

#[cfg(test)]
mod shedding {
    use super::*;

    /// With one thread busy and the lanes full, more work is refused at once (503 with
    /// Retry-After) instead of waiting; checks keep their own, larger lane.
    /// However long the lanes, a job that would wait longer than `hashing_max_wait_ms` (the
    /// jobs ahead of it at the measured time of one) is shed at once; the first is admitted.
    #[tokio::test]
    async fn a_job_that_would_wait_too_long_is_shed_at_once() {
        let hasher = PasswordHasher::new(&PasswordSettings {
            argon2_memory_kib: 8 * 1024,
            argon2_iterations: 4,
            argon2_parallelism: 1,
            hashing_concurrency: Some(1),
            hashing_queue: 256,
            hashing_max_wait_ms: 0,
        })
        .unwrap();
        let stored = hasher.hash("correct horse battery").await.unwrap();
        let checks: Vec<_> = (0..8)
            .map(|_| {
                let (h, stored) = (hasher.clone(), stored.clone());
                tokio::spawn(async move { h.verify("correct horse battery", Some(&stored)).await })
            })
            .collect();
        let (mut shed, mut checked) = (0, 0);
        for c in checks {
            match c.await.unwrap() {
                Ok(ok) => {
                    assert!(ok);
                    checked += 1;
                }
                Err(e) => {
                    assert_eq!(e.code(), janua_core::ErrorCode::ServiceUnavailable);
                    shed += 1;
                }
            }
        }
        assert!(shed >= 1, "eight at once on one thread with no wait allowed: {shed} shed");
        assert_eq!(shed + checked, 8);
    }

    #[tokio::test]
    async fn a_full_lane_sheds_at_once_and_checks_keep_their_places() {
        let hasher = PasswordHasher::new(&PasswordSettings {
            argon2_memory_kib: 8 * 1024,
            argon2_iterations: 4,
            argon2_parallelism: 1,
            hashing_concurrency: Some(1),
            hashing_queue: 4,
            hashing_max_wait_ms: 60_000,
        })
        .unwrap();
        let stored = hasher.hash("correct horse battery").await.unwrap();
        let hashes: Vec<_> = (0..12)
            .map(|_| {
                let h = hasher.clone();
                tokio::spawn(async move { h.hash("a flood of sign-ups").await })
            })
            .collect();
        let check = {
            let h = hasher.clone();
            let stored = stored.clone();
            tokio::spawn(async move { h.verify("correct horse battery", Some(&stored)).await })
        };
        let mut shed = 0;
        for h in hashes {
            if let Err(e) = h.await.unwrap() {
                assert_eq!(e.code(), janua_core::ErrorCode::ServiceUnavailable);
                shed += 1;
            }
        }
        assert!(shed >= 12 - 3, "at most the running hash and two waiting ones go through: {shed}");
        assert!(check.await.unwrap().unwrap(), "the sign-in's check was not shed");
    }
}
