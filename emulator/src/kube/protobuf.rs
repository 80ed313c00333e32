//! Just enough of Kubernetes' protobuf encoding to read what kubectl's typed clients send that
//! way (`kubectl auth can-i`, `kubectl create namespace`, …): the `k8s\0` envelope
//! (`runtime.Unknown`) and the length-delimited fields of a message (strings, nested messages,
//! map entries), by field number.

/// The four bytes every Kubernetes protobuf body starts with.
const MAGIC: &[u8] = b"k8s\0";

/// One length-delimited field: its number and bytes (a string or a nested message).
pub type Field<'a> = (u64, &'a [u8]);

fn varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// The length-delimited fields of `message`, in order; other wire types are skipped. `None`
/// when the bytes are not a protobuf message.
pub fn fields(message: &[u8]) -> Option<Vec<Field<'_>>> {
    let mut found = Vec::new();
    let mut at = 0;
    while at < message.len() {
        let key = varint(message, &mut at)?;
        let (number, wire) = (key >> 3, key & 7);
        match wire {
            0 => {
                varint(message, &mut at)?;
            }
            1 => at += 8,
            2 => {
                let length = usize::try_from(varint(message, &mut at)?).ok()?;
                let end = at.checked_add(length).filter(|end| *end <= message.len())?;
                found.push((number, &message[at..end]));
                at = end;
            }
            5 => at += 4,
            _ => return None,
        }
    }
    (at == message.len()).then_some(found)
}

/// The message inside a Kubernetes protobuf body (`runtime.Unknown.raw`).
pub fn unwrap(body: &[u8]) -> Option<&[u8]> {
    let envelope = body.strip_prefix(MAGIC)?;
    fields(envelope)?.into_iter().find(|(number, _)| *number == 2).map(|(_, raw)| raw)
}

/// The `apiVersion` and `kind` a Kubernetes protobuf body names (`runtime.Unknown.typeMeta`).
pub fn type_meta(body: &[u8]) -> Option<(String, String)> {
    let type_meta = message(body.strip_prefix(MAGIC)?, 1)?;
    Some((text(type_meta, 1), text(type_meta, 2)))
}

/// Field `number` of `message` as a nested message.
pub fn message(message: &[u8], number: u64) -> Option<&[u8]> {
    fields(message)?.into_iter().find(|(n, _)| *n == number).map(|(_, bytes)| bytes)
}

/// Field `number` of `message` as text; empty when absent.
pub fn text(message: &[u8], number: u64) -> String {
    self::message(message, number)
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// `fields` (number, bytes) as a message.
    pub fn encode(fields: &[(u64, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (number, bytes) in fields {
            out.push(u8::try_from((number << 3) | 2).unwrap());
            let mut length = bytes.len();
            while length >= 0x80 {
                out.push(u8::try_from(length & 0x7f).unwrap() | 0x80);
                length >>= 7;
            }
            out.push(u8::try_from(length).unwrap());
            out.extend_from_slice(bytes);
        }
        out
    }

    /// A Kubernetes protobuf body around `raw`.
    pub fn envelope(api_version: &str, kind: &str, raw: &[u8]) -> Vec<u8> {
        let type_meta = encode(&[(1, api_version.as_bytes()), (2, kind.as_bytes())]);
        let mut body = MAGIC.to_vec();
        body.extend(encode(&[(1, &type_meta), (2, raw), (4, b"application/vnd.kubernetes.protobuf")]));
        body
    }

    #[test]
    fn nested_strings_are_read_by_field_number() {
        let long = "x".repeat(300);
        let attributes = encode(&[(1, b"web"), (2, b"delete"), (5, b"pods"), (7, long.as_bytes())]);
        let spec = encode(&[(1, &attributes)]);
        let review = encode(&[(1, b""), (2, &spec)]);
        let body = envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview", &review);
        let raw = unwrap(&body).unwrap();
        let attributes = message(message(raw, 2).unwrap(), 1).unwrap();
        assert_eq!(text(attributes, 1), "web");
        assert_eq!(text(attributes, 2), "delete");
        assert_eq!(text(attributes, 3), "");
        assert_eq!(text(attributes, 7), long);
        assert!(unwrap(b"{\"kind\":\"x\"}").is_none());
        assert!(fields(&[0x0a, 0x05, b'a']).is_none(), "a length past the end");
    }
}
