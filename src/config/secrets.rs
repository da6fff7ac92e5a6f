//! What the configuration's secrets ask of it (issue 23): a token holding a control character is
//! refused, and so is a file anyone but its owner can change, or others can read while it holds
//! a secret — as ssh refuses such files.

use std::path::Path;

pub(super) const CONTROL_IN_SECRET: &str = "holds a control character (a line break, tab or NUL, often \
     pasted with it); no store accepts it in a header — copy the token again";

pub(super) fn has_control(value: &str) -> bool {
    value.chars().any(char::is_control)
}

/// Keys whose values are secrets, wherever they stand in the file.
/// A Slack webhook's URL is its own credential.
const SECRET_KEYS: [&str; 4] = [
    "access_token",
    "client_secret",
    "smtp_password",
    "webhook_url",
];

/// Whether the configuration text holds a secret: a token, a client secret, or a database URL
/// with a password.
fn holds_secret(text: &str) -> bool {
    fn walk(table: &toml::Table) -> bool {
        table.iter().any(|(key, value)| match value {
            toml::Value::Table(inner) => walk(inner),
            toml::Value::String(v) if SECRET_KEYS.contains(&key.as_str()) => !v.is_empty(),
            toml::Value::String(v) if key == "url" => {
                url::Url::parse(v).is_ok_and(|u| u.password().is_some())
            }
            _ => false,
        })
    }
    text.parse::<toml::Table>().is_ok_and(|t| walk(&t))
}

/// Like ssh with its files: a configuration anyone but its owner can change is refused (a
/// rewritten `shop_url` sends the token, even one from the environment, elsewhere), and so is
/// one others can read while it holds a secret. Unix only; elsewhere there are no such modes.
#[cfg(unix)]
pub(super) fn check_file_mode(path: &Path, text: &str) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    let mode = meta.mode() & 0o777;
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me && meta.uid() != 0 {
        return Err(format!(
            "belongs to another user (uid {}), who can change it; hassou reads only a \
             configuration of yours or root's — `chown {me} {}`",
            meta.uid(),
            path.display()
        ));
    }
    if mode & 0o022 != 0 {
        return Err(format!(
            "others can change this configuration (mode {mode:o}), and with it where the \
             token is sent; run `chmod 600 {}`",
            path.display()
        ));
    }
    if mode & 0o044 != 0 && holds_secret(text) {
        return Err(format!(
            "others can read this configuration (mode {mode:o}) and it holds a secret; run \
             `chmod 600 {}`, or move the secret to the environment (HASSOU_SHOPIFY_TOKEN, …)",
            path.display()
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
pub(super) fn check_file_mode(_path: &Path, _text: &str) -> Result<(), String> {
    Ok(())
}
