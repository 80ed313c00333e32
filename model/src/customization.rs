//! What the Settings tab customizes: the API server's admission plugins and kube-proxy's
//! iptables sync periods.
//!
//! Source: provider-api.md §4.3 (`AlwaysPullImages` and `NodeRestriction`, both on by default,
//! only `AlwaysPullImages` may be switched off; RFC 3339 durations such as `PT30S`; `syncPeriod`
//! greater than zero).

use serde::{Deserialize, Serialize};

use crate::validation::FieldErrors;

/// An admission plugin the provider offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdmissionPlugin {
    pub name: &'static str,
    pub description: &'static str,
    /// Whether the provider lets it be switched off.
    pub optional: bool,
}

pub const ADMISSION_PLUGINS: [AdmissionPlugin; 2] = [
    AdmissionPlugin {
        name: "AlwaysPullImages",
        description: "Every pod pulls its images again, so a pod cannot use an image another pod pulled with other credentials.",
        optional: true,
    },
    AdmissionPlugin {
        name: "NodeRestriction",
        description: "Each node's kubelet may only change its own node and the pods bound to it.",
        optional: false,
    },
];

/// The customization as the Settings tab edits it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CustomizationView {
    /// Plugins switched off; every other offered plugin is on.
    pub disabled_plugins: Vec<String>,
    /// kube-proxy's iptables periods (`PT1S`); empty for the provider's default.
    pub min_sync_period: String,
    pub sync_period: String,
}

impl CustomizationView {
    /// The plugins left on.
    pub fn enabled_plugins(&self) -> Vec<String> {
        ADMISSION_PLUGINS
            .iter()
            .filter(|p| !self.disabled_plugins.iter().any(|d| d == p.name))
            .map(|p| p.name.to_string())
            .collect()
    }

    /// Every problem, each at its field.
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        for name in &self.disabled_plugins {
            match ADMISSION_PLUGINS.iter().find(|p| p.name == name) {
                None => errors.add(
                    "admissionPlugins",
                    format!("{name} is not an admission plugin the provider offers."),
                ),
                Some(plugin) if !plugin.optional => {
                    errors.add("admissionPlugins", format!("{name} cannot be switched off."))
                }
                Some(_) => {}
            }
        }
        for (field, text) in [("minSyncPeriod", &self.min_sync_period), ("syncPeriod", &self.sync_period)] {
            if text.trim().is_empty() {
                continue;
            }
            match seconds(text) {
                Err(message) => errors.add(field, message),
                Ok(0) if field == "syncPeriod" => {
                    errors.add(field, "The sync period must be longer than zero.")
                }
                Ok(_) => {}
            }
        }
        errors
    }
}

/// The seconds of an RFC 3339 (ISO 8601) duration of days, hours, minutes and seconds
/// (`PT30S`, `PT1M30S`, `P0D`).
pub fn seconds(text: &str) -> Result<u64, String> {
    let wrong = || format!("{text} is not a duration: write it like PT30S, PT1M or PT1H30M.");
    let rest = text.trim().strip_prefix('P').ok_or_else(wrong)?;
    let (days, time) = match rest.split_once('T') {
        Some((days, time)) if !time.is_empty() => (days, time),
        Some(_) => return Err(wrong()),
        None => (rest, ""),
    };
    let mut total = 0u64;
    let mut add = |part: &str, units: &[(char, u64)]| -> Result<(), String> {
        let mut number = String::new();
        let mut next = 0;
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let position =
                units.iter().position(|(u, _)| *u == c).filter(|p| *p >= next).ok_or_else(wrong)?;
            let value: u64 = number.parse().map_err(|_| wrong())?;
            total = total.saturating_add(value.saturating_mul(units[position].1));
            number.clear();
            next = position + 1;
        }
        if number.is_empty() { Ok(()) } else { Err(wrong()) }
    };
    add(days, &[('D', 86_400)])?;
    add(time, &[('H', 3_600), ('M', 60), ('S', 1)])?;
    if days.is_empty() && time.is_empty() {
        return Err(wrong());
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_seconds() {
        for (text, expected) in
            [("PT30S", 30), ("PT1M30S", 90), ("PT1H", 3600), ("P0D", 0), ("PT0S", 0), ("P1DT1S", 86_401)]
        {
            assert_eq!(seconds(text), Ok(expected), "{text}");
        }
        for text in ["30s", "PT", "P", "PTS", "PT1S1M", "PT1.5S", "PT1X"] {
            assert!(seconds(text).is_err(), "{text}");
        }
    }

    #[test]
    fn only_optional_plugins_may_be_off_and_sync_needs_time() {
        let view = CustomizationView {
            disabled_plugins: vec!["NodeRestriction".into(), "Nope".into()],
            min_sync_period: "soon".into(),
            sync_period: "PT0S".into(),
        };
        let errors = view.validate();
        assert!(
            errors
                .message_for("admissionPlugins")
                .unwrap()
                .contains("NodeRestriction cannot be switched off")
        );
        assert!(errors.message_for("minSyncPeriod").unwrap().contains("PT30S"));
        assert!(errors.message_for("syncPeriod").unwrap().contains("longer than zero"));
        let fine =
            CustomizationView { disabled_plugins: vec!["AlwaysPullImages".into()], ..Default::default() };
        assert!(fine.validate().is_empty());
        assert_eq!(fine.enabled_plugins(), ["NodeRestriction"]);
    }
}
