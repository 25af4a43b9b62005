//! The fetch cache: raw bytes and response metadata from earlier runs, so re-runs
//! can ask "changed since?" and `--offline` runs need no network at all.
//!
//! Layout under the cache folder (every file name derived from a hash, never from
//! URL text, so no URL can steer a write outside the folder):
//!
//! - `meta/<sha256(url)>.json`: a [`CacheEntry`] for the URL asked for;
//! - `body/<sha256(bytes)>`: the bytes, shared by every URL that served them.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::{sha256_hex, FetchError};

/// What the cache remembers about one URL's last good answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheEntry {
    /// The URL asked for.
    pub url: String,
    /// Where the bytes came from after redirects.
    pub final_url: String,
    /// HTTP status of the answer that delivered the bytes (200 for local files).
    pub status: u16,
    /// `ETag`, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// `Last-Modified`, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// The declared `Content-Type`.
    pub content_type: Option<String>,
    /// SHA-256 of the bytes, lowercase hex; names the body file.
    pub sha256: String,
    /// Size of the bytes.
    pub bytes: u64,
    /// When the bytes were fetched, RFC 3339 UTC.
    pub fetched_at: String,
}

/// A cache folder.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
}

/// How temporary files' names start.
const TEMPORARY_PREFIX: &str = ".tmp-";

/// Distinguishes temporary files written concurrently by one process.
static TEMPORARY_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Cache {
    /// A cache in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into() }
    }

    /// The cache folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn meta_path(&self, url: &str) -> PathBuf {
        self.dir.join("meta").join(format!("{}.json", sha256_hex(url.as_bytes())))
    }

    fn body_path(&self, sha256: &str) -> Option<PathBuf> {
        let is_hash = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
        is_hash.then(|| self.dir.join("body").join(sha256))
    }

    /// The entry for `url`, if one was stored and its body is still there.
    pub fn lookup(&self, url: &str) -> Option<CacheEntry> {
        let text = fs::read(self.meta_path(url)).ok()?;
        let entry: CacheEntry = serde_json::from_slice(&text).ok()?;
        let body = self.body_path(&entry.sha256)?;
        (entry.url == url && body.is_file()).then_some(entry)
    }

    /// The bytes of `entry`, checked against its hash.
    pub fn body(&self, entry: &CacheEntry) -> Result<Vec<u8>, FetchError> {
        let path = self.body_path(&entry.sha256).ok_or_else(|| FetchError::Cache {
            path: self.dir.display().to_string(),
            message: format!("entry for {} has an invalid hash", entry.url),
        })?;
        let bytes = fs::read(&path)
            .map_err(|e| FetchError::Cache { path: path.display().to_string(), message: e.to_string() })?;
        if sha256_hex(&bytes) != entry.sha256 {
            return Err(FetchError::Cache {
                path: path.display().to_string(),
                message: "cached bytes do not match their hash".into(),
            });
        }
        Ok(bytes)
    }

    /// Removes temporary files older than `age` from the cache's folders: what a
    /// run killed mid-write leaves behind. Younger ones may belong to a run
    /// sharing the cache right now. Returns how many were removed.
    pub fn remove_leftovers(&self, age: std::time::Duration) -> usize {
        let mut removed = 0;
        for folder in ["meta", "body"] {
            let Ok(entries) = fs::read_dir(self.dir.join(folder)) else { continue };
            for entry in entries.flatten() {
                let is_temporary = entry.file_name().to_string_lossy().starts_with(TEMPORARY_PREFIX);
                let old =
                    entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t.elapsed().is_ok_and(|e| e >= age));
                if is_temporary && old && fs::remove_file(entry.path()).is_ok() {
                    removed += 1;
                }
            }
        }
        removed
    }

    /// Stores `bytes` and `entry` (whose `sha256` must be the bytes' hash).
    pub fn store(&self, entry: &CacheEntry, bytes: &[u8]) -> Result<(), FetchError> {
        let body = self.body_path(&entry.sha256).ok_or_else(|| FetchError::Cache {
            path: self.dir.display().to_string(),
            message: format!("entry for {} has an invalid hash", entry.url),
        })?;
        if !body.is_file() {
            write_new(&body, bytes)?;
        }
        let json = serde_json::to_vec_pretty(entry)
            .map_err(|e| FetchError::Cache { path: self.dir.display().to_string(), message: e.to_string() })?;
        write_new(&self.meta_path(&entry.url), &json)
    }
}

/// Writes via a uniquely named temporary file and a rename, so concurrent writers
/// and interrupted runs never leave half a file under the final name.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), FetchError> {
    let error = |e: std::io::Error| FetchError::Cache { path: path.display().to_string(), message: e.to_string() };
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(error)?;
    let unique = TEMPORARY_COUNTER.fetch_add(1, Ordering::Relaxed);
    let temporary = dir.join(format!("{TEMPORARY_PREFIX}{}-{unique}", std::process::id()));
    let result = fs::write(&temporary, bytes).and_then(|()| fs::rename(&temporary, path));
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result.map_err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(url: &str, bytes: &[u8]) -> CacheEntry {
        CacheEntry {
            url: url.into(),
            final_url: url.into(),
            status: 200,
            etag: Some("\"v1\"".into()),
            last_modified: None,
            content_type: Some("application/pdf".into()),
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
            fetched_at: "2024-07-19T00:00:00Z".into(),
        }
    }

    #[test]
    fn stores_and_reads_back_under_hashed_names() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let url = "http://a.example/../../etc/passwd?x=/../";
        cache.store(&entry(url, b"plan"), b"plan").unwrap();
        let found = cache.lookup(url).unwrap();
        assert_eq!(found.etag.as_deref(), Some("\"v1\""));
        assert_eq!(cache.body(&found).unwrap(), b"plan");
        assert!(cache.lookup("http://a.example/other").is_none());
        for file in walk(dir.path()) {
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            assert!(name.trim_end_matches(".json").bytes().all(|b| b.is_ascii_hexdigit()), "{name}");
        }
    }

    #[test]
    fn tampered_body_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let stored = entry("http://a.example/p", b"plan");
        cache.store(&stored, b"plan").unwrap();
        fs::write(dir.path().join("body").join(&stored.sha256), b"evil").unwrap();
        assert!(cache.body(&stored).is_err());
    }

    #[test]
    fn old_temporaries_are_removed_young_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        cache.store(&entry("https://a.test/p.pdf", b"plan"), b"plan").unwrap();
        let leftover = dir.path().join("body").join(".tmp-1-0");
        fs::write(&leftover, b"half").unwrap();
        assert_eq!(cache.remove_leftovers(std::time::Duration::from_secs(3600)), 0);
        assert!(leftover.exists());
        assert_eq!(cache.remove_leftovers(std::time::Duration::ZERO), 1);
        assert!(!leftover.exists());
        assert!(cache.lookup("https://a.test/p.pdf").is_some());
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for item in fs::read_dir(dir).unwrap() {
            let path = item.unwrap().path();
            if path.is_dir() {
                files.extend(walk(&path));
            } else {
                files.push(path);
            }
        }
        files
    }
}
