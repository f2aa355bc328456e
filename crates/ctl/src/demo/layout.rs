//! Where the demo runs: the binaries beside soctl, a directory for the
//! store and the logs, and free loopback ports.

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::exit::{fail, Code};

/// The three programs the demo starts.
#[derive(Debug, Clone)]
pub struct Binaries {
    /// `so-sandbox`.
    pub sandbox: PathBuf,
    /// `so-ingest`.
    pub ingest: PathBuf,
    /// `so-worker`.
    pub worker: PathBuf,
}

impl Binaries {
    /// Finds `so-sandbox`, `so-ingest` and `so-worker` in the directory of
    /// the running soctl (cargo puts every binary of the workspace there).
    pub fn beside_soctl() -> anyhow::Result<Binaries> {
        let exe = std::env::current_exe().context("cannot tell where soctl is")?;
        let dir = exe.parent().unwrap_or(Path::new("."));
        let find = |name: &str| {
            let path = dir.join(name);
            if path.is_file() {
                Ok(path)
            } else {
                Err(fail(
                    Code::Failure,
                    format!(
                        "{name} is not beside soctl in {}: build them with \
                         cargo build (or cargo build --release for target/release)",
                        dir.display()
                    ),
                ))
            }
        };
        Ok(Binaries {
            sandbox: find("so-sandbox")?,
            ingest: find("so-ingest")?,
            worker: find("so-worker")?,
        })
    }
}

/// The directory the demo works in, and the ports it listens on.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Holds the store and the logs; the children's working directory.
    pub dir: PathBuf,
    /// Whether `dir` is the demo's own temp directory (no `--dir`), which
    /// goes when the demo ends well; a `--dir` is the operator's and stays.
    pub temporary: bool,
    /// The sandbox tenant's port.
    pub sandbox_port: u16,
    /// The ingest's webhook port.
    pub ingest_port: u16,
    /// The ingest's admin listener (dashboard, metrics).
    pub admin_port: u16,
}

impl Layout {
    /// Prepares `dir` (created when missing, a previous demo's store and
    /// logs removed), or a new directory under the system's temp dir, which
    /// [`Layout::clean_up`] removes or keeps at the end.
    pub fn prepare(dir: Option<&Path>) -> anyhow::Result<Layout> {
        let temporary = dir.is_none();
        let dir = match dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                clear_previous_run(dir)?;
                dir.to_owned()
            }
            None => tempfile::Builder::new()
                .prefix("soctl-demo-")
                .tempdir()
                .context("cannot create a temp directory")?
                .keep(),
        };
        // The children read ./.env, and .env wins over their environment.
        if dir.join(".env").exists() {
            return Err(fail(
                Code::Usage,
                format!(
                    "{} holds a .env, which would override the demo's settings: \
                     give another --dir",
                    dir.display()
                ),
            ));
        }
        std::fs::create_dir_all(dir.join("logs")).context("cannot create the logs directory")?;

        let [sandbox_port, ingest_port, admin_port] = free_ports()?;
        Ok(Layout {
            dir,
            temporary,
            sandbox_port,
            ingest_port,
            admin_port,
        })
    }

    /// Whether the directory goes when a demo that ended so (`ok`: nothing
    /// lost, no unexpected failure) exits. Only the demo's own temp
    /// directory, and only after a good run: after a bad or interrupted one
    /// its logs are what tells why, and a `--dir` is the operator's.
    pub fn removed_after(&self, ok: bool) -> bool {
        self.temporary && ok
    }

    /// Removes the directory if [`Self::removed_after`] says so, once every
    /// child has stopped; otherwise says where a temp directory is kept.
    pub fn clean_up(&self, ok: bool) {
        let dir = self.dir.display();
        if self.removed_after(ok) {
            match std::fs::remove_dir_all(&self.dir) {
                Ok(()) => eprintln!("soctl demo: removed {dir}"),
                Err(error) => eprintln!("soctl demo: cannot remove {dir}: {error}"),
            }
        } else if self.temporary {
            eprintln!("soctl demo: kept {dir} for its store and logs; rm -r it when done");
        }
    }

    /// The shared SQLite file.
    pub fn store_path(&self) -> PathBuf {
        self.dir.join("connector.sqlite")
    }

    /// A child's log file.
    pub fn log(&self, name: &str) -> PathBuf {
        self.dir.join("logs").join(format!("{name}.log"))
    }

    /// The sandbox's base URL.
    pub fn sandbox_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.sandbox_port)
    }

    /// The ingest's base URL (health checks).
    pub fn ingest_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.ingest_port)
    }

    /// The dashboard.
    pub fn dashboard_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.admin_port)
    }
}

/// Three distinct free loopback ports, found by binding port 0.
///
/// The ports are released before the children bind them, so another
/// program could take one in between; the child then fails to start and
/// the demo says so. Reading the ports back from the children's logs would
/// close the gap but ties the demo to their log wording.
fn free_ports() -> anyhow::Result<[u16; 3]> {
    let bind = || TcpListener::bind("127.0.0.1:0").context("cannot find a free loopback port");
    let listeners = [bind()?, bind()?, bind()?];
    let mut ports = [0; 3];
    for (port, listener) in ports.iter_mut().zip(&listeners) {
        *port = listener
            .local_addr()
            .context("cannot read a bound port")?
            .port();
    }
    Ok(ports)
}

/// Removes what an earlier demo left in `dir`: its store and its logs.
fn clear_previous_run(dir: &Path) -> anyhow::Result<()> {
    let names = [
        "connector.sqlite",
        "connector.sqlite-wal",
        "connector.sqlite-shm",
        "connector.sqlite.migrate.lock",
    ];
    for name in names {
        remove_if_present(&dir.join(name))?;
    }
    let logs = dir.join("logs");
    if logs.is_dir() {
        for entry in std::fs::read_dir(&logs).context("cannot read the logs directory")? {
            let path = entry.context("cannot read the logs directory")?.path();
            if path.extension().is_some_and(|ext| ext == "log") {
                remove_if_present(&path)?;
            }
        }
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_temp_directory_goes_after_a_good_run_and_stays_after_a_bad_one() {
        let layout = Layout::prepare(None).unwrap();

        assert!(!layout.removed_after(false));
        layout.clean_up(false);
        assert!(layout.dir.is_dir(), "kept after a bad run");

        assert!(layout.removed_after(true));
        layout.clean_up(true);
        assert!(!layout.dir.exists(), "removed after a good run");
    }

    #[test]
    fn a_directory_given_with_dir_is_kept() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("demo");

        let layout = Layout::prepare(Some(&dir)).unwrap();
        layout.clean_up(true);

        assert!(!layout.removed_after(true));
        assert!(dir.join("logs").is_dir());
    }
}
