//! The `:` command palette: parsing and completion.

/// Panes the palette can open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaneName {
    Functions,
    Logs,
    Metrics,
    Alarms,
    Dlq,
    Aliases,
    Cost,
}

impl PaneName {
    pub const ALL: [PaneName; 7] = [
        PaneName::Functions,
        PaneName::Logs,
        PaneName::Metrics,
        PaneName::Alarms,
        PaneName::Dlq,
        PaneName::Aliases,
        PaneName::Cost,
    ];

    pub fn command(self) -> &'static str {
        match self {
            PaneName::Functions => "functions",
            PaneName::Logs => "logs",
            PaneName::Metrics => "metrics",
            PaneName::Alarms => "alarms",
            PaneName::Dlq => "dlq",
            PaneName::Aliases => "aliases",
            PaneName::Cost => "cost",
        }
    }
}

/// A parsed palette command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Open(PaneName),
    Region(String),
    Profile(String),
    Theme(String),
    /// The `:quota` overlay.
    Quota,
    Quit,
}

/// The commands that take an argument, and the bare ones.
const WITH_ARG: [&str; 3] = ["region", "profile", "theme"];

/// Regions offered by completion (any region name is accepted).
pub const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "sa-east-1",
    "me-south-1",
    "af-south-1",
];

pub fn parse(input: &str) -> Result<Command, String> {
    let mut words = input.split_whitespace();
    let Some(head) = words.next() else {
        return Err("empty command".to_string());
    };
    let arg = words.next();
    if let Some(extra) = words.next() {
        return Err(format!("unexpected {extra:?} after :{head}"));
    }
    let need = |what: &str| {
        arg.map(ToString::to_string)
            .ok_or_else(|| format!(":{head} needs a {what}, e.g. :{head} {}", example(head)))
    };
    match head {
        "q" | "quit" | "q!" => Ok(Command::Quit),
        "quota" => Ok(Command::Quota),
        "region" => need("region").map(Command::Region),
        "profile" => need("profile name").map(Command::Profile),
        "theme" => need("theme name").map(Command::Theme),
        other => PaneName::ALL
            .iter()
            .find(|p| p.command() == other || (other.len() >= 2 && p.command().starts_with(other)))
            .map(|p| Command::Open(*p))
            .ok_or_else(|| format!("unknown command :{other} (Tab completes)")),
    }
}

fn example(head: &str) -> &'static str {
    match head {
        "region" => "eu-west-1",
        "profile" => "prod",
        _ => "light",
    }
}

/// Full-line candidates for what has been typed so far.
pub fn completions(input: &str, profiles: &[String], themes: &[String]) -> Vec<String> {
    let trimmed = input.trim_start();
    if let Some((head, rest)) = trimmed.split_once(' ') {
        let rest = rest.trim();
        let pool: Vec<&str> = match head {
            "region" => REGIONS.to_vec(),
            "profile" => profiles.iter().map(String::as_str).collect(),
            "theme" => themes.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        };
        return pool
            .into_iter()
            .filter(|c| c.starts_with(rest))
            .map(|c| format!("{head} {c}"))
            .collect();
    }
    let mut heads: Vec<String> = PaneName::ALL
        .iter()
        .map(|p| p.command().to_string())
        .collect();
    heads.extend(WITH_ARG.iter().map(|h| format!("{h} ")));
    heads.push("quota".to_string());
    heads.push("quit".to_string());
    heads
        .into_iter()
        .filter(|h| h.starts_with(trimmed))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_parses_panes_and_arguments() {
        assert_eq!(parse("functions"), Ok(Command::Open(PaneName::Functions)));
        assert_eq!(parse("al"), Ok(Command::Open(PaneName::Alarms)));
        assert_eq!(
            parse("region eu-west-1"),
            Ok(Command::Region("eu-west-1".into()))
        );
        assert_eq!(parse("q"), Ok(Command::Quit));
        assert!(parse("region").unwrap_err().contains("needs a region"));
        assert!(parse("bogus").unwrap_err().contains("unknown command"));
        assert!(parse("theme a b").is_err());
    }

    #[test]
    fn completion_offers_heads_then_arguments() {
        let profiles = vec!["prod".to_string(), "staging".to_string()];
        let themes = vec!["default".to_string(), "light".to_string()];
        assert_eq!(completions("re", &profiles, &themes), vec!["region "]);
        assert_eq!(
            completions("profile st", &profiles, &themes),
            vec!["profile staging"]
        );
        assert_eq!(
            completions("theme l", &profiles, &themes),
            vec!["theme light"]
        );
        assert!(
            completions("region eu-w", &profiles, &themes)
                .contains(&"region eu-west-1".to_string())
        );
        assert_eq!(completions("", &profiles, &themes).len(), 12);
        assert_eq!(completions("quo", &profiles, &themes), vec!["quota"]);
        assert_eq!(parse("quota"), Ok(Command::Quota));
    }
}
