//! Every operator-facing sentence lives in the catalog (`src/text*`): no string literal with
//! Japanese in it is left in `console/`, `commands/`, `scheduler/` or `shipments/` (issue 19), so
//! a sentence cannot be said in one language only or worded twice. The few literals that are data,
//! not sentences, are listed here with why.

use std::path::{Path, PathBuf};

/// (file, a literal's text, why it is not a sentence of hassou's).
const DATA: &[(&str, &str, &str)] = &[
    (
        "src/console/view/header.rs",
        "hassou 発送 ",
        "the product's name",
    ),
    (
        "src/commands/sandbox.rs",
        "",
        "sample customers and warehouses sent to the sandbox stores",
    ),
    (
        "src/shipments/format.rs",
        "",
        "the carriers' own column names in their CSV files",
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            // Test modules are not operator-facing.
            if path.file_name().is_some_and(|n| n == "tests") {
                continue;
            }
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && path.file_name().is_none_or(|n| n != "tests.rs")
        {
            out.push(path);
        }
    }
}

/// The string literals of Rust source (normal and raw), with their line; comments skipped.
fn literals(source: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = source.chars().collect();
    let mut found = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => line += 1,
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '\'' => {
                // A char literal ('"', '\n'), not a lifetime: skip it whole.
                if chars.get(i + 1) == Some(&'\\') {
                    i += 2;
                    while i < chars.len() && chars[i] != '\'' {
                        i += 1;
                    }
                } else if chars.get(i + 2) == Some(&'\'') {
                    i += 2;
                }
            }
            'r' if matches!(chars.get(i + 1), Some('"') | Some('#'))
                && (i == 0 || !chars[i - 1].is_alphanumeric()) =>
            {
                let mut hashes = 0;
                let mut j = i + 1;
                while chars.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if chars.get(j) == Some(&'"') {
                    let start_line = line;
                    let mut text = String::new();
                    j += 1;
                    while j < chars.len() {
                        if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
                            break;
                        }
                        if chars[j] == '\n' {
                            line += 1;
                        }
                        text.push(chars[j]);
                        j += 1;
                    }
                    found.push((start_line, text));
                    i = j + hashes + 1;
                    continue;
                }
            }
            '"' => {
                let start_line = line;
                let mut text = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        text.push(chars[i]);
                        i += 1;
                    }
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    text.push(chars[i]);
                    i += 1;
                }
                found.push((start_line, text));
            }
            _ => {}
        }
        i += 1;
    }
    found
}

fn is_japanese(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}

#[test]
fn no_japanese_sentence_outside_the_catalog() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "src/console",
        "src/commands",
        "src/scheduler",
        "src/shipments",
    ] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 20, "the scan found the sources: {files:?}");
    let mut outside = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).expect("read");
        // A file's own test module is not operator-facing.
        let source = source
            .split("#[cfg(test)]")
            .next()
            .unwrap_or_default()
            .to_owned();
        let name = file
            .strip_prefix(root)
            .expect("under the crate")
            .to_string_lossy()
            .into_owned();
        for (line, text) in literals(&source) {
            if !text.chars().any(is_japanese) {
                continue;
            }
            let data = DATA
                .iter()
                .any(|(f, literal, _)| *f == name && (literal.is_empty() || *literal == text));
            if !data {
                outside.push(format!("{name}:{line}: {text:?}"));
            }
        }
    }
    assert!(
        outside.is_empty(),
        "sentences outside the catalog (src/text*):\n{}",
        outside.join("\n")
    );
}

/// The scanner itself: it finds literals across lines and in raw strings, and not in comments.
#[test]
fn the_scanner_finds_literals_not_comments() {
    let source = "// \"コメント\"\nlet a = \"一行目\\\n 二行目\";\nlet b = r#\"生の\"文字\"#;\nlet c = '\"';\nfn f<'a>(x: &'a str) {}\n";
    let found: Vec<String> = literals(source).into_iter().map(|(_, t)| t).collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].contains("一行目") && found[0].contains("二行目"));
    assert_eq!(found[1], "生の\"文字");
}
