//! Kubernetes resource quantities (`resource.Quantity`) as pods request them: `250m` or `0.5` CPU,
//! `128Mi` or `1G` of memory. A number (with an optional fraction and exponent) and a suffix:
//! binary `Ki`…`Ei`, decimal `n`, `u`, `m`, `k`, `M`…`E`. Amounts round up, as the API server does.

use std::fmt;

/// Why a quantity could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuantityError(pub String);

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got \"{}\")",
            self.0
        )
    }
}

impl std::error::Error for QuantityError {}

/// The value of `quantity` in its base unit (cores, bytes), as a float.
fn value(quantity: &str) -> Result<f64, QuantityError> {
    let fail = || QuantityError(quantity.to_string());
    let text = quantity.trim();
    let split =
        text.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-')).unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let number: f64 = number.parse().map_err(|_| fail())?;
    let factor = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024.0_f64.powi(2),
        "Gi" => 1024.0_f64.powi(3),
        "Ti" => 1024.0_f64.powi(4),
        "Pi" => 1024.0_f64.powi(5),
        "Ei" => 1024.0_f64.powi(6),
        exponent if exponent.starts_with(['e', 'E']) => {
            10f64.powi(exponent[1..].parse::<i32>().map_err(|_| fail())?)
        }
        _ => return Err(fail()),
    };
    let amount = number * factor;
    if amount.is_finite() && amount >= 0.0 { Ok(amount) } else { Err(fail()) }
}

/// A CPU quantity in millicores, rounded up (`100m` → 100, `0.5` → 500, `2` → 2000).
pub fn cpu_millicores(quantity: &str) -> Result<u64, QuantityError> {
    // Rounded to a nanocore first, so that 0.1 × 1000 stays 100.
    Ok(((value(quantity)? * 1e12).round() / 1e9).ceil() as u64)
}

/// A memory quantity in bytes, rounded up (`128Mi` → 134 217 728, `1G` → 10⁹).
pub fn bytes(quantity: &str) -> Result<u64, QuantityError> {
    Ok(((value(quantity)? * 1e3).round() / 1e3).ceil() as u64)
}

/// Millicores as the API writes them: whole cores bare, otherwise with `m`.
pub fn format_cpu(millicores: u64) -> String {
    if millicores.is_multiple_of(1000) { (millicores / 1000).to_string() } else { format!("{millicores}m") }
}

/// Bytes as a person reads them: `512Mi`, `1.5Gi`, `900Ki`, `12`.
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [(&str, u64); 4] = [("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let amount = bytes as f64 / size as f64;
            return if (amount - amount.round()).abs() < 0.05 {
                format!("{}{unit}", amount.round())
            } else {
                format!("{amount:.1}{unit}")
            };
        }
    }
    bytes.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_reads_millicores_cores_and_fractions() {
        assert_eq!(cpu_millicores("250m"), Ok(250));
        assert_eq!(cpu_millicores("0.5"), Ok(500));
        assert_eq!(cpu_millicores("2"), Ok(2000));
        assert_eq!(cpu_millicores("0.1"), Ok(100));
        assert_eq!(cpu_millicores("1500u"), Ok(2), "rounded up like the API server");
        assert_eq!(cpu_millicores("1e-1"), Ok(100));
    }

    #[test]
    fn memory_reads_binary_and_decimal_suffixes() {
        assert_eq!(bytes("128Mi"), Ok(128 * 1024 * 1024));
        assert_eq!(bytes("1G"), Ok(1_000_000_000));
        assert_eq!(bytes("1.5Gi"), Ok(1_610_612_736));
        assert_eq!(bytes("70Mi"), Ok(73_400_320));
        assert_eq!(bytes("129e6"), Ok(129_000_000));
        assert_eq!(bytes("1000"), Ok(1000));
    }

    #[test]
    fn malformed_quantities_are_refused() {
        for bad in ["", "abc", "12Xi", "-1", "1.2.3", "5 Gi"] {
            assert!(bytes(bad).is_err(), "{bad}");
        }
        assert!(cpu_millicores("one").unwrap_err().to_string().contains("\"one\""));
    }

    #[test]
    fn amounts_are_written_back_readably() {
        assert_eq!(format_cpu(2000), "2");
        assert_eq!(format_cpu(250), "250m");
        assert_eq!(format_bytes(128 * 1024 * 1024), "128Mi");
        assert_eq!(format_bytes(1_610_612_736), "1.5Gi");
        assert_eq!(format_bytes(512), "512");
    }
}
