//! Memory a burst of requests allocated goes back to the system once it is freed.
//!
//! glibc's malloc keeps what a thread's arena freed for that arena: after a burst a service
//! held 10-20 MiB more than before it for as long as it ran (the gateway 59 MiB idle after the
//! scale bench, against 39 MiB before). `malloc_trim` gives every arena's whole free pages
//! back. (mimalloc gave no more throughput here and cost 20-35 MiB per process.)

use std::time::Duration;

/// How often freed memory is handed back: rare enough to cost nothing under load (a trim
/// walks the free lists once), soon enough that an idle service is small again.
pub const TRIM_EVERY: Duration = Duration::from_secs(5);

/// Hands the allocator's free pages back to the system every [`TRIM_EVERY`], for as long as
/// the process runs. Only the first call starts it (a process may start several stacks).
pub fn trim_periodically() {
    static STARTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if STARTED.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    tokio::spawn(async {
        let mut tick = tokio::time::interval(TRIM_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            // A trim takes the arenas' locks: off the executor.
            let _ = tokio::task::spawn_blocking(trim).await;
        }
    });
}

/// Gives the allocator's whole free pages back to the system; answers whether any went.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn trim() -> bool {
    // SAFETY: malloc_trim only walks and releases glibc's own free lists; it takes no
    // pointer and is safe to call from any thread at any time.
    unsafe { libc::malloc_trim(0) == 1 }
}

/// Other allocators give memory back by themselves.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn trim() -> bool {
    false
}

#[cfg(test)]
mod tests {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn freed_pages_go_back_to_the_system() {
        fn rss_kib() -> u64 {
            let status = std::fs::read_to_string("/proc/self/status").unwrap();
            let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
            line.split_whitespace().nth(1).unwrap().parse().unwrap()
        }
        // On a thread of its own, as a server worker: its arena keeps what it frees.
        std::thread::spawn(|| {
            // Many small blocks (below the mmap threshold), freed; a copy of one in 64, made
            // after them, stays so that the arena cannot shrink from its top.
            let mut blocks: Vec<Vec<u8>> = (0..40_000).map(|i| vec![i as u8; 2000]).collect();
            let kept: Vec<Vec<u8>> = blocks.iter().step_by(64).cloned().collect();
            blocks.clear();
            blocks.shrink_to_fit();
            let before = rss_kib();
            assert!(super::trim(), "pages were given back");
            let after = rss_kib();
            assert!(after + 20_000 < before, "RSS {before} KiB -> {after} KiB");
            drop(kept);
        })
        .join()
        .unwrap();
    }
}
