//! Atomic file writes: a reader (or a run killed mid-way) sees the old file or the
//! new one, never half of one.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// What temporary files are called: `.<name>` + this + the writer's process id.
const TEMPORARY_MARK: &str = ".tmp-";

/// Writes `contents` to `path` by writing a temporary file beside it, syncing it,
/// and renaming it over `path`.
pub fn write(path: &Path, contents: &[u8]) -> io::Result<()> {
    write_with(path, |out| out.write_all(contents))
}

/// Like [`write`], without syncing: a killed process still leaves the old file
/// or the new one (the kernel keeps what was written), but after a power cut
/// the new file may be empty. For many files at once, followed by one
/// [`sync_filesystem`]: a sync per file costs a disk flush each.
pub fn write_unsynced(path: &Path, contents: &[u8]) -> io::Result<()> {
    replace(path, |out| out.write_all(contents), false)
}

/// Like [`write`], for contents produced piece by piece: `fill` writes into a
/// buffered temporary file, which replaces `path` only if `fill` succeeds.
pub fn write_with(path: &Path, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    replace(path, fill, true)
}

/// Flushes to disk everything written on the filesystem holding `dir`: makes the
/// files of [`write_unsynced`] durable in one step.
pub fn sync_filesystem(dir: &Path) -> io::Result<()> {
    let folder = fs::File::open(dir)?;
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: syncfs only reads the descriptor, which `folder` keeps open
        // for the duration of the call.
        if unsafe { libc::syncfs(folder.as_raw_fd()) } != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    #[cfg(not(target_os = "linux"))]
    folder.sync_all()?;
    Ok(())
}

fn replace(path: &Path, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>, sync: bool) -> io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let tmp = dir.join(format!(".{}{TEMPORARY_MARK}{}", name.to_string_lossy(), std::process::id()));
    let result = (|| {
        let mut out = BufWriter::new(fs::File::create(&tmp)?);
        fill(&mut out)?;
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        if sync {
            file.sync_all()?;
        }
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Removes the temporary files [`write`] leaves in `dir` when its process is
/// killed mid-write. Call it only while no other process writes into `dir`.
pub fn remove_leftovers(dir: &Path) -> io::Result<usize> {
    let mut removed = 0;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.contains(TEMPORARY_MARK) && entry.file_type()?.is_file() {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        super::write(&path, b"first").unwrap();
        super::write(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn unsynced_writes_replace_whole_files_and_a_sync_flushes_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        super::write_unsynced(&path, b"first").unwrap();
        super::write_unsynced(&path, b"second").unwrap();
        super::sync_filesystem(dir.path()).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(super::sync_filesystem(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn failed_fill_keeps_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        super::write(&path, b"old").unwrap();
        let result = super::write_with(&path, |out| {
            out.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(result.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn leftovers_of_a_killed_writer_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json"), b"{}").unwrap();
        std::fs::write(dir.path().join(".a.json.tmp-4242"), b"{\"half").unwrap();
        std::fs::write(dir.path().join(".hidden"), b"keep").unwrap();
        assert_eq!(super::remove_leftovers(dir.path()).unwrap(), 1);
        let mut names: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
        names.sort();
        assert_eq!(names, [".hidden", "a.json"]);
    }
}
