//! Carrier → Shopify tracking company, and the tracking URL hassou sends when Shopify would not
//! build one (`reference/shopify-admin-api.md` §5, `japan-shipping.md` §1.2). Company strings must
//! match Shopify's list exactly; there is no `Seino (JA)`.

use crate::domain::Carrier;

/// The `company` Shopify knows the carrier by.
pub fn company(carrier: &Carrier) -> &str {
    match carrier {
        Carrier::Yamato => "Yamato (JA)",
        Carrier::Sagawa => "Sagawa (JA)",
        Carrier::JapanPost => "Japan Post (JA)",
        Carrier::Seino => "西濃運輸",
        Carrier::Fukuyama => "福山通運",
        Carrier::Other(name) => name,
    }
}

/// A tracking page for carriers Shopify does not link by itself. Yamato, Sagawa and Japan Post
/// get Shopify's own links (no URL is sent); other carriers get none.
pub fn tracking_url(carrier: &Carrier, number: &str) -> Option<String> {
    let digits: String = number.chars().filter(char::is_ascii_alphanumeric).collect();
    match carrier {
        Carrier::Seino => Some(format!(
            "https://track.seino.co.jp/cgi-bin/gnpquery.pgm?GNPNO1={digits}"
        )),
        Carrier::Fukuyama => Some(format!(
            "https://corp.fukutsu.co.jp/situation/tracking_no_hunt/{digits}"
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn companies_are_shopifys_exact_strings() {
        assert_eq!(company(&Carrier::Yamato), "Yamato (JA)");
        assert_eq!(company(&Carrier::Sagawa), "Sagawa (JA)");
        assert_eq!(company(&Carrier::JapanPost), "Japan Post (JA)");
        assert_eq!(company(&Carrier::Seino), "西濃運輸");
        assert_eq!(company(&Carrier::Fukuyama), "福山通運");
        assert_eq!(
            company(&Carrier::Other("DHL Express".into())),
            "DHL Express"
        );
    }

    #[test]
    fn urls_only_where_shopify_builds_none() {
        assert_eq!(tracking_url(&Carrier::Yamato, "444413758703"), None);
        assert_eq!(
            tracking_url(&Carrier::Seino, "1234-5678"),
            Some("https://track.seino.co.jp/cgi-bin/gnpquery.pgm?GNPNO1=12345678".into())
        );
        assert!(tracking_url(&Carrier::Fukuyama, "1").is_some_and(|u| u.ends_with("/1")));
    }
}
