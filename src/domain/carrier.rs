//! Carriers (配送会社): the five Japanese carriers hassou knows by name, and any other by its name.
//! Mapping to a store's own carrier strings lives with each store's connector; this module only
//! knows the carriers themselves.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A carrier as the operator entered it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    /// ヤマト運輸
    Yamato,
    /// 佐川急便
    Sagawa,
    /// 日本郵便
    JapanPost,
    /// 西濃運輸
    Seino,
    /// 福山通運
    Fukuyama,
    /// Any other carrier, kept by the name the operator used.
    Other(String),
}

/// The longest carrier name hassou accepts from an operator or a file.
pub const MAX_CARRIER_NAME: usize = 100;

/// Why a carrier typed by an operator or written in a file was refused (SPEC §3 "Carrier names").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CarrierError {
    #[error(
        "unknown carrier {text:?}{}; accepted: yamato, sagawa, japan_post, seino, fukuyama, \
         their Japanese names (ヤマト運輸, 佐川急便, 日本郵便, 西濃運輸, 福山通運), Shopify's \
         (Yamato (JA) …), or other:NAME for any other carrier",
        suggestion.map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default()
    )]
    Unknown {
        text: String,
        suggestion: Option<&'static str>,
    },
    #[error("other: needs the carrier's name, e.g. other:DHL Express")]
    NoName,
    #[error("a carrier name holds no control or invisible characters")]
    Control,
    #[error("a carrier name is {MAX_CARRIER_NAME} characters at most")]
    TooLong,
}

/// The codes and names a near miss is compared with, and the code each suggests.
const SUGGESTIONS: [(&str, &str); 10] = [
    ("yamato", "yamato"),
    ("sagawa", "sagawa"),
    ("japan_post", "japan_post"),
    ("japanpost", "japan_post"),
    ("seino", "seino"),
    ("fukuyama", "fukuyama"),
    ("ヤマト運輸", "yamato"),
    ("佐川急便", "sagawa"),
    ("日本郵便", "japan_post"),
    ("福山通運", "fukuyama"),
];

/// Edit distance over characters (small strings only).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The code of the known carrier `text` nearly spells, if any.
fn suggest(text: &str) -> Option<&'static str> {
    let key = text.trim().to_lowercase();
    SUGGESTIONS
        .iter()
        .map(|(name, code)| (distance(&key, name), *code))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, code)| code)
}

fn known(key: &str) -> Option<Carrier> {
    Some(match key {
        "yamato"
        | "yamato_(ja)"
        | "yamato_(en)"
        | "ヤマト"
        | "ヤマト運輸"
        | "クロネコヤマト"
        | "宅急便" => Carrier::Yamato,
        "sagawa" | "sagawa_(ja)" | "sagawa_(en)" | "佐川" | "佐川急便" => Carrier::Sagawa,
        "japan_post" | "japanpost" | "japan_post_(ja)" | "japan_post_(en)" | "日本郵便"
        | "郵便局" | "ゆうパック" | "ゆうパケット" => Carrier::JapanPost,
        "seino" | "西濃" | "西濃運輸" => Carrier::Seino,
        "fukuyama" | "福山" | "福山通運" => Carrier::Fukuyama,
        _ => return None,
    })
}

fn key_of(text: &str) -> String {
    text.trim().to_lowercase().replace([' ', '　', '-'], "_")
}

/// `other:NAME` (any case of `other`), giving NAME.
fn other_name(text: &str) -> Option<&str> {
    let t = text.trim();
    let (prefix, name) = t.split_at_checked(6)?;
    prefix.eq_ignore_ascii_case("other:").then(|| name.trim())
}

impl Carrier {
    /// The five known carriers, in the order a pick list shows them.
    pub const KNOWN: [Carrier; 5] = [
        Carrier::Yamato,
        Carrier::Sagawa,
        Carrier::JapanPost,
        Carrier::Seino,
        Carrier::Fukuyama,
    ];

    /// What an operator or a file may write (SPEC §3 "Carrier names"): a known carrier by code,
    /// Japanese name or Shopify string, or any other only as `other:NAME`. Empty is no carrier.
    /// Anything else is refused, with the nearest known code when the text nearly spells one.
    pub fn parse_input(text: &str) -> Result<Option<Carrier>, CarrierError> {
        // The gate sees the text as written: trimming must not hide a refused character.
        if text.chars().any(super::input::is_refused_char) {
            return Err(CarrierError::Control);
        }
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        if trimmed.chars().count() > MAX_CARRIER_NAME + 6 {
            return Err(CarrierError::TooLong);
        }
        if let Some(carrier) = known(&key_of(trimmed)) {
            return Ok(Some(carrier));
        }
        match other_name(trimmed) {
            Some("") => Err(CarrierError::NoName),
            Some(name) if name.chars().count() > MAX_CARRIER_NAME => Err(CarrierError::TooLong),
            // A known carrier written as other:ヤマト運輸 is that carrier, not a second one.
            Some(name) => Ok(Some(
                known(&key_of(name)).unwrap_or_else(|| Carrier::Other(name.to_owned())),
            )),
            None => Err(CarrierError::Unknown {
                text: trimmed.to_owned(),
                suggestion: suggest(trimmed),
            }),
        }
    }

