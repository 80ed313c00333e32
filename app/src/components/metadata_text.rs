//! Node-pool settings as users type them: whole numbers, `key=value` lines for labels and
//! annotations, `key=value:Effect` lines for taints — read into the model's types with errors at
//! the field, and written back as text to edit.

use std::collections::BTreeMap;

use model::metadata::{Taint, TaintEffect};
use model::validation::FieldErrors;

/// The non-empty lines of `text`, trimmed.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// A whole number, or an error at `field`.
pub fn number(text: &str, field: String, errors: &mut FieldErrors) -> u32 {
    text.trim().parse().unwrap_or_else(|_| {
        errors.add(field, "Give a whole number, like 3.");
        0
    })
}

/// `key=value` lines, or an error at `field` naming the line that is not.
pub fn pairs(text: &str, field: String, errors: &mut FieldErrors) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for line in lines(text) {
        match line.split_once('=') {
            Some((key, value)) => {
                map.insert(key.trim().to_string(), value.trim().to_string());
            }
            None => errors.add(field.clone(), format!("Write \"{line}\" as key=value.")),
        }
    }
    map
}

/// `key=value:Effect` lines, or an error at `field` naming the line that is not.
pub fn taints(text: &str, field: String, errors: &mut FieldErrors) -> Vec<Taint> {
    let mut taints = Vec::new();
    for line in lines(text) {
        let parsed = line.rsplit_once(':').and_then(|(pair, effect)| {
            let effect = TaintEffect::ALL.into_iter().find(|e| format!("{e:?}") == effect.trim())?;
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some(Taint { key: key.trim().into(), value: value.trim().into(), effect })
        });
        match parsed {
            Some(taint) => taints.push(taint),
            None => errors.add(
                field.clone(),
                format!(
                    "Write \"{line}\" as key=value:Effect, the effect one of NoSchedule, PreferNoSchedule, NoExecute."
                ),
            ),
        }
    }
    taints
}

/// `key=value` lines.
pub fn pairs_text(map: &BTreeMap<String, String>) -> String {
    map.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("\n")
}

/// `key=value:Effect` lines (`key:Effect` when the value is empty).
pub fn taints_text(taints: &[Taint]) -> String {
    taints
        .iter()
        .map(|t| {
            let value = if t.value.is_empty() { String::new() } else { format!("={}", t.value) };
            format!("{}{value}:{:?}", t.key, t.effect)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips() {
        let mut errors = FieldErrors::new();
        let read = taints("gpu=true:NoSchedule\nspot:PreferNoSchedule", "t".into(), &mut errors);
        assert!(errors.is_empty());
        assert_eq!(
            read[1],
            Taint { key: "spot".into(), value: String::new(), effect: TaintEffect::PreferNoSchedule }
        );
        assert_eq!(taints_text(&read), "gpu=true:NoSchedule\nspot:PreferNoSchedule");
        let labels = pairs("team = a\n\nenv=prod", "l".into(), &mut errors);
        assert_eq!(pairs_text(&labels), "env=prod\nteam=a");
        assert_eq!(number(" 4 ", "n".into(), &mut errors), 4);
        number("four", "n".into(), &mut errors);
        assert_eq!(errors.message_for("n"), Some("Give a whole number, like 3."));
    }
}
