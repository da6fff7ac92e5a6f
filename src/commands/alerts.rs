//! `hassou alerts test`: one test alert to every configured destination, sent now (not through
//! the outbox), each destination's result on its own line. Exit 0 when every destination took
//! it, 1 when one did not, 2 when none is configured.

use super::{Context, Failure, Out};
use crate::alerts::Alerting;
use crate::domain::Store;
use crate::text::Tell;

pub async fn test(ctx: &Context, out: &mut Out) -> Result<u8, Failure> {
    let lang = ctx.config.language;
    let alerting = Alerting::new(&ctx.config);
    let destinations = alerting.destinations();
    if destinations.is_empty() {
        return Err(Failure::input(Tell::NoAlertDestination.get(lang)));
    }
    // The test names the first configured store (or Shopify), as a real alert would.
    let channel = ctx
        .config
        .store_list()
        .into_iter()
        .find(|c| crate::stores::connector(&ctx.config, *c).is_ok())
        .unwrap_or(Store::SHOPIFY);
    let message = alerting.test_message(channel, ctx.now);
    let mut failed = false;
    for destination in destinations {
        let result = alerting.send(destination, &message).await;
        failed |= result.is_err();
        out.line(
            Tell::AlertTest {
                destination: &alerting.label(destination),
                error: result.as_ref().err().map(String::as_str),
            }
            .get(lang),
        );
    }
    Ok(u8::from(failed))
}
