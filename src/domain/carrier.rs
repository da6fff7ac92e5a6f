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

impl Carrier {
    /// Parses what an operator or an order file writes: the codes (`yamato`), the Japanese names
    /// (ヤマト運輸, 佐川急便, 日本郵便, 西濃運輸, 福山通運 and their short forms) and Shopify's
    /// company strings (`Yamato (JA)`). Empty text is no carrier; anything else is `Other`.
    pub fn parse(text: &str) -> Option<Carrier> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return None;
        }
        let key = trimmed.to_lowercase().replace([' ', '　', '-'], "_");
        let known = match key.as_str() {
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
            _ => Carrier::Other(trimmed.to_owned()),
        };
        Some(known)
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
