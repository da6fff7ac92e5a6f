//! Carrier → Shopify tracking company, and the tracking URL hassou sends when Shopify would not
//! build one (`reference/shopify-admin-api.md` §5, `japan-shipping.md` §1.2). Company strings must
//! match Shopify's list exactly; there is no `Seino (JA)`.

use std::collections::BTreeMap;

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

/// Tracking-page URL templates by carrier code or name, with `{number}` where the number goes.
/// Carriers do not document these as stable interfaces, so they live in configuration
/// (`[shopify.tracking_urls]`); Seino and Fukuyama have defaults because Shopify may not link them.
/// Yamato, Sagawa and Japan Post get Shopify's own links unless a template is configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlTemplates(BTreeMap<String, String>);

impl Default for UrlTemplates {
    fn default() -> Self {
        UrlTemplates(BTreeMap::from([
            (
                "seino".to_owned(),
                "https://track.seino.co.jp/cgi-bin/gnpquery.pgm?GNPNO1={number}".to_owned(),
            ),
            (
                "fukuyama".to_owned(),
                "https://corp.fukutsu.co.jp/situation/tracking_no_hunt/{number}".to_owned(),
            ),
        ]))
    }
}

impl UrlTemplates {
    /// The defaults, overridden and extended by `configured` (keys: carrier codes or names).
    pub fn with(configured: &BTreeMap<String, String>) -> UrlTemplates {
        let mut templates = UrlTemplates::default();
        for (carrier, template) in configured {
            let key =
                Carrier::parse(carrier).map_or_else(|| carrier.clone(), |c| c.code().to_owned());
            templates.0.insert(key, template.clone());
        }
        templates
    }

    /// The tracking page of one number, hyphens stripped.
    pub fn url(&self, carrier: &Carrier, number: &str) -> Option<String> {
        let digits: String = number.chars().filter(char::is_ascii_alphanumeric).collect();
        self.0
            .get(carrier.code())
            .map(|template| template.replace("{number}", &digits))
    }
}

/// Checks a configured template: an https (or loopback http) URL with `{number}` in it.
pub fn check_template(template: &str) -> Result<(), String> {
    if !template.contains("{number}") {
        return Err(format!("{template:?} has no {{number}} placeholder"));
    }
    super::super::store_url(&template.replace("{number}", "0")).map(|_| ())
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
        let t = UrlTemplates::default();
        assert_eq!(t.url(&Carrier::Yamato, "444413758703"), None);
        assert_eq!(
            t.url(&Carrier::Seino, "1234-5678"),
            Some("https://track.seino.co.jp/cgi-bin/gnpquery.pgm?GNPNO1=12345678".into())
        );
        assert!(
            t.url(&Carrier::Fukuyama, "1")
                .is_some_and(|u| u.ends_with("/1"))
        );
    }

    #[test]
    fn configured_templates_name_other_carriers() {
        let configured = BTreeMap::from([
            (
                "DHL Express".to_owned(),
                "https://www.dhl.com/track?id={number}".to_owned(),
            ),
            (
                "西濃運輸".to_owned(),
                "https://example.jp/seino/{number}".to_owned(),
            ),
        ]);
        let t = UrlTemplates::with(&configured);
        assert_eq!(
            t.url(&Carrier::Other("DHL Express".into()), "JD0140"),
            Some("https://www.dhl.com/track?id=JD0140".into())
        );
        assert_eq!(
            t.url(&Carrier::Seino, "1"),
            Some("https://example.jp/seino/1".into())
        );
        assert!(check_template("https://a.example/{number}").is_ok());
        assert!(check_template("https://a.example/").is_err());
        assert!(check_template("http://a.example/{number}").is_err());
    }
}
