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
    /// A pane, with the name typed after it (`:logs payments-webhook`): a function, or for `:alarms`
    /// an alarm and for `:dlq` a queue. Never the selected row when a name was typed.
    Open(PaneName, Option<String>),
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
        other => {
            let pane = PaneName::ALL
                .iter()
                .find(|p| {
                    p.command() == other || (other.len() >= 2 && p.command().starts_with(other))
                })
                .copied()
                .ok_or_else(|| format!("unknown command :{other} (Tab completes)"))?;
            if arg.is_some() && !pane.takes_name() {
                return Err(format!(
                    ":{} takes no name (it shows every function)",
                    pane.command()
                ));
            }
            Ok(Command::Open(pane, arg.map(ToString::to_string)))
        }
    }
}

impl PaneName {
    /// Panes that open on a named function (or alarm, or queue) when a name follows the command.
    pub fn takes_name(self) -> bool {
        !matches!(self, PaneName::Functions | PaneName::Cost)
    }
}

/// The names Tab completes after a command: functions, alarms, queues, profiles and themes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Names<'a> {
    pub profiles: &'a [String],
    pub themes: &'a [String],
    pub functions: &'a [&'a str],
    pub alarms: &'a [&'a str],
    pub queues: &'a [&'a str],
}

/// Candidates from `pool` for `typed`: those starting with it first, then — from three characters
/// on, so one letter does not offer everything — those containing it (case-insensitive), each once.
fn matching<'a>(pool: impl Iterator<Item = &'a str> + Clone, typed: &str) -> Vec<&'a str> {
    let lower = typed.to_lowercase();
    let mut out: Vec<&str> = pool
        .clone()
        .filter(|c| c.to_lowercase().starts_with(&lower))
        .collect();
    if lower.chars().count() < 3 {
        return out;
    }
    for c in pool.filter(|c| c.to_lowercase().contains(&lower)) {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

fn example(head: &str) -> &'static str {
    match head {
        "region" => "eu-west-1",
        "profile" => "prod",
        _ => "light",
    }
}

/// Full-line candidates for what has been typed so far.
pub fn completions(input: &str, names: &Names<'_>) -> Vec<String> {
    let trimmed = input.trim_start();
    if let Some((head, rest)) = trimmed.split_once(' ') {
        let rest = rest.trim();
        let pane = PaneName::ALL
            .iter()
            .find(|p| p.command() == head)
            .filter(|p| p.takes_name());
        let pool: Vec<&str> = match (head, pane) {
            ("region", _) => REGIONS.to_vec(),
            ("profile", _) => names.profiles.iter().map(String::as_str).collect(),
            ("theme", _) => names.themes.iter().map(String::as_str).collect(),
            (_, Some(PaneName::Alarms)) => names
                .functions
                .iter()
                .chain(names.alarms)
                .copied()
                .collect(),
            (_, Some(PaneName::Dlq)) => names
                .functions
                .iter()
                .chain(names.queues)
                .copied()
                .collect(),
            (_, Some(_)) => names.functions.to_vec(),
            _ => Vec::new(),
        };
        return matching(pool.into_iter(), rest)
            .into_iter()
            .map(|c| format!("{head} {c}"))
            .collect();
    }
    let mut heads: Vec<String> = PaneName::ALL
        .iter()
        .map(|p| {
            if p.takes_name() {
                format!("{} ", p.command())
            } else {
                p.command().to_string()
            }
        })
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
        assert_eq!(
            parse("functions"),
            Ok(Command::Open(PaneName::Functions, None))
        );
        assert_eq!(parse("al"), Ok(Command::Open(PaneName::Alarms, None)));
        assert_eq!(
            parse("logs payments-webhook"),
            Ok(Command::Open(
                PaneName::Logs,
                Some("payments-webhook".to_string())
            ))
        );
        assert_eq!(
            parse("region eu-west-1"),
            Ok(Command::Region("eu-west-1".into()))
        );
        assert_eq!(parse("q"), Ok(Command::Quit));
        assert!(parse("region").unwrap_err().contains("needs a region"));
        assert!(parse("bogus").unwrap_err().contains("unknown command"));
        assert!(parse("theme a b").is_err());
        assert!(parse("cost orders").unwrap_err().contains("takes no name"));
    }

    #[test]
    fn completion_offers_heads_then_arguments() {
        let profiles = vec!["prod".to_string(), "staging".to_string()];
        let themes = vec!["default".to_string(), "light".to_string()];
        let names = Names {
            profiles: &profiles,
            themes: &themes,
            ..Names::default()
        };
        assert_eq!(completions("re", &names), vec!["region "]);
        assert_eq!(completions("profile st", &names), vec!["profile staging"]);
        assert_eq!(completions("theme l", &names), vec!["theme light"]);
        assert!(completions("region eu-w", &names).contains(&"region eu-west-1".to_string()));
        assert_eq!(completions("lo", &names), vec!["logs "]);
    }

    #[test]
    fn tab_completes_function_alarm_and_queue_names_after_the_command() {
        let functions = ["payments-webhook", "order-processor", "geo-ip-lookup"];
        let alarms = ["order-processor-dlq-not-empty"];
        let queues = ["payments-webhook-dlq"];
        let names = Names {
            functions: &functions,
            alarms: &alarms,
            queues: &queues,
            ..Names::default()
        };
        assert_eq!(
            completions("logs pay", &names),
            vec!["logs payments-webhook"]
        );
        assert_eq!(
            completions("metrics webhook", &names),
            vec!["metrics payments-webhook"],
            "a name containing the typed text is offered too"
        );
        assert_eq!(
            completions("alarms order", &names),
            vec![
                "alarms order-processor",
                "alarms order-processor-dlq-not-empty"
            ]
        );
        assert_eq!(
            completions("dlq payments", &names),
            vec!["dlq payments-webhook", "dlq payments-webhook-dlq"]
        );
        assert!(completions("cost x", &names).is_empty());
        assert_eq!(completions("", &names).len(), 12);
        assert_eq!(completions("quo", &names), vec!["quota"]);
        assert_eq!(parse("quota"), Ok(Command::Quota));
    }
}
