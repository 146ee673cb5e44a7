//! A real IMAP server process for the IMAP poller's tests: Debian's Dovecot (`dovecot-imapd`,
//! installed by `scripts/install-tools.sh`), run in the foreground with a configuration of its
//! own in a temporary folder — its own `base_dir`, `state_dir` and log, one user in a
//! `passwd-file` with a plain password, a Maildir — listening on 127.0.0.1 only, on a free
//! port, without TLS. Messages are dropped into the Maildir as an MTA drops them.
//!
//! Tests run as root here and in CI, and Dovecot refuses to give anyone mail access as UID 0
//! (`passwd-file …: User … has invalid UID '0'`, and `first_valid_uid` cannot lower that).
//! So as root the mail user is the `mail` system account (UID 8 on Debian, present on every
//! system): the Maildir is chowned to it and `first_valid_uid` lowered to its UID; Dovecot's
//! own processes drop to its `dovecot`/`dovenull` users as usual. As anyone else, everything
//! runs as that user: `default_internal_user` and `default_login_user` are the user itself, and
//! the login and anvil processes do not chroot (that needs root).

use std::fs;
use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::{PermissionsExt as _, chown};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tempfile::TempDir;

pub const DOVECOT: &str = "/usr/sbin/dovecot";
pub const USER: &str = "agency-replies";
/// Characters a URL must percent-encode (no `:`, the passwd file's separator), so that the
/// poller's decoding is exercised.
pub const PASSWORD: &str = "pa ss@w/rd#1";

pub struct Dovecot {
    child: Child,
    port: u16,
    dir: TempDir,
    /// The owner of the Maildir and its messages.
    uid: u32,
    gid: u32,
}

/// An account of /etc/passwd by name or UID: (name, uid, gid).
fn passwd_entry(wanted: impl Fn(&str, u32) -> bool) -> Option<(String, u32, u32)> {
    fs::read_to_string("/etc/passwd")
        .ok()?
        .lines()
        .find_map(|line| {
            let f: Vec<&str> = line.split(':').collect();
            let (uid, gid) = (f.get(2)?.parse().ok()?, f.get(3)?.parse().ok()?);
            wanted(f[0], uid).then(|| (f[0].to_owned(), uid, gid))
        })
}

/// The name of group `gid` in /etc/group.
fn group_name(gid: u32) -> Option<String> {
    fs::read_to_string("/etc/group")
        .ok()?
        .lines()
        .find_map(|line| {
            let f: Vec<&str> = line.split(':').collect();
            (f.get(2)?.parse::<u32>().ok()? == gid).then(|| f[0].to_owned())
        })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Dovecot {
    pub fn start() -> Dovecot {
        assert!(
            Path::new(DOVECOT).exists(),
            "{DOVECOT} is missing: run scripts/install-tools.sh"
        );
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // Dovecot's unprivileged processes read the passwd file and the Maildir below.
        fs::set_permissions(root, fs::Permissions::from_mode(0o755)).unwrap();
        let euid = fs::metadata("/proc/self").map(|m| {
            use std::os::unix::fs::MetadataExt as _;
            m.uid()
        });
        let as_root = euid.as_ref().is_ok_and(|&u| u == 0);
        let (uid, gid, unprivileged) = if as_root {
            let (_, uid, gid) = passwd_entry(|name, _| name == "mail")
                .expect("a `mail` system account in /etc/passwd");
            (uid, gid, String::new())
        } else {
            let me = euid.unwrap();
            let (name, uid, gid) =
                passwd_entry(|_, uid| uid == me).expect("the current user in /etc/passwd");
            let group = group_name(gid).expect("the current user's group in /etc/group");
            let settings = format!(
                "default_internal_user = {name}\ndefault_login_user = {name}\n\
                 default_internal_group = {group}\n\
                 service anvil {{\n  chroot =\n}}\nservice imap-login {{\n  chroot =\n}}\n"
            );
            (uid, gid, settings)
        };
        let home = root.join("home");
        for sub in ["cur", "new", "tmp"] {
            fs::create_dir_all(home.join("Maildir").join(sub)).unwrap();
        }
        for path in [
            home.clone(),
            home.join("Maildir"),
            home.join("Maildir/cur"),
            home.join("Maildir/new"),
            home.join("Maildir/tmp"),
        ] {
            chown(&path, Some(uid), Some(gid)).unwrap();
        }
        fs::create_dir_all(root.join("run")).unwrap();
        fs::create_dir_all(root.join("state")).unwrap();
        fs::write(
            root.join("passwd"),
            format!(
                "{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{}::\n",
                home.display()
            ),
        )
        .unwrap();
        fs::set_permissions(root.join("passwd"), fs::Permissions::from_mode(0o644)).unwrap();
        let port = free_port();
        let r = root.display();
        let config = format!(
            "base_dir = {r}/run
state_dir = {r}/state
log_path = {r}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = {uid}
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {r}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {r}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
{unprivileged}"
        );
        fs::write(root.join("dovecot.conf"), config).unwrap();
        let child = Command::new(DOVECOT)
            .arg("-F")
            .arg("-c")
            .arg(root.join("dovecot.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("dovecot starts");
        let mut dovecot = Dovecot {
            child,
            port,
            dir,
            uid,
            gid,
        };
        dovecot.wait_until_listening();
        dovecot
    }

    fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        loop {
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("dovecot exited ({status}): {}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "dovecot does not listen on {addr}: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The poller's `--imap-url` for this server, with `password`.
    pub fn url_with_password(&self, password: &str) -> url::Url {
        let mut url = url::Url::parse(&format!("imap://127.0.0.1:{}/INBOX", self.port)).unwrap();
        url.set_username(USER).unwrap();
        url.set_password(Some(password)).unwrap();
        url
    }

    /// The poller's `--imap-url` for this server.
    pub fn url(&self) -> url::Url {
        self.url_with_password(PASSWORD)
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("home/Maildir")
    }

    /// Drops `raw` into the mailbox as an MTA does: written into `tmp/` under a unique name,
    /// then renamed into `new/`.
    pub fn deliver(&self, raw: &[u8]) {
        static SEQUENCE: AtomicU64 = AtomicU64::new(0);
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap();
        let name = format!(
            "{}.M{}P{}Q{}.civic-test",
            now.as_secs(),
            now.subsec_micros(),
            std::process::id(),
            SEQUENCE.fetch_add(1, Ordering::Relaxed)
        );
        let tmp = self.maildir().join("tmp").join(&name);
        let mut file = fs::File::create(&tmp).unwrap();
        file.write_all(raw).unwrap();
        file.sync_all().unwrap();
        drop(file);
        chown(&tmp, Some(self.uid), Some(self.gid)).unwrap();
        fs::rename(&tmp, self.maildir().join("new").join(&name)).unwrap();
    }

    /// The messages in the mailbox, deleted-but-not-expunged ones included.
    pub fn count(&self) -> usize {
        ["new", "cur"]
            .iter()
            .map(|sub| fs::read_dir(self.maildir().join(sub)).unwrap().count())
            .sum()
    }

    /// The Maildir file names of the messages, with their flags (`…:2,S` is seen).
    pub fn files(&self) -> Vec<String> {
        ["new", "cur"]
            .iter()
            .flat_map(|sub| fs::read_dir(self.maildir().join(sub)).unwrap())
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    /// Dovecot's log.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }
}

impl Drop for Dovecot {
    /// Stops the master by its pid (it takes its children along), killing it if it lingers.
    fn drop(&mut self) {
        let pid = Pid::from_raw(self.child.id() as i32);
        let _ = kill(pid, Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
