//! Writing a file gwlint changed (a fixed text, an annotated copy): into the file the user named, whatever leads to it. A symlink is
//! followed to its target, which is what changes; a file with other hard links, or whose owner
//! this process cannot give to a new file, is rewritten in place so that the links and the owner
//! stay; any other file is replaced atomically by a temporary file in its folder that has the
//! same mode and owner. A read-only file is refused, never silently rewritten.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::io_error::reason as io_reason;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}: 文件是只读的，gwlint 没有改动它；如需写入，请先允许写入（如 chmod u+w）再运行")]
    ReadOnly(PathBuf),
    #[error("{path}: 无法写入文件：{}", io_reason(source))]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Writes `bytes` as the new content of `path`, creating it if need be (see the module comment).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let io = |source: io::Error| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let existing = match fs::metadata(path) {
        Ok(metadata) => Some(metadata),
        Err(error) if error.kind() == io::ErrorKind::NotFound && !is_symlink(path) => None,
        Err(error) => return Err(io(error)),
    };
    let Some(metadata) = existing else {
        return replace(path, bytes, None).map_err(io);
    };
    // The file the name leads to: a symlink's final target.
    let target = fs::canonicalize(path).map_err(io)?;
    if metadata.permissions().readonly() {
        return Err(WriteError::ReadOnly(path.to_path_buf()));
    }
    // Permission as this user has it (the mode bits alone say nothing of ACLs or of root).
    OpenOptions::new().write(true).open(&target).map_err(io)?;
    if has_other_links(&metadata) {
        return write_in_place(&target, bytes).map_err(io);
    }
    match replace(&target, bytes, Some(&metadata)) {
        Ok(()) => Ok(()),
        // A folder this user may not create files in, or an owner it may not give away: the
        // file itself is writable, so it is written in place.
        Err(error) if error.kind() == io::ErrorKind::PermissionDenied => {
            write_in_place(&target, bytes).map_err(io)
        }
        Err(error) => Err(io(error)),
    }
}

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

#[cfg(unix)]
fn has_other_links(metadata: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    metadata.nlink() > 1
}

#[cfg(not(unix))]
fn has_other_links(_: &fs::Metadata) -> bool {
    false
}

/// A temporary file beside `target` with `bytes`, the old file's mode and owner, synced, then
/// renamed over it. The temporary file is removed on every error and on unwinding.
fn replace(target: &Path, bytes: &[u8], old: Option<&fs::Metadata>) -> io::Result<()> {
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map_or("gwlint".into(), |n| n.to_string_lossy());
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".gwlint-tmp")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    if let Some(old) = old {
        fs::set_permissions(temp.path(), old.permissions())?;
        keep_owner(temp.as_file(), old)?;
    }
    temp.as_file().sync_all()?;
    temp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

/// Gives `file` the owner and group of `old` when they differ from this process's.
#[cfg(unix)]
fn keep_owner(file: &File, old: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let new = file.metadata()?;
    if (new.uid(), new.gid()) == (old.uid(), old.gid()) {
        return Ok(());
    }
    std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()))
}

#[cfg(not(unix))]
fn keep_owner(_: &File, _: &fs::Metadata) -> io::Result<()> {
    Ok(())
}

/// Truncates and rewrites the file itself: its inode, links, owner and mode stay.
fn write_in_place(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).truncate(true).open(target)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    use super::*;

    fn files_in(dir: &Path) -> usize {
        fs::read_dir(dir).unwrap().count()
    }

    #[test]
    fn replaces_a_file_keeping_its_mode_without_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        write_file(&path, b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(files_in(dir.path()), 1, "no temporary file left");
    }

    #[test]
    fn writes_through_a_symlink_to_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.txt");
        let link = dir.path().join("link.txt");
        fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_file(&link, b"new").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(files_in(dir.path()), 2);
    }

    #[test]
    fn keeps_hard_links() {
        let dir = tempfile::tempdir().unwrap();
        let one = dir.path().join("one.txt");
        let two = dir.path().join("two.txt");
        fs::write(&one, "old").unwrap();
        fs::hard_link(&one, &two).unwrap();
        write_file(&one, b"new").unwrap();
        assert_eq!(fs::read_to_string(&two).unwrap(), "new");
        assert_eq!(fs::metadata(&one).unwrap().nlink(), 2);
        assert_eq!(files_in(dir.path()), 2);
    }

    #[test]
    fn refuses_a_read_only_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ro.txt");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
        let error = write_file(&path, b"new").unwrap_err();
        assert!(matches!(error, WriteError::ReadOnly(_)), "{error}");
        assert!(error.to_string().contains("只读"));
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(files_in(dir.path()), 1);
    }

    #[test]
    fn keeps_the_owner() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("theirs.txt");
        fs::write(&path, "old").unwrap();
        if std::os::unix::fs::chown(&path, Some(4321), Some(4321)).is_err() {
            // Only root may give a file away; elsewhere the owner is this user either way.
            return;
        }
        write_file(&path, b"new").unwrap();
        let metadata = fs::metadata(&path).unwrap();
        assert_eq!((metadata.uid(), metadata.gid()), (4321, 4321));
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
    }

    #[test]
    fn creates_a_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.docx");
        write_file(&path, b"package").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"package");
        assert_eq!(files_in(dir.path()), 1);
    }

    #[test]
    fn an_error_in_a_missing_folder_is_in_chinese() {
        let error = write_file(Path::new("/nonexistent-gwlint/a.txt"), b"x").unwrap_err();
        let message = error.to_string();
        assert!(message.contains("无法写入文件"), "{message}");
        assert!(!message.contains("os error"), "{message}");
    }
}
