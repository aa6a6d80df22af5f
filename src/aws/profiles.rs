//! Profile names from the shared AWS config files, for `:profile` completion.

use std::path::PathBuf;

fn shared_file(env: &str, default: &str) -> Option<PathBuf> {
    std::env::var_os(env)
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".aws").join(default)))
}

/// Section names of `~/.aws/config` (`[profile X]`, `[default]`) and `~/.aws/credentials` (`[X]`).
pub fn list() -> Vec<String> {
    let mut names = Vec::new();
    for (env, file) in [
        ("AWS_CONFIG_FILE", "config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    ] {
        if let Some(text) = shared_file(env, file).and_then(|p| std::fs::read_to_string(p).ok()) {
            names.extend(parse_sections(&text));
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Profile names from one ini file's section headers.
pub fn parse_sections(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix('[')?.strip_suffix(']').map(str::trim))
        .filter_map(|s| match s.split_once(char::is_whitespace) {
            Some(("profile", name)) => Some(name.trim().to_string()),
            Some(_) => None, // [sso-session x], [services x]
            None => Some(s.to_string()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn profiles_come_from_section_headers() {
        let text = "[default]\nregion=us-east-1\n[profile prod]\n[sso-session corp]\n[ profile  staging ]\n";
        assert_eq!(
            super::parse_sections(text),
            vec!["default", "prod", "staging"]
        );
    }
}
