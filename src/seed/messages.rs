//! The messages the demo account's queues hold: failed orders in the DLQ and Lambda on-failure records
//! (put there by the seeder and, later, by traffic), and the SQS calls that count and send them.

use std::collections::HashMap;

use aws_sdk_sqs::types::{MessageAttributeValue, QueueAttributeName, SendMessageBatchRequestEntry};
use chrono::{DateTime, Utc};

use super::catalog::{self, ASYNC_FUNCTION};
use super::logs::{self, j, obj};
use super::{Emulator, SeedError, aws};

pub(super) async fn queue_depth(e: &Emulator, url: &str) -> Result<usize, SeedError> {
    let out = e
        .sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .map_err(aws("sqs:GetQueueAttributes"))?;
    Ok(out
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::ApproximateNumberOfMessages))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

fn string_attr(v: &str) -> Result<MessageAttributeValue, SeedError> {
    Ok(MessageAttributeValue::builder()
        .data_type("String")
        .string_value(v)
        .build()?)
}

/// A failed order message, as it sits in the DLQ after three receives. Some are poison in
/// different ways (bad decimal, missing field, not JSON).
pub(crate) fn dlq_message(
    rng: &mut fastrand::Rng,
    at: DateTime<Utc>,
) -> Result<(String, HashMap<String, MessageAttributeValue>), SeedError> {
    let order_id = format!("ord_{}", logs::hex(rng, 12));
    let mut total = 0.0;
    let items: Vec<String> = (0..rng.usize(1..4))
        .map(|_| {
            let qty = rng.u32(1..4);
            let price = f64::from(rng.u32(199..12_999)) / 100.0;
            total += price * f64::from(qty);
            obj(&[
                ("sku", j(&format!("SKU-{}", rng.u32(1000..9999)))),
                ("qty", j(&qty)),
                ("unitPrice", j(&price)),
            ])
        })
        .collect();
    let total = (total * 100.0).round() / 100.0;
    let items = format!("[{}]", items.join(","));
    let customer = format!("cus_{}", logs::hex(rng, 10));
    let currency = ["EUR", "USD", "GBP"][rng.usize(0..3)];
    let country = ["DE", "FR", "NL", "US"][rng.usize(0..4)];
    let created = j(&at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    let body = match rng.usize(0..10) {
        // Not JSON at all: a producer that still speaks form encoding.
        0 => format!("orderId={order_id}&customerId={customer}&total={total:.2}"),
        // No customer.
        1 | 2 => obj(&[
            ("orderId", j(&order_id)),
            ("items", items),
            ("total", j(&total)),
            ("currency", j(currency)),
            ("createdAt", created),
        ]),
        // A decimal comma.
        3 | 4 => obj(&[
            ("orderId", j(&order_id)),
            ("customerId", j(&customer)),
            ("items", items),
            ("total", j(&format!("{total:.2}").replace('.', ","))),
            ("currency", j(currency)),
            ("createdAt", created),
        ]),
        // Well-formed: failed downstream (out of stock).
        _ => obj(&[
            ("orderId", j(&order_id)),
            ("customerId", j(&customer)),
            ("items", items),
            ("total", j(&total)),
            ("currency", j(currency)),
            ("createdAt", created),
            (
                "shipping",
                obj(&[("method", j("express")), ("country", j(country))]),
            ),
        ]),
    };
    let mut attrs = HashMap::new();
    attrs.insert("eventType".to_owned(), string_attr("OrderPlaced")?);
    attrs.insert("source".to_owned(), string_attr("checkout-service")?);
    attrs.insert("correlationId".to_owned(), string_attr(&logs::uuid(rng))?);
    attrs.insert(
        "schemaVersion".to_owned(),
        MessageAttributeValue::builder()
            .data_type("Number")
            .string_value("3")
            .build()?,
    );
    Ok((body, attrs))
}

/// A Lambda on-failure destination record, shaped like AWS's.
pub(crate) fn failure_record(e: &Emulator, rng: &mut fastrand::Rng, at: DateTime<Utc>) -> String {
    let spec = catalog::spec(ASYNC_FUNCTION);
    let (etype, emsg) = spec.map_or(("Error", "failed"), |s| {
        s.errors[rng.usize(0..s.errors.len())]
    });
    let emsg = emsg.replace("{id}", &logs::hex(rng, 14));
    let event_type = [
        "charge.succeeded",
        "charge.refunded",
        "payment_intent.payment_failed",
        "invoice.paid",
    ][rng.usize(0..4)];
    let pay_currency = ["eur", "usd", "gbp"][rng.usize(0..3)];
    let object = obj(&[
        ("id", j(&format!("pi_{}", logs::hex(rng, 24)))),
        ("object", j("payment_intent")),
        ("amount", j(&rng.u32(500..250_000))),
        ("currency", j(pay_currency)),
        ("customer", j(&format!("cus_{}", logs::hex(rng, 14)))),
    ]);
    let request_payload = obj(&[
        ("id", j(&format!("evt_{}", logs::hex(rng, 24)))),
        ("object", j("event")),
        ("type", j(event_type)),
        ("created", j(&(at.timestamp() - 2))),
        ("livemode", j(&true)),
        ("data", obj(&[("object", object)])),
    ]);
    obj(&[
        ("version", j("1.0")),
        (
            "timestamp",
            j(&at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
        ),
        (
            "requestContext",
            obj(&[
                ("requestId", j(&logs::uuid(rng))),
                (
                    "functionArn",
                    j(&format!("{}:$LATEST", e.function_arn(ASYNC_FUNCTION))),
                ),
                ("condition", j("RetriesExhausted")),
                ("approximateInvokeCount", j(&3)),
            ]),
        ),
        ("requestPayload", request_payload),
        (
            "responseContext",
            obj(&[
                ("statusCode", j(&200)),
                ("executedVersion", j("$LATEST")),
                ("functionError", j("Unhandled")),
            ]),
        ),
        (
            "responsePayload",
            obj(&[
                ("errorType", j(etype)),
                ("errorMessage", j(&emsg)),
                (
                    "trace",
                    j(&[
                        format!("{etype}: {emsg}"),
                        "    at Runtime.handler (file:///var/task/index.mjs:42:11)".to_owned(),
                    ]),
                ),
            ]),
        ),
    ])
}

pub(super) async fn send_batch(
    e: &Emulator,
    url: &str,
    messages: Vec<(String, HashMap<String, MessageAttributeValue>)>,
) -> Result<usize, SeedError> {
    let n = messages.len();
    for (chunk_no, chunk) in messages.chunks(10).enumerate() {
        let entries = chunk
            .iter()
            .enumerate()
            .map(|(i, (body, attrs))| {
                SendMessageBatchRequestEntry::builder()
                    .id(format!("m{chunk_no}-{i}"))
                    .message_body(body)
                    .set_message_attributes((!attrs.is_empty()).then(|| attrs.clone()))
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()?;
        let out = e
            .sqs
            .send_message_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(aws("sqs:SendMessageBatch"))?;
        if !out.failed().is_empty() {
            return Err(SeedError::Unexpected(format!(
                "SendMessageBatch: {} entries failed",
                out.failed().len()
            )));
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dlq_messages_carry_attributes() {
        let mut rng = fastrand::Rng::with_seed(9);
        for _ in 0..20 {
            let (body, attrs) = dlq_message(&mut rng, Utc::now()).expect("builds");
            assert!(body.contains("ord_"));
            assert_eq!(attrs.len(), 4);
        }
    }
}
