//! A long-lived secret in a file only its owner can read: the カラーミー access token that
//! `hassou auth colorme` obtains (it never expires, so it is kept like an SSH key). Written
//! atomically with mode 0600 in a 0700 directory; a file others can read is refused, as ssh
//! refuses such a key.

use std::io::Write;
use std::path::Path;

/// Writes `secret` to `path`, replacing any earlier one atomically, readable by its owner only.
pub fn write_owner_only(path: &Path, secret: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.exists() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "token".into());
    let temporary = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&temporary).and_then(|mut file| {
        file.write_all(secret.as_bytes())?;
        file.write_all(b"\n")?;
        file.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&temporary, path)) {
        let _ = std::fs::remove_file(&temporary);
        return Err(e);
    }
    Ok(())
}

/// The secret in `path`, `None` when there is no such file (or it is empty). A file that its
/// group or others may read is an error naming the file and the fix.
pub fn read_owner_only(path: &Path) -> Result<Option<String>, String> {
    let metadata = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(format!(
                "{}: others can read this token file (mode {mode:o}); run `chmod 600 {}`",
                path.display(),
                path.display()
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = metadata;
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let secret = text.trim();
    Ok((!secret.is_empty()).then(|| secret.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_for_the_owner_only_and_read_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("nested").join("colorme-token");
        write_owner_only(&path, "secret-1").expect("write");
        write_owner_only(&path, "secret-2").expect("replace");
        assert_eq!(read_owner_only(&path), Ok(Some("secret-2".into())));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&dir.path().join("nested")), 0o700);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            let refused = read_owner_only(&path).expect_err("readable by others");
            assert!(refused.contains("chmod 600"), "{refused}");
        }
        // No leftovers from the atomic replace.
        let names: Vec<_> = std::fs::read_dir(dir.path().join("nested"))
            .expect("dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert_eq!(read_owner_only(&dir.path().join("missing")), Ok(None));
    }
}