    /// How [`Carrier::parse_input`] takes this carrier back (`other:NAME` for another).
    pub fn input_text(&self) -> String {
        match self {
            Carrier::Other(name) => format!("other:{name}"),
            known => known.code().to_owned(),
        }
    }

    /// Reads a carrier as stored or as a store sent it (lenient: an unknown name is `Other`).
    /// Input from operators and files goes through [`Carrier::parse_input`]. Parses the codes (`yamato`), the Japanese names
    /// (ヤマト運輸, 佐川急便, 日本郵便, 西濃運輸, 福山通運 and their short forms) and Shopify's
    /// company strings (`Yamato (JA)`). Empty text is no carrier; anything else is `Other`.
    pub fn parse(text: &str) -> Option<Carrier> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return None;
        }
        let name = other_name(trimmed).unwrap_or(trimmed);
        Some(known(&key_of(name)).unwrap_or_else(|| Carrier::Other(name.to_owned())))
    }

    /// The stable code: `yamato`, `sagawa`, `japan_post`, `seino`, `fukuyama`, or the other
    /// carrier's own name.
    pub fn code(&self) -> &str {
        match self {
            Carrier::Yamato => "yamato",
            Carrier::Sagawa => "sagawa",
            Carrier::JapanPost => "japan_post",
            Carrier::Seino => "seino",
            Carrier::Fukuyama => "fukuyama",
            Carrier::Other(name) => name,
        }
    }

    pub fn label_ja(&self) -> &str {
        match self {
            Carrier::Yamato => "ヤマト運輸",
            Carrier::Sagawa => "佐川急便",
            Carrier::JapanPost => "日本郵便",
            Carrier::Seino => "西濃運輸",
            Carrier::Fukuyama => "福山通運",
            Carrier::Other(name) => name,
        }
    }

    pub fn label_en(&self) -> &str {
        match self {
            Carrier::Yamato => "Yamato",
            Carrier::Sagawa => "Sagawa",
            Carrier::JapanPost => "Japan Post",
            Carrier::Seino => "Seino",
            Carrier::Fukuyama => "Fukuyama",
            Carrier::Other(name) => name,
        }
    }
}

impl fmt::Display for Carrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("yamato", Some(Carrier::Yamato))]
    #[case("ヤマト運輸", Some(Carrier::Yamato))]
    #[case("Yamato (JA)", Some(Carrier::Yamato))]
    #[case("佐川急便", Some(Carrier::Sagawa))]
    #[case("japan_post", Some(Carrier::JapanPost))]
    #[case("日本郵便", Some(Carrier::JapanPost))]
    #[case("西濃運輸", Some(Carrier::Seino))]
    #[case("fukuyama", Some(Carrier::Fukuyama))]
    #[case("DHL Express", Some(Carrier::Other("DHL Express".into())))]
    #[case("  ", None)]
    #[case("", None)]
    fn parses_codes_and_names(#[case] text: &str, #[case] expected: Option<Carrier>) {
        assert_eq!(Carrier::parse(text), expected);
    }

    /// SPEC §3 "Carrier names": codes, Japanese names, Shopify's strings and other:NAME are
    /// accepted; anything else is refused with a "did you mean" for a near miss.
    #[rstest]
    #[case("yamato", Ok(Some(Carrier::Yamato)))]
    #[case("Yamato (JA)", Ok(Some(Carrier::Yamato)))]
    #[case("ヤマト運輸", Ok(Some(Carrier::Yamato)))]
    #[case("other:DHL Express", Ok(Some(Carrier::Other("DHL Express".into()))))]
    #[case("OTHER: FedEx", Ok(Some(Carrier::Other("FedEx".into()))))]
    #[case("other:佐川急便", Ok(Some(Carrier::Sagawa)))]
    #[case("", Ok(None))]
    #[case("yamto", Err(CarrierError::Unknown { text: "yamto".into(), suggestion: Some("yamato") }))]
    #[case("sagwa", Err(CarrierError::Unknown { text: "sagwa".into(), suggestion: Some("sagawa") }))]
    #[case("DHL Express", Err(CarrierError::Unknown { text: "DHL Express".into(), suggestion: None }))]
    #[case("other:", Err(CarrierError::NoName))]
    #[case("\u{1b}[2J", Err(CarrierError::Control))]
    fn operator_input_is_a_known_carrier_or_other_name(
        #[case] text: &str,
        #[case] expected: Result<Option<Carrier>, CarrierError>,
    ) {
        assert_eq!(Carrier::parse_input(text), expected);
    }

    #[test]
    fn the_refusal_names_the_accepted_values_and_the_near_miss() {
        let message = Carrier::parse_input("yamto")
            .expect_err("refused")
            .to_string();
        assert!(message.contains("did you mean \"yamato\"?"), "{message}");
        assert!(message.contains("other:NAME"), "{message}");
    }

    #[test]
    fn input_text_round_trips() {
        for carrier in Carrier::KNOWN
            .into_iter()
            .chain([Carrier::Other("DHL Express".into())])
        {
            assert_eq!(
                Carrier::parse_input(&carrier.input_text()),
                Ok(Some(carrier))
            );
        }
    }

    #[test]
    fn codes_round_trip() {
        for carrier in [
            Carrier::Yamato,
            Carrier::Sagawa,
            Carrier::JapanPost,
            Carrier::Seino,
            Carrier::Fukuyama,
        ] {
            assert_eq!(Carrier::parse(carrier.code()), Some(carrier));
        }
    }
}
