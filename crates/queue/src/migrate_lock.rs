//! The lock under which one process at a time creates and migrates the
//! store, on the sibling file `<db>.migrate.lock`, and why that file does
//! not outlive the migration.
//!
//! The lock is an OS lock (`flock`) on the file, released when the file is
//! closed, also when the process dies. The file itself would otherwise
//! linger next to the store for good, which looks like a stale lock to an
//! operator. So its holder removes it, while still holding the lock.
//!
//! Removing a lock file is safe only because every taker checks, once its
//! lock is granted, that the path still names the file it locked. Without
//! that check, the ingest and two workers starting at once could break
//! mutual exclusion: B opens the file and waits on it; A finishes, removes
//! it and lets go; C finds no file, creates a new one and locks it at once;
//! B's lock is now granted too, on the removed file, and B and C migrate at
//! the same time. With the check, B sees the path gone or naming another
//! file, closes its handle and starts over, waiting on C's file.
//!
//! A process killed while migrating leaves the file behind, unlocked; the
//! next start takes it over and removes it. Unix only, like the rest of the
//! workspace (the file identity is its device and inode numbers).

use std::fs::File;
use std::io;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use crate::error::StoreError;

/// An exclusive lock on `<db>.migrate.lock`, held until dropped; the drop
/// removes the file before the lock is let go.
#[derive(Debug)]
pub(crate) struct MigrationLock {
    /// The lock file, removed on drop.
    path: PathBuf,
    /// The open, locked file; closing it releases the lock.
    _file: File,
}

impl MigrationLock {
    /// Opens (creating) and exclusively locks `path`, blocking until the
    /// lock is free. Runs on a blocking thread.
    pub(crate) fn acquire(path: PathBuf) -> Result<MigrationLock, StoreError> {
        let fail = |source| StoreError::MigrationLock {
            path: path.clone(),
            source,
        };
        loop {
            let file = File::options()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(fail)?;
            file.lock().map_err(fail)?;

            // The holder before us may have removed the file while we
            // waited (see the module docs): then this lock excludes no one.
            if names(&path, &file).map_err(fail)? {
                return Ok(MigrationLock { path, _file: file });
            }
        }
    }
}

impl Drop for MigrationLock {
    fn drop(&mut self) {
        // Removed while still locked, so that no one can lock this file
        // and find it named by the path; the lock goes with `_file`, which
        // is dropped after this.
        match std::fs::remove_file(&self.path) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => {
                // Harmless: the next start takes the file over.
                tracing::debug!(
                    path = %self.path.display(),
                    error = %error,
                    "cannot remove the migration lock file"
                );
            }
            _ => {}
        }
    }
}

/// Whether `path` names the very file `file` has open.
fn names(path: &Path, file: &File) -> io::Result<bool> {
    let held = file.metadata()?;
    match std::fs::metadata(path) {
        Ok(named) => Ok(named.dev() == held.dev() && named.ino() == held.ino()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_file_is_gone_once_the_lock_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jobs.db.migrate.lock");

        let lock = MigrationLock::acquire(path.clone()).unwrap();
        assert!(path.exists());
        drop(lock);

        assert!(!path.exists());
    }

    #[test]
    fn a_file_left_by_a_killed_process_is_taken_over_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jobs.db.migrate.lock");
        std::fs::write(&path, "").unwrap();

        drop(MigrationLock::acquire(path.clone()).unwrap());

        assert!(!path.exists());
    }

    /// Many takers, each removing the file as it lets go, the way the
    /// ingest and several workers starting at once do. Without the check
    /// that the path still names the locked file, two of them soon hold a
    /// lock at the same time (one on the removed file, one on its
    /// successor). `flock` locks belong to the open file, so threads of one
    /// process contend exactly like processes.
    #[test]
    fn takers_that_remove_the_file_still_exclude_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jobs.db.migrate.lock");
        let inside = Arc::new(AtomicUsize::new(0));

        let takers: Vec<_> = (0..6)
            .map(|_| {
                let (path, inside) = (path.clone(), inside.clone());
                std::thread::spawn(move || {
                    for _ in 0..150 {
                        let lock = MigrationLock::acquire(path.clone()).unwrap();
                        let others = inside.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_micros(50));
                        inside.fetch_sub(1, Ordering::SeqCst);
                        drop(lock);
                        assert_eq!(others, 0, "two takers held the lock at once");
                    }
                })
            })
            .collect();

        for taker in takers {
            taker.join().expect("no taker saw another inside");
        }
        assert!(!path.exists());
    }
}
